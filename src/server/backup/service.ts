import { execFile } from 'node:child_process';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { lockDataDir } from '../db/index.ts';

const run = promisify(execFile);

/**
 * Backups of both databases, as one folder:
 *
 *   manifest.json        what it is: database kind, time, tool versions, counts
 *   database.pgdump      PostgreSQL: pg_dump's custom format (restored with pg_restore)
 *   pglite-datadir.tgz   embedded database: PGlite's own data-directory dump (dumpDataDir)
 *   uploads/             the photo files of DATA_DIR/uploads (see feedback/photos.ts)
 *
 * A restore refuses a target that already holds data (tables in the database, files in the
 * data folder) unless told to overwrite it.
 */

export interface BackupTarget {
  /** PostgreSQL server when set; otherwise the embedded database in dataDir/pglite. */
  databaseUrl?: string;
  dataDir: string;
}

export interface BackupOptions {
  /** Folder holding pg_dump/pg_restore; default PG_BIN, then /usr/lib/postgresql/15/bin, then PATH. */
  pgBin?: string;
}

export interface Manifest {
  format: 'baku-dengar-backup';
  version: 1;
  createdAt: string;
  database: 'postgres' | 'pglite';
  databaseFile: string;
  tool: string;
  photos: number;
}

export class BackupError extends Error {}

const MANIFEST = 'manifest.json';
const PG_FILE = 'database.pgdump';
const PGLITE_FILE = 'pglite-datadir.tgz';

function uploadsOf(dataDir: string): string {
  return path.join(dataDir, 'uploads');
}

function binary(name: 'pg_dump' | 'pg_restore', opts: BackupOptions): string {
  const dir = opts.pgBin ?? process.env.PG_BIN ?? (fs.existsSync('/usr/lib/postgresql/15/bin') ? '/usr/lib/postgresql/15/bin' : null);
  return dir ? path.join(dir, name) : name;
}

/** libpq environment for a URL: the password goes through PGPASSWORD, never the command line. */
function libpqEnv(url: string): { env: NodeJS.ProcessEnv; dbname: string } {
  const u = new URL(url);
  const password = decodeURIComponent(u.password);
  u.password = '';
  return { env: { ...process.env, ...(password ? { PGPASSWORD: password } : {}) }, dbname: u.toString() };
}

async function toolVersion(bin: string): Promise<string> {
  try {
    return (await run(bin, ['--version'])).stdout.trim();
  } catch (e) {
    throw new BackupError(`${bin} not found or not runnable (${(e as Error).message}). Install the PostgreSQL client tools (same major version as the server, or newer) or set PG_BIN.`);
  }
}

async function isEmptyDir(dir: string): Promise<boolean> {
  try {
    return (await fsp.readdir(dir)).length === 0;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return true;
    throw e;
  }
}

async function copyPhotos(from: string, to: string): Promise<number> {
  await fsp.mkdir(to, { recursive: true });
  let n = 0;
  for (const name of await fsp.readdir(from).catch(() => [] as string[])) {
    await fsp.copyFile(path.join(from, name), path.join(to, name));
    n++;
  }
  return n;
}

/** Writes a backup of the target into `outDir` (which must not exist or be empty). */
export async function createBackup(target: BackupTarget, outDir: string, opts: BackupOptions = {}): Promise<Manifest> {
  if (!(await isEmptyDir(outDir))) throw new BackupError(`The backup folder ${outDir} is not empty; choose a new one.`);
  await fsp.mkdir(outDir, { recursive: true });
  let manifest: Manifest;
  if (target.databaseUrl) {
    const bin = binary('pg_dump', opts);
    const tool = await toolVersion(bin);
    const { env, dbname } = libpqEnv(target.databaseUrl);
    try {
      await run(bin, ['--format=custom', '--no-owner', '--no-privileges', `--file=${path.join(outDir, PG_FILE)}`, `--dbname=${dbname}`], { env, maxBuffer: 16 * 1024 * 1024 });
    } catch (e) {
      throw new BackupError(`pg_dump failed: ${(e as { stderr?: string }).stderr?.trim() || (e as Error).message}`);
    }
    manifest = { format: 'baku-dengar-backup', version: 1, createdAt: new Date().toISOString(), database: 'postgres', databaseFile: PG_FILE, tool, photos: 0 };
  } else {
    const dir = path.join(target.dataDir, 'pglite');
    if (await isEmptyDir(dir)) throw new BackupError(`No embedded database in ${dir}.`);
    const release = lockDataDir(target.dataDir);
    try {
      const { PGlite } = await import('@electric-sql/pglite');
      const { pg_trgm } = await import('@electric-sql/pglite/contrib/pg_trgm');
      const { btree_gin } = await import('@electric-sql/pglite/contrib/btree_gin');
      const db = new PGlite({ dataDir: dir, extensions: { pg_trgm, btree_gin } });
      await db.waitReady;
      try {
        const dump = await db.dumpDataDir('gzip');
        await fsp.writeFile(path.join(outDir, PGLITE_FILE), Buffer.from(await dump.arrayBuffer()));
      } finally {
        await db.close();
      }
    } finally {
      release();
    }
    manifest = { format: 'baku-dengar-backup', version: 1, createdAt: new Date().toISOString(), database: 'pglite', databaseFile: PGLITE_FILE, tool: 'PGlite dumpDataDir', photos: 0 };
  }
  manifest.photos = await copyPhotos(uploadsOf(target.dataDir), path.join(outDir, 'uploads'));
  await fsp.writeFile(path.join(outDir, MANIFEST), JSON.stringify(manifest, null, 2) + '\n');
  return manifest;
}

async function readManifest(fromDir: string): Promise<Manifest> {
  let m: Manifest;
  try {
    m = JSON.parse(await fsp.readFile(path.join(fromDir, MANIFEST), 'utf8')) as Manifest;
  } catch {
    throw new BackupError(`${fromDir} is not a Baku Dengar backup (no readable ${MANIFEST}).`);
  }
  if (m.format !== 'baku-dengar-backup' || m.version !== 1) throw new BackupError(`${fromDir}: unknown backup format.`);
  return m;
}

async function postgresHasTables(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const r = await client.query<{ n: string }>(`select count(*) as n from pg_tables where schemaname = 'public'`);
    return Number(r.rows[0]!.n) > 0;
  } finally {
    await client.end();
  }
}

/**
 * Restores a backup into the target: a PostgreSQL backup into DATABASE_URL's database, an
 * embedded one into dataDir/pglite, the photos into dataDir/uploads. Refuses a target that
 * holds data unless `force` (which replaces it).
 */
export async function restoreBackup(target: BackupTarget, fromDir: string, opts: BackupOptions & { force?: boolean } = {}): Promise<Manifest> {
  const m = await readManifest(fromDir);
  const uploads = uploadsOf(target.dataDir);
  if (m.database === 'postgres') {
    if (!target.databaseUrl) throw new BackupError('This is a PostgreSQL backup: set DATABASE_URL to the (empty) database to restore into.');
    if (!opts.force && (await postgresHasTables(target.databaseUrl))) throw new BackupError('The target database is not empty. Restore into a new database, or pass --force to replace its contents.');
  } else {
    if (target.databaseUrl) throw new BackupError('This is a backup of the embedded database: unset DATABASE_URL and set DATA_DIR to the folder to restore into.');
    if (!opts.force && !(await isEmptyDir(path.join(target.dataDir, 'pglite')))) throw new BackupError(`${path.join(target.dataDir, 'pglite')} is not empty. Restore into an empty DATA_DIR, or pass --force to replace it.`);
  }
  if (!opts.force && !(await isEmptyDir(uploads))) throw new BackupError(`${uploads} is not empty. Restore into an empty DATA_DIR, or pass --force to replace the photos.`);

  if (m.database === 'postgres') {
    const bin = binary('pg_restore', opts);
    await toolVersion(bin);
    const { env, dbname } = libpqEnv(target.databaseUrl!);
    const args = ['--no-owner', '--no-privileges', '--exit-on-error', '--single-transaction', `--dbname=${dbname}`];
    if (opts.force) args.push('--clean', '--if-exists');
    try {
      await run(bin, [...args, path.join(fromDir, m.databaseFile)], { env, maxBuffer: 16 * 1024 * 1024 });
    } catch (e) {
      throw new BackupError(`pg_restore failed: ${(e as { stderr?: string }).stderr?.trim() || (e as Error).message}`);
    }
  } else {
    const dir = path.join(target.dataDir, 'pglite');
    await fsp.mkdir(target.dataDir, { recursive: true });
    const release = lockDataDir(target.dataDir);
    try {
      await fsp.rm(dir, { recursive: true, force: true });
      await fsp.mkdir(dir, { recursive: true });
      const { PGlite } = await import('@electric-sql/pglite');
      const { pg_trgm } = await import('@electric-sql/pglite/contrib/pg_trgm');
      const { btree_gin } = await import('@electric-sql/pglite/contrib/btree_gin');
      const data = await fsp.readFile(path.join(fromDir, m.databaseFile));
      const db = new PGlite({ dataDir: dir, extensions: { pg_trgm, btree_gin }, loadDataDir: new Blob([new Uint8Array(data)]) });
      await db.waitReady;
      await db.close();
    } finally {
      release();
    }
  }
  if (opts.force) await fsp.rm(uploads, { recursive: true, force: true });
  await copyPhotos(path.join(fromDir, 'uploads'), uploads);
  return m;
}
