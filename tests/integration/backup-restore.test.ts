import { randomBytes } from 'node:crypto';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { recordAudit } from '../../src/server/audit/service.ts';
import { BackupError, createBackup, restoreBackup } from '../../src/server/backup/service.ts';
import { openDb, type Db } from '../../src/server/db/index.ts';
import { migrateToLatest } from '../../src/server/db/migrate.ts';
import { photoStore } from '../../src/server/feedback/photos.ts';
import { seedReferenceData } from '../../src/server/reference/seed.ts';
import { person, pngFile, submit } from '../support/handling-fixtures.ts';

const temps: string[] = [];
async function tempDir(tag: string): Promise<string> {
  const d = await fsp.mkdtemp(path.join(os.tmpdir(), `bd-backup-${tag}-`));
  temps.push(d);
  return d;
}
afterAll(async () => {
  for (const d of temps) await fsp.rm(d, { recursive: true, force: true });
});

/** Every base table of the public schema with its row count. */
async function tableCounts(db: Db): Promise<Record<string, number>> {
  const tables = await sql<{ table_name: string }>`select table_name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE' order by 1`.execute(db);
  const out: Record<string, number> = {};
  for (const { table_name } of tables.rows) {
    out[table_name] = (await sql<{ n: number }>`select count(*)::int as n from ${sql.table(table_name)}`.execute(db)).rows[0]!.n;
  }
  return out;
}

/** Some of everything, with photos saved in dataDir/uploads as the site does. */
async function makeData(db: Db, dataDir: string): Promise<{ titles: string[]; photos: Map<string, Buffer> }> {
  const store = photoStore(dataDir);
  const author = await person(db, 'resident');
  const titles: string[] = [];
  for (let i = 0; i < 3; i++) {
    const title = `Cadangan ${i} ${randomBytes(3).toString('hex')} jalan rusak`;
    titles.push(title);
    await submit(db, { author, title, contactEmail: `cadangan.${i}@contoh.id`, files: [await pngFile(`a${i}.png`), await pngFile(`b${i}.png`)], photos: store });
  }
  await recordAudit(db, author.actor, 'test.backup', { type: 'user', id: author.user.id });
  const photos = new Map<string, Buffer>();
  for (const name of await fsp.readdir(path.join(dataDir, 'uploads'))) photos.set(name, await fsp.readFile(path.join(dataDir, 'uploads', name)));
  return { titles, photos };
}

async function expectSameData(db: Db, dataDir: string, counts: Record<string, number>, made: Awaited<ReturnType<typeof makeData>>): Promise<void> {
  expect(await tableCounts(db)).toEqual(counts);
  const titles = (await db.selectFrom('feedback').select('title').execute()).map((r) => r.title);
  expect(titles).toEqual(expect.arrayContaining(made.titles));
  const rows = await db.selectFrom('feedback_photos').select('file_name').execute();
  expect(rows).toHaveLength(6);
  for (const { file_name } of rows) {
    expect((await fsp.readFile(path.join(dataDir, 'uploads', file_name))).equals(made.photos.get(file_name)!)).toBe(true);
  }
  // Still a working database: full-text search (generated column, trigram extension) and the audit trigger.
  const hit = await sql<{ n: number }>`select count(*)::int as n from feedback where search @@ plainto_tsquery('simple', 'cadangan')`.execute(db);
  expect(hit.rows[0]!.n).toBe(3);
  expect(counts.audit_log).toBeGreaterThan(0);
  await expect(sql`delete from audit_log`.execute(db)).rejects.toThrow(/append-only/);
}

describe('backup and restore [pglite]', () => {
  it('restores a backup into an empty data folder with every row and photo', async () => {
    const source = await tempDir('src');
    const handle = await openDb({ dataDir: source });
    await migrateToLatest(handle.db);
    await seedReferenceData(handle.db);
    const made = await makeData(handle.db, source);
    const counts = await tableCounts(handle.db);
    expect(counts.feedback).toBe(3);

    await handle.close();
    const out = path.join(await tempDir('out'), 'cadangan');

    const manifest = await createBackup({ dataDir: source }, out);
    expect(manifest).toMatchObject({ database: 'pglite', photos: 6 });
    await expect(createBackup({ dataDir: source }, out)).rejects.toThrow(BackupError);

    const target = await tempDir('dst');
    await restoreBackup({ dataDir: target }, out);
    const restored = await openDb({ dataDir: target });
    try {
      await expectSameData(restored.db, target, counts, made);
    } finally {
      await restored.close();
    }

    // A second restore into the now non-empty folder is refused unless forced.
    await expect(restoreBackup({ dataDir: target }, out)).rejects.toThrow(/not empty/);
    await restoreBackup({ dataDir: target }, out, { force: true });
    const again = await openDb({ dataDir: target });
    try {
      expect(await tableCounts(again.db)).toEqual(counts);
    } finally {
      await again.close();
    }
    // A PostgreSQL target for an embedded backup is refused.
    await expect(restoreBackup({ dataDir: target, databaseUrl: 'postgres://x@127.0.0.1:1/none' }, out)).rejects.toThrow(/embedded database/);
  }, 300_000);
});

const PG = process.env.TEST_DATABASE_URL;
(PG ? describe : describe.skip)('backup and restore [postgres]', () => {
  const dbs: string[] = [];
  async function freshDatabase(): Promise<string> {
    const name = `bd_backup_${randomBytes(5).toString('hex')}`;
    const c = new pg.Client({ connectionString: PG });
    await c.connect();
    await c.query(`create database ${name}`);
    await c.end();
    dbs.push(name);
    const u = new URL(PG!);
    u.pathname = `/${name}`;
    return u.toString();
  }
  afterAll(async () => {
    const c = new pg.Client({ connectionString: PG });
    await c.connect();
    for (const name of dbs) await c.query(`drop database if exists ${name} with (force)`);
    await c.end();
  });

  it('restores a pg_dump backup into a fresh database and an empty data folder', async () => {
    const sourceUrl = await freshDatabase();
    const source = await tempDir('pgsrc');
    const handle = await openDb({ databaseUrl: sourceUrl, dataDir: null });
    let counts: Record<string, number>;
    let made: Awaited<ReturnType<typeof makeData>>;
    try {
      await migrateToLatest(handle.db);
      await seedReferenceData(handle.db);
      made = await makeData(handle.db, source);
      counts = await tableCounts(handle.db);
    } finally {
      await handle.close();
    }
    const out = path.join(await tempDir('pgout'), 'cadangan');
    const manifest = await createBackup({ databaseUrl: sourceUrl, dataDir: source }, out);
    expect(manifest).toMatchObject({ database: 'postgres', photos: 6 });
    expect(manifest.tool).toMatch(/pg_dump \(PostgreSQL\) \d+/);

    // The source database is not empty: refused without --force.
    await expect(restoreBackup({ databaseUrl: sourceUrl, dataDir: await tempDir('pgnone') }, out)).rejects.toThrow(/not empty/);

    const targetUrl = await freshDatabase();
    const target = await tempDir('pgdst');
    await restoreBackup({ databaseUrl: targetUrl, dataDir: target }, out);
    const restored = await openDb({ databaseUrl: targetUrl, dataDir: null });
    try {
      await expectSameData(restored.db, target, counts, made);
      // Identity sequences came along: new rows get fresh ids.
      const next = await submit(restored.db, { title: 'Setelah pemulihan, masukan baru' });
      expect(next.id).toBeGreaterThan(Math.max(...(await restored.db.selectFrom('feedback').select('id').where('id', '!=', next.id).execute()).map((r) => r.id)));
    } finally {
      await restored.close();
    }
    // Forced restore over a database with data replaces it.
    await restoreBackup({ databaseUrl: targetUrl, dataDir: target }, out, { force: true });
    const forced = await openDb({ databaseUrl: targetUrl, dataDir: null });
    try {
      expect(await tableCounts(forced.db)).toEqual(counts);
    } finally {
      await forced.close();
    }
  }, 300_000);
});
