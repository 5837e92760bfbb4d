import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';

/** Table types, kept in step with db/migrations by hand (migrations are the source of truth). */

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type TimestampRequired = ColumnType<Date, Date | string, Date | string>;
type Json = ColumnType<unknown, string | undefined, string>;

export type Role = 'resident' | 'asn' | 'moderator' | 'admin';
export const ROLES: readonly Role[] = ['resident', 'asn', 'moderator', 'admin'];
export type Sector =
  | 'umum'
  | 'pendidikan'
  | 'kesehatan'
  | 'infrastruktur'
  | 'ketertiban'
  | 'sosial'
  | 'kependudukan'
  | 'lingkungan'
  | 'perhubungan'
  | 'perizinan'
  | 'keuangan'
  | 'kepegawaian'
  | 'kewilayahan';
export const SECTORS: readonly Sector[] = [
  'umum', 'pendidikan', 'kesehatan', 'infrastruktur', 'ketertiban', 'sosial',
  'kependudukan', 'lingkungan', 'perhubungan', 'perizinan', 'keuangan', 'kepegawaian', 'kewilayahan',
];
export type UnitKind = 'agency' | 'kecamatan' | 'puskesmas';
export type AreaKind = 'kecamatan' | 'kelurahan' | 'desa' | 'negeri';

export interface UnitTable {
  id: Generated<number>;
  slug: string;
  short_name: string;
  name: string;
  sector: Sector;
  kind: UnitKind;
  active: Generated<boolean>;
  created_at: Generated<Date>;
}

export interface AreaTable {
  id: Generated<number>;
  code: string;
  name: string;
  kind: AreaKind;
  kecamatan_code: string;
}

export interface UserTable {
  id: Generated<string>;
  email: string;
  display_name: string;
  password_hash: string | null;
  role: Role;
  unit_id: number | null;
  locale: Generated<'id' | 'en'>;
  disabled_at: Date | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
  password_changed_at: Date | null;
  last_sign_in_at: Date | null;
}

export interface SessionTable {
  id: string;
  user_id: string;
  created_at: Timestamp;
  expires_at: TimestampRequired;
  absolute_expires_at: TimestampRequired;
  ip: string | null;
  user_agent: string | null;
}

export interface PasswordTokenTable {
  token_hash: string;
  user_id: string;
  purpose: 'reset' | 'setup';
  created_at: Timestamp;
  expires_at: TimestampRequired;
  used_at: Date | null;
}

export interface RateLimitTable {
  key: string;
  window_start: TimestampRequired;
  count: number;
}

export interface AuditLogTable {
  id: Generated<string>;
  at: Timestamp;
  actor_id: string | null;
  actor_label: string;
  action: string;
  object_type: string;
  object_id: string | null;
  ip: string | null;
  before: Json;
  after: Json;
}

export type OutboxStatus = 'pending' | 'sending' | 'sent' | 'logged' | 'failed';

export interface OutboxTable {
  id: Generated<string>;
  created_at: Timestamp;
  to_email: string;
  locale: 'id' | 'en';
  template: string;
  subject: string;
  text_body: string;
  html_body: string;
  status: Generated<OutboxStatus>;
  attempts: Generated<number>;
  next_attempt_at: Timestamp;
  claimed_at: Date | null;
  sent_at: Date | null;
  last_error: string | null;
}

export interface Database {
  units: UnitTable;
  areas: AreaTable;
  users: UserTable;
  sessions: SessionTable;
  password_tokens: PasswordTokenTable;
  rate_limits: RateLimitTable;
  audit_log: AuditLogTable;
  outbox: OutboxTable;
}

export type Unit = Selectable<UnitTable>;
export type Area = Selectable<AreaTable>;
export type UserRow = Selectable<UserTable>;
export type NewUser = Insertable<UserTable>;
export type UserUpdate = Updateable<UserTable>;
export type SessionRow = Selectable<SessionTable>;
export type OutboxRow = Selectable<OutboxTable>;
export type AuditRow = Selectable<AuditLogTable>;
