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
  id: Generated<number>;
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
  id: Generated<number>;
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

export type FeedbackKind = 'keluhan' | 'apresiasi' | 'saran' | 'pertanyaan';
export const FEEDBACK_KINDS: readonly FeedbackKind[] = ['keluhan', 'apresiasi', 'saran', 'pertanyaan'];
export type ModerationState = 'pending' | 'published' | 'rejected' | 'hidden';
export type HandlingStatus = 'received' | 'assigned' | 'in_progress' | 'responded' | 'resolved' | 'closed' | 'reopened';
export const HANDLING_STATUSES: readonly HandlingStatus[] = ['received', 'assigned', 'in_progress', 'responded', 'resolved', 'closed', 'reopened'];
export type FeedbackEventKind =
  | 'submitted'
  | 'status'
  | 'response'
  | 'note'
  | 'info_request'
  | 'info_added'
  | 'rating'
  | 'reopened'
  | 'published'
  | 'rejected'
  | 'assigned'
  | 'redacted'
  | 'hidden'
  | 'shown'
  | 'confidential'
  | 'updated'
  | 'duplicate'
  | 'closed';
export type FlagReason = 'spam' | 'abusive' | 'personal_data' | 'other';
export const FLAG_REASONS: readonly FlagReason[] = ['spam', 'abusive', 'personal_data', 'other'];

export interface HolidayTable {
  date: ColumnType<string, string, string>;
  kind: 'libur_nasional' | 'cuti_bersama' | 'lokal';
  name_id: string;
  name_en: string;
  provisional: Generated<boolean>;
}

export interface FeedbackTable {
  id: Generated<number>;
  tracking_hash: string;
  idempotency_hash: string | null;
  code_attempt: Generated<number>;
  kind: FeedbackKind;
  unit_id: number | null;
  sector: Sector | null;
  area_id: number | null;
  kecamatan_code: string | null;
  location_text: string | null;
  occurred_on: ColumnType<string | null, string | null | undefined, string | null>;
  title: string;
  body_md: string;
  body_html: string;
  officer_named: string | null;
  anonymous: Generated<boolean>;
  confidential: Generated<boolean>;
  author_id: string | null;
  moderation_state: Generated<ModerationState>;
  status: Generated<HandlingStatus>;
  support_count: Generated<number>;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
  published_at: Date | null;
  responded_at: Date | null;
  closed_at: Date | null;
  search: ColumnType<string, never, never>;
  priority: Generated<Priority>;
  assigned_at: Date | null;
  first_response_at: Date | null;
  verify_due_at: Date | null;
  answer_due_at: Date | null;
  autoclose_at: Date | null;
  duplicate_of: number | null;
  reject_reason: RejectReason | null;
  reject_note: string | null;
  hidden_by_flags: Generated<boolean>;
}

export type Priority = 'low' | 'normal' | 'high' | 'urgent';
export const PRIORITIES: readonly Priority[] = ['low', 'normal', 'high', 'urgent'];
export type RejectReason = 'spam' | 'abusive' | 'incomplete' | 'not_authority' | 'duplicate';
export const REJECT_REASONS: readonly RejectReason[] = ['spam', 'abusive', 'incomplete', 'not_authority', 'duplicate'];

export interface FeedbackRedactionTable {
  id: Generated<number>;
  feedback_id: number;
  at: Generated<Date>;
  actor_id: string | null;
  field: 'title' | 'body' | 'location';
  original: string;
  redacted: string;
}

export interface AnswerTemplateTable {
  id: Generated<number>;
  unit_id: number | null;
  title: string;
  body_md: string;
  created_by: string | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface JobRunTable {
  name: string;
  run_on: ColumnType<string, string, string>;
  started_at: Generated<Date>;
}

export interface FeedbackContactTable {
  feedback_id: number;
  name: string | null;
  email: string | null;
  phone: string | null;
  locale: Generated<'id' | 'en'>;
}

export interface FeedbackEventTable {
  id: Generated<number>;
  feedback_id: number;
  at: Generated<Date>;
  kind: FeedbackEventKind;
  public: boolean;
  actor_id: string | null;
  actor_role: string | null;
  from_status: HandlingStatus | null;
  to_status: HandlingStatus | null;
  body_md: string | null;
  body_html: string | null;
}

export interface FeedbackPhotoTable {
  id: Generated<number>;
  feedback_id: number;
  file_name: string;
  mime: 'image/jpeg' | 'image/png' | 'image/webp';
  width: number;
  height: number;
  bytes: number;
  hidden: Generated<boolean>;
  created_at: Generated<Date>;
}

export interface FeedbackSupportTable {
  feedback_id: number;
  user_id: string;
  created_at: Generated<Date>;
}

export interface FeedbackFlagTable {
  id: Generated<number>;
  feedback_id: number;
  user_id: string | null;
  reporter_key: string;
  reason: FlagReason;
  note: string | null;
  created_at: Generated<Date>;
  resolved_at: Date | null;
  resolved_by: string | null;
  resolution: string | null;
}

export interface FeedbackRatingTable {
  feedback_id: number;
  score: number;
  comment: string | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface Database {
  holidays: HolidayTable;
  feedback: FeedbackTable;
  feedback_contacts: FeedbackContactTable;
  feedback_events: FeedbackEventTable;
  feedback_photos: FeedbackPhotoTable;
  feedback_supports: FeedbackSupportTable;
  feedback_flags: FeedbackFlagTable;
  feedback_ratings: FeedbackRatingTable;
  feedback_redactions: FeedbackRedactionTable;
  answer_templates: AnswerTemplateTable;
  job_runs: JobRunTable;
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
