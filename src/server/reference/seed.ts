import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import type { Db } from '../db/index.ts';
import type { AreaKind, Sector, UnitKind } from '../db/schema.ts';
import { invalidateReferenceData } from './cache.ts';
import * as q from './queries.ts';

/** Where db/seeds lives: the project root is the working directory of every npm script. */
export function seedsDir(): string {
  return path.resolve(process.env.BAKU_SEEDS_DIR ?? 'db/seeds');
}

export function slugify(s: string): string {
  return s
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}

function readCsv(file: string): Record<string, string>[] {
  return parse(fs.readFileSync(path.join(seedsDir(), file), 'utf8'), { columns: true, skip_empty_lines: true, trim: true });
}

function unitKind(shortName: string): UnitKind {
  if (shortName.startsWith('Kecamatan ')) return 'kecamatan';
  if (shortName.startsWith('Puskesmas ')) return 'puskesmas';
  return 'agency';
}

/**
 * Loads the city's units and areas from db/seeds (see db/seeds/SOURCES-ambon.md).
 * Idempotent: rows are matched by short name / Kemendagri code and updated in place, so a
 * corrected CSV is picked up at the next start and ids stay stable.
 */
export async function seedReferenceData(db: Db): Promise<{ units: number; areas: number; holidays: number }> {
  const units = readCsv('units.csv').map((r) => ({
    slug: slugify(r.short_name!),
    short_name: r.short_name!,
    name: r.name!,
    sector: r.sector as Sector,
    kind: unitKind(r.short_name!),
  }));
  const areas = readCsv('areas.csv').map((r) => ({
    code: r.kemendagri_code!,
    name: r.name!,
    kind: r.kind as AreaKind,
    kecamatan_code: r.kemendagri_code!.split('.').slice(0, 3).join('.'),
  }));
  // 2027's decree was read from secondary sources only (db/seeds/SOURCES-holidays.md).
  const holidays = readCsv('holidays.csv').map((r) => ({
    date: r.date!,
    kind: r.kind as 'libur_nasional' | 'cuti_bersama',
    name_id: r.name_id!,
    name_en: r.name_en!,
    provisional: r.date!.startsWith('2027'),
  }));
  // Holidays are admin-editable: each version of the file is loaded once (marked in job_runs),
  // adding missing days without overwriting an edit, and a day an admin deleted stays deleted.
  const holidaysVersion = `seed:holidays:${createHash('sha256').update(fs.readFileSync(path.join(seedsDir(), 'holidays.csv'))).digest('hex').slice(0, 16)}`;
  await db.transaction().execute(async (trx) => {
    if (await q.claimSeedVersion(trx, holidaysVersion)) await q.insertMissingHolidays(trx, holidays);
    await q.upsertUnits(trx, units);
    await q.upsertAreas(trx, areas);
  });
  invalidateReferenceData(db);
  return { units: units.length, areas: areas.length, holidays: holidays.length };
}
