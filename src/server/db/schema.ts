import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';
import type { AlertFrequency, AlertScope, AreaKind, CoachingKind, CoachingStatus, CommitmentStatus, DeliveryStatus, FeedbackChannel, FeedbackEventKind, FeedbackKind, FlagReason, ForumMode, ForumStatus, HandlingStatus, ModerationState, NotifyChannels, OutboxChannel, OutboxStatus, PeriodKind, Priority, QuestionStatus, RegistrationStatus, RejectReason, Role, SeatPool, Sector, UnitKind } from '../../domain/vocabulary.ts';
/** The vocabulary is defined in src/domain so that pages and components need not import the database layer. */
export * from '../../domain/vocabulary.ts';


/**
 * Table types, kept in step with db/migrations by hand (migrations are the source of truth).
 *
 * Why it is one file of more than 400 lines: Kysely types every query against one `Database`
 * interface, so every table's type must be reachable from here; they are plain declarations with
 * no logic, one per table, in the order the migrations created them (new tables in a block at the
 * end, as DEVELOPERS.md asks). Splitting them across domains would let a domain's table type drift
 * from the migration that defines it without one place to compare.
 */

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type TimestampRequired = ColumnType<Date, Date | string, Date | string>;
type Json = ColumnType<unknown, string | undefined, string>;

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

export interface OutboxTable {
  id: Generated<number>;
  created_at: Timestamp;
  /** The email recipient; for a WhatsApp message, the address to fall back to (if any). */
  to_email: string | null;
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
  attachments: ColumnType<EmailAttachment[] | null, string | null | undefined, string | null>;
}

/** A file sent with an email; `cid` makes it referable from the HTML part (`<img src="cid:...">`). */
export interface EmailAttachment {
  filename: string;
  contentType: string;
  base64: string;
  cid?: string;
}

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
  /** Optional map pin (WGS 84 degrees); both or neither. */
  latitude: number | null;
  longitude: number | null;
  channel: Generated<FeedbackChannel>;
}

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

export interface ForumTable {
  id: Generated<number>;
  slug: string;
  title: string;
  description_md: Generated<string>;
  description_html: Generated<string>;
  starts_at: TimestampRequired;
  ends_at: TimestampRequired;
  venue: string | null;
  address: string | null;
  mode: ForumMode;
  online_url: string | null;
  capacity: number;
  reserved_asn: Generated<number>;
  resident_taken: Generated<number>;
  asn_taken: Generated<number>;
  registration_opens_at: TimestampRequired;
  registration_closes_at: TimestampRequired;
  status: Generated<ForumStatus>;
  sequence: Generated<number>;
  cancel_reason: string | null;
  copied_from: number | null;
  minutes_md: string | null;
  minutes_html: string | null;
  minutes_published_at: Date | null;
  attendee_count: number | null;
  reminder_sent_at: Date | null;
  survey_sent_at: Date | null;
  created_by: string | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface ForumUnitTable {
  forum_id: number;
  unit_id: number;
}

export interface ForumRegistrationTable {
  id: Generated<number>;
  forum_id: number;
  user_id: string | null;
  walk_in_name: string | null;
  pool: SeatPool;
  unit_id: number | null;
  status: RegistrationStatus;
  queue_seq: number;
  code: string;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
  promoted_at: Date | null;
  cancelled_at: Date | null;
  checked_in_at: Date | null;
  checked_in_by: string | null;
}

export interface ForumAgendaItemTable {
  id: Generated<number>;
  forum_id: number;
  position: number;
  title: string;
  note: string | null;
  unit_id: number | null;
  question_id: number | null;
  created_at: Generated<Date>;
}

export interface ForumAgendaCitationTable {
  agenda_item_id: number;
  feedback_id: number;
}

export interface ForumCitationInviteTable {
  forum_id: number;
  feedback_id: number;
  invited_at: Generated<Date>;
}

export interface ForumQuestionTable {
  id: Generated<number>;
  forum_id: number;
  user_id: string | null;
  unit_id: number | null;
  feedback_id: number | null;
  body: string;
  status: Generated<QuestionStatus>;
  position: number | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface ForumCommitmentTable {
  id: Generated<number>;
  forum_id: number;
  unit_id: number;
  body_md: string;
  body_html: string;
  status: Generated<CommitmentStatus>;
  due_on: ColumnType<string | null, string | null | undefined, string | null>;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface ForumCommitmentCitationTable {
  commitment_id: number;
  feedback_id: number;
}

export interface ForumSurveyResponseTable {
  registration_id: number;
  forum_id: number;
  score: number;
  comment: string | null;
  created_at: Generated<Date>;
}

export interface EvaluationFindingTable {
  id: Generated<number>;
  unit_id: number;
  period_kind: PeriodKind;
  period_start: ColumnType<string, string, string>;
  title: string;
  body_md: string;
  body_html: string;
  evidence: Json;
  created_by: string | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface EvaluationFindingFeedbackTable {
  finding_id: number;
  feedback_id: number;
}

export interface CoachingActionTable {
  id: Generated<number>;
  kind: CoachingKind;
  title: string;
  goal_md: string;
  goal_html: string;
  starts_on: ColumnType<string, string, string>;
  ends_on: ColumnType<string, string, string>;
  status: Generated<CoachingStatus>;
  completed_at: Date | null;
  commitment_id: number | null;
  finding_id: number | null;
  created_by: string | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface CoachingActionUnitTable {
  action_id: number;
  unit_id: number;
}

export interface CoachingParticipantTable {
  action_id: number;
  user_id: string;
  added_at: Generated<Date>;
  attendance_confirmed_at: Date | null;
  confirmed_by: string | null;
}

export interface CoachingProgressReportTable {
  id: Generated<number>;
  action_id: number;
  user_id: string;
  learned_md: string;
  learned_html: string;
  changed_md: string;
  changed_html: string;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface CoachingFeedbackLinkTable {
  action_id: number;
  feedback_id: number;
  linked_by: string | null;
  linked_at: Generated<Date>;
}

export interface Database {
  forums: ForumTable;
  forum_units: ForumUnitTable;
  forum_registrations: ForumRegistrationTable;
  forum_agenda_items: ForumAgendaItemTable;
  forum_agenda_citations: ForumAgendaCitationTable;
  forum_citation_invites: ForumCitationInviteTable;
  forum_questions: ForumQuestionTable;
  forum_commitments: ForumCommitmentTable;
  forum_commitment_citations: ForumCommitmentCitationTable;
  forum_survey_responses: ForumSurveyResponseTable;
  evaluation_findings: EvaluationFindingTable;
  evaluation_finding_feedback: EvaluationFindingFeedbackTable;
  coaching_actions: CoachingActionTable;
  coaching_action_units: CoachingActionUnitTable;
  coaching_participants: CoachingParticipantTable;
  coaching_progress_reports: CoachingProgressReportTable;
  coaching_feedback_links: CoachingFeedbackLinkTable;
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

// ---- evaluation (db/migrations/2026-11-27T232000_evaluation.ts); merged into Database above.

export interface UnitDayMeasuresTable {
  unit_id: number;
  day: ColumnType<string, string, string>;
  received: number;
  keluhan: number;
  apresiasi: number;
  saran: number;
  pertanyaan: number;
  answered: number;
  on_time: number;
  resolved: number;
  reopened: number;
  rating_sum: number;
  rating_count: number;
  /** 32 buckets: [0..30] working days to the first answer, [31] more than 30. */
  wd_hist: number[];
  refreshed_at: Generated<Date>;
}

export interface MeasuresDirtyTable {
  unit_id: number;
  day: ColumnType<string, string, string>;
  marked_at: Generated<Date>;
}

export interface FeedbackAnswerDeadlineTable {
  feedback_id: number;
  due_at: Date;
}

// Declaration merging: the evaluation tables join the Database interface without editing it.
export interface Database {
  unit_day_measures: UnitDayMeasuresTable;
  measures_dirty: MeasuresDirtyTable;
  feedback_answer_deadlines: FeedbackAnswerDeadlineTable;
}

// ---- Open311 and feeds (db/migrations/2026-12-04T110000_open311-and-feeds.ts); merged into Database.

export interface ApiKeyTable {
  id: Generated<number>;
  name: string;
  key_hash: string;
  key_prefix: string;
  created_by: string | null;
  created_at: Generated<Date>;
  last_used_at: Date | null;
  revoked_at: Date | null;
  revoked_by: string | null;
}

export interface Open311TokenTable {
  token_hash: string;
  feedback_id: number;
  api_key_id: number;
  created_at: Generated<Date>;
}

export interface Database {
  api_keys: ApiKeyTable;
  open311_tokens: Open311TokenTable;
}

export type ApiKeyRow = Selectable<ApiKeyTable>;

// ---- map and email alerts (db/migrations/2026-12-04T100000_map-and-alerts.ts); merged by declaration.

/** Extra mail headers of one outbox message (List-Unsubscribe ...), a JSON object. */
export interface OutboxTable {
  headers: ColumnType<Record<string, string> | null, string | null | undefined, string | null>;
}

export interface AlertSubscriptionTable {
  id: Generated<number>;
  email: string;
  locale: Generated<'id' | 'en'>;
  scope: AlertScope;
  unit_id: number | null;
  kecamatan_code: string | null;
  latitude: number | null;
  longitude: number | null;
  radius_m: number | null;
  feedback_id: number | null;
  frequency: AlertFrequency;
  user_id: string | null;
  created_at: Generated<Date>;
  confirmed_at: Date | null;
  cancelled_at: Date | null;
  last_sent_on: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface AlertTokenTable {
  token_hash: string;
  subscription_id: number;
  purpose: 'confirm' | 'unsubscribe';
  created_at: Generated<Date>;
}

export interface AlertEventTable {
  event_id: number;
  queued_at: Generated<Date>;
}

export interface AlertItemTable {
  subscription_id: number;
  event_id: number;
  created_at: Generated<Date>;
}

export interface Database {
  alert_subscriptions: AlertSubscriptionTable;
  alert_tokens: AlertTokenTable;
  alert_events: AlertEventTable;
  alert_items: AlertItemTable;
}

// ---- WhatsApp channel (db/migrations/2026-12-04T120000_whatsapp.ts); merged into the interfaces above.

/** A WhatsApp template to use outside the 24-hour window: its registered name and body parameters. */
export interface WhatsAppTemplateRef {
  name: string;
  params: string[];
  /** The template has an image header: the outbox attachment with this content id. */
  headerImageCid?: string;
}

export interface OutboxTable {
  channel: Generated<OutboxChannel>;
  /** E.164 number of a WhatsApp message. */
  to_phone: string | null;
  /** Free-form text sent inside the 24-hour window. */
  wa_text: string | null;
  /** Template sent outside the window. */
  wa_template: ColumnType<WhatsAppTemplateRef | null, string | null | undefined, string | null>;
  provider_message_id: string | null;
  delivery_status: DeliveryStatus | null;
  delivery_error: string | null;
  delivery_at: Date | null;
  /** The email queued when this WhatsApp message failed. */
  fallback_outbox_id: number | null;
  /** The feedback item the message is about, so staff see its delivery on the item. */
  feedback_id: number | null;
}

export interface FeedbackContactTable {
  notify: Generated<NotifyChannels>;
}

export interface WhatsAppInboxTable {
  id: Generated<number>;
  /** The provider's message id (`wamid…`); for a status, `<wamid>:<status>`. */
  message_id: string;
  kind: 'message' | 'status';
  /** Sender of a message, recipient of a status (the provider's wa_id, digits). */
  wa_from: string;
  /** The provider's timestamp. */
  sent_at: Date;
  payload: ColumnType<unknown, string, string>;
  contact_name: string | null;
  received_at: Generated<Date>;
  status: Generated<'pending' | 'processing' | 'done' | 'failed'>;
  attempts: Generated<number>;
  claimed_at: Date | null;
  processed_at: Date | null;
  last_error: string | null;
}

export interface WhatsAppContactTable {
  phone: string;
  wa_id: string;
  profile_name: string | null;
  locale: Generated<'id' | 'en'>;
  last_inbound_at: Date | null;
  opted_out_at: Date | null;
  step: Generated<string>;
  draft: ColumnType<Record<string, unknown>, string | undefined, string>;
  step_at: Date | null;
  awaiting_info_feedback_id: number | null;
  awaiting_info_until: Date | null;
  updated_at: Generated<Date>;
}

export interface WhatsAppUserNumberTable {
  user_id: string;
  phone: string | null;
  verified_at: Date | null;
  pending_phone: string | null;
  code_hash: string | null;
  code_expires_at: Date | null;
  code_attempts: Generated<number>;
  notify: Generated<NotifyChannels>;
  updated_at: Generated<Date>;
}

export interface Database {
  whatsapp_inbox: WhatsAppInboxTable;
  whatsapp_contacts: WhatsAppContactTable;
  whatsapp_user_numbers: WhatsAppUserNumberTable;
}

// ---- data rights (db/migrations/2026-12-04T150000_data-rights.ts); merged into the tables above.

/** A deleted account is kept as a tombstone without personal data; restriction stops processing. */
export interface UserTable {
  deleted_at: Date | null;
  processing_restricted_at: Date | null;
  processing_restricted_by: string | null;
}

/** Restricted contacts are neither emailed nor shown to staff; anonymised ones have no details left. */
export interface FeedbackContactTable {
  restricted_at: Date | null;
  restricted_by: string | null;
  anonymised_at: Date | null;
}

export interface OutboxTable {
  /** When the retention job emptied the message's bodies (tracking codes, links) after sending. */
  body_pruned_at: Date | null;
}

// ---- officers within a unit (db/migrations/2026-12-04T130000_officers.ts); merged into FeedbackTable above.

export interface FeedbackTable {
  /** The named ASN officer of the item's unit who handles it; null when not given to anyone. */
  officer_id: string | null;
}

// ---- sign-up by emailed link (db/migrations/2026-12-05T050000_sign-up-requests.ts)

/** A sign-up waiting for its emailed link; the account is created when the link is used. */
export interface SignUpRequestTable {
  token_hash: string;
  email: string;
  display_name: string;
  password_hash: string;
  locale: string;
  created_at: Timestamp;
  expires_at: TimestampRequired;
  used_at: Date | null;
}

export interface Database {
  sign_up_requests: SignUpRequestTable;
}
