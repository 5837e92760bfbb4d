/**
 * Accounts and forums of the forum browser tests (tests/e2e/forums*.spec.ts), created by the
 * e2e seed (tests/e2e/seed.ts, "forums" block) through the real use cases (createForum,
 * registerForForum, checkInByCode, publishMinutes) before the server starts.
 *
 * Plain data, no Playwright import (the seed runs under plain Node): erasable TypeScript only.
 *
 * Every forum has a fixed slug (set by the seed after createForum) so tests open it directly;
 * times are relative to the moment the seed runs. Each test works on forums of its own, so
 * seat counts and attendee counts it asserts are not changed by other tests.
 */
import { E2E_EMAIL_DOMAIN, type FixtureAccount, type FixtureRole } from './fixtures.ts';

function account(local: string, displayName: string, role: FixtureRole, password: string, unit: string | null = null): FixtureAccount {
  return { email: `${local}@${E2E_EMAIL_DOMAIN}`, password, displayName, role, unit };
}

export const FORUM_ACCOUNTS = {
  /** Schedules, edits, cancels forums; agenda, check-in, minutes, commitments. */
  moderator: account('moderator.forum', 'Moderator Forum Uji', 'moderator', 'Balai kota di tepi Teluk Ambon 41'),
  /** Residents who register, wait and cancel. */
  wargaA: account('warga.forum.alfa', 'Warga Forum Alfa', 'resident', 'Ombak pagi di Pantai Liang 42'),
  wargaB: account('warga.forum.beta', 'Warga Forum Beta', 'resident', 'Senja merah di Tanjung Alang 43'),
  wargaC: account('warga.forum.gama', 'Warga Forum Gama', 'resident', 'Perahu semang di Hukurila 44'),
  /** Only registered by the seed (never signs in). */
  wargaD: account('warga.forum.delta', 'Warga Forum Delta', 'resident', 'Sagu tumbu di pasar Mardika 45'),
  /** ASN of a participating unit (Dinkes): takes a reserved ASN seat. */
  asnDinkes: account('asn.dinkes.forum', 'Perawat Forum Dinkes', 'asn', 'Puskesmas Rijali buka pagi 46', 'Dinkes'),
  /** ASN of a unit that does not take part (Dishub): no seat. */
  asnDishub: account('asn.dishub.forum', 'Petugas Forum Dishub', 'asn', 'Angkot biru lewat Galunggung 47', 'Dishub'),
} as const satisfies Record<string, FixtureAccount>;

export type ForumAccountName = keyof typeof FORUM_ACCOUNTS;

export interface SeedForum {
  slug: string;
  title: string;
  /** Start, in hours from the seed's now (negative: in the past). */
  startsInHours: number;
  hours: number;
  /** Registration window, in hours from the seed's now. */
  opensInHours: number;
  closesInHours: number;
  capacity: number;
  reservedAsn: number;
  /** Unit short names (db/seeds/units.csv). */
  units: string[];
  venue: string;
  status: 'published' | 'draft';
  /** Registered by the seed, in this order (while the registration window was open). */
  registrants?: ForumAccountName[];
  /** Checked in by the seed (after registering). */
  checkedIn?: ForumAccountName[];
  /** Minutes published by the seed (the forum is then closed). */
  minutes?: string;
}

const H = 1;
const D = 24 * H;

export const SEED_FORUMS = {
  /** Open for registration, in ten days: lists, .ics, month view, ASN seats, register with and without JS. */
  buka: {
    slug: 'e2e-forum-buka',
    title: 'Forum Kesehatan bukaforum Sirimau',
    startsInHours: 10 * D,
    hours: 3,
    opensInHours: -1 * D,
    closesInHours: 10 * D - 2,
    capacity: 40,
    reservedAsn: 3,
    units: ['Dinkes'],
    venue: 'Aula Balai Kota Ambon',
    status: 'published',
  },
  /** Open, two units: questions sent ahead (a resident asks, the unit reads, the moderator picks). */
  tanya: {
    slug: 'e2e-forum-tanya',
    title: 'Forum Layanan tanyaforum Nusaniwe',
    startsInHours: 11 * D,
    hours: 2,
    opensInHours: -1 * D,
    closesInHours: 11 * D - 2,
    capacity: 20,
    reservedAsn: 0,
    units: ['Dinkes', 'Disdukcapil'],
    venue: 'Aula Kecamatan Nusaniwe',
    status: 'published',
  },
  /** One seat: waitlist and promotion without JavaScript. */
  penuh: {
    slug: 'e2e-forum-penuh',
    title: 'Forum Sampah penuhforum Nusaniwe',
    startsInHours: 12 * D,
    hours: 2,
    opensInHours: -1 * D,
    closesInHours: 12 * D - 2,
    capacity: 1,
    reservedAsn: 0,
    units: ['Dinkes'],
    venue: 'Kantor Kecamatan Nusaniwe',
    status: 'published',
  },
  /** One seat: waitlist and promotion with JavaScript (htmx swaps the box). */
  penuhJs: {
    slug: 'e2e-forum-penuh-js',
    title: 'Forum Air Bersih penuhjsforum Baguala',
    startsInHours: 13 * D,
    hours: 2,
    opensInHours: -1 * D,
    closesInHours: 13 * D - 2,
    capacity: 1,
    reservedAsn: 0,
    units: ['Dinkes'],
    venue: 'Kantor Kecamatan Baguala',
    status: 'published',
  },
  /** Today, in two hours: check-in by typed code without JavaScript. */
  hariIni: {
    slug: 'e2e-forum-hari-ini',
    title: 'Forum Puskesmas hariiniforum Sirimau',
    startsInHours: 2 * H,
    hours: 3,
    opensInHours: -2 * D,
    closesInHours: 2 * H,
    capacity: 10,
    reservedAsn: 0,
    units: ['Dinkes'],
    venue: 'Aula Puskesmas Rijali',
    status: 'published',
  },
  /** Today: the QR code's URL prefills the check-in form (with JavaScript). */
  qr: {
    slug: 'e2e-forum-qr',
    title: 'Forum Imunisasi qrforum Teluk Ambon',
    startsInHours: 2 * H,
    hours: 3,
    opensInHours: -2 * D,
    closesInHours: 2 * H,
    capacity: 10,
    reservedAsn: 0,
    units: ['Dinkes'],
    venue: 'Aula Puskesmas Poka',
    status: 'published',
  },
  /** Today, its one seat taken: a walk-in is refused. */
  pintuPenuh: {
    slug: 'e2e-forum-pintu-penuh',
    title: 'Forum Posyandu pintupenuhforum Leitimur',
    startsInHours: 2 * H,
    hours: 3,
    opensInHours: -2 * D,
    closesInHours: 2 * H,
    capacity: 1,
    reservedAsn: 0,
    units: ['Dinkes'],
    venue: 'Balai Negeri Hutumury',
    status: 'published',
    registrants: ['wargaD'],
  },
  /** Cancelled by the moderator in a test (reason first refused); its registrant is told. */
  batal: {
    slug: 'e2e-forum-batal',
    title: 'Forum Pasar batalforum Mardika',
    startsInHours: 20 * D,
    hours: 2,
    opensInHours: -1 * D,
    closesInHours: 20 * D - 2,
    capacity: 30,
    reservedAsn: 0,
    units: ['Dinkes'],
    venue: 'Gedung Pasar Mardika',
    status: 'published',
    registrants: ['wargaD'],
  },
  /** Ended yesterday, one attendee: minutes and commitments. */
  lalu: {
    slug: 'e2e-forum-lalu',
    title: 'Forum Rumah Sakit laluforum Ambon',
    startsInHours: -26 * H,
    hours: 3,
    opensInHours: -10 * D,
    closesInHours: -27 * H,
    capacity: 30,
    reservedAsn: 0,
    units: ['Dinkes', 'Disdukcapil'],
    venue: 'RSUD dr. M. Haulussy',
    status: 'published',
    registrants: ['wargaD'],
    checkedIn: ['wargaD'],
  },
  /** A month ago, minutes published (closed): the "past" list. */
  selesai: {
    slug: 'e2e-forum-selesai',
    title: 'Forum Jalan selesaiforum Passo',
    startsInHours: -30 * D,
    hours: 3,
    opensInHours: -45 * D,
    closesInHours: -30 * D - 2,
    capacity: 30,
    reservedAsn: 0,
    units: ['Dinkes'],
    venue: 'Kantor Negeri Passo',
    status: 'published',
    minutes: 'Forum membahas **jalan berlubang** di Passo; Dinas PUPR mencatat semua titik.',
  },
  /** A draft: the agenda form (no invitations go out for drafts). */
  draf: {
    slug: 'e2e-forum-draf',
    title: 'Forum Kependudukan drafforum Sirimau',
    startsInHours: 25 * D,
    hours: 2,
    opensInHours: 1 * D,
    closesInHours: 25 * D - 2,
    capacity: 30,
    reservedAsn: 2,
    units: ['Dinkes'],
    venue: 'Kantor Disdukcapil',
    status: 'draft',
  },
} as const satisfies Record<string, SeedForum>;

export type SeedForumRef = keyof typeof SEED_FORUMS;
