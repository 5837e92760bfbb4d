import { sql } from 'kysely';
import type { Db } from './index.ts';

/**
 * The analyze half of autovacuum, for the embedded database. PGlite runs no autovacuum, so its
 * planner never gets statistics unless someone runs ANALYZE; without them it guesses, and on the
 * demo data the board read every published item through an unrelated partial index and sorted
 * them (9.5 ms in the database) instead of reading 21 rows of its newest-first index (0.9 ms).
 * PostgreSQL's own autovacuum does this for a server; the worker calls this for PGlite only.
 *
 * A table is analyzed when it never was (`reltuples` is -1: kept in the catalog, so a reopened
 * database that was analyzed before costs nothing), or when more rows changed since its last
 * ANALYZE than autovacuum's default threshold (50 rows + 10 % of the table). PGlite does not keep
 * the change counters across a restart, so changes made in the last minute before a shutdown
 * are only counted again when they recur; that is autovacuum's behaviour after a crash too.
 * ANALYZE reads a bounded sample (30,000 rows per table at the default statistics target), so
 * one table costs at most a fraction of a second even on a large embedded database.
 */
export async function analyzeChangedTables(db: Db): Promise<string[]> {
  const { rows } = await sql<{ relname: string }>`
    select c.relname
    from pg_class c
    left join pg_stat_user_tables s on s.relid = c.oid
    where c.relkind in ('r', 'p') and c.relnamespace = 'public'::regnamespace
      and (c.reltuples < 0 or coalesce(s.n_mod_since_analyze, 0) > 50 + 0.1 * c.reltuples)
    order by c.relname`.execute(db);
  for (const { relname } of rows) await sql`analyze ${sql.id(relname)}`.execute(db);
  return rows.map((r) => r.relname);
}
