/**
 * The domain's vocabulary: kinds, statuses, sectors, roles and the other closed sets of words the
 * database stores, with their constant lists for forms and filters. Everyone may import this module
 * (pages, components, services, the database layer); its labels live in src/i18n.
 */

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

export type OutboxStatus = 'pending' | 'sending' | 'sent' | 'logged' | 'failed';

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
  | 'closed'
  /** Given to (or taken back from) a named officer of the unit; staff only. */
  | 'officer';

export type FlagReason = 'spam' | 'abusive' | 'personal_data' | 'other';

export const FLAG_REASONS: readonly FlagReason[] = ['spam', 'abusive', 'personal_data', 'other'];

/** How a feedback item arrived; every channel goes through the same submission service. */
export type FeedbackChannel = 'web' | 'whatsapp' | 'open311';

export const FEEDBACK_CHANNELS: readonly FeedbackChannel[] = ['web', 'whatsapp', 'open311'];

export type Priority = 'low' | 'normal' | 'high' | 'urgent';

export const PRIORITIES: readonly Priority[] = ['low', 'normal', 'high', 'urgent'];

export type RejectReason = 'spam' | 'abusive' | 'incomplete' | 'not_authority' | 'duplicate';

export const REJECT_REASONS: readonly RejectReason[] = ['spam', 'abusive', 'incomplete', 'not_authority', 'duplicate'];

export type ForumMode = 'in_person' | 'online' | 'hybrid';

export const FORUM_MODES: readonly ForumMode[] = ['in_person', 'online', 'hybrid'];

export type ForumStatus = 'draft' | 'published' | 'cancelled' | 'closed';

export const FORUM_STATUSES: readonly ForumStatus[] = ['draft', 'published', 'cancelled', 'closed'];

export type SeatPool = 'resident' | 'asn';

export type RegistrationStatus = 'registered' | 'waitlisted' | 'cancelled';

export type QuestionStatus = 'submitted' | 'selected' | 'declined';

export type CommitmentStatus = 'open' | 'in_progress' | 'done';

export const COMMITMENT_STATUSES: readonly CommitmentStatus[] = ['open', 'in_progress', 'done'];

export type CoachingKind = 'workshop' | 'seminar' | 'it_training' | 'mentoring' | 'other';

export const COACHING_KINDS: readonly CoachingKind[] = ['workshop', 'seminar', 'it_training', 'mentoring', 'other'];

export type CoachingStatus = 'planned' | 'in_progress' | 'completed' | 'cancelled';

export const COACHING_STATUSES: readonly CoachingStatus[] = ['planned', 'in_progress', 'completed', 'cancelled'];

export type PeriodKind = 'month' | 'quarter';

export type AlertScope = 'unit' | 'kecamatan' | 'point' | 'item';

export type AlertFrequency = 'immediate' | 'daily';

export type OutboxChannel = 'email' | 'whatsapp';

export const OUTBOX_CHANNELS: readonly OutboxChannel[] = ['email', 'whatsapp'];

export const OUTBOX_STATUSES: readonly OutboxStatus[] = ['pending', 'sending', 'sent', 'logged', 'failed'];

/** What the provider reported last for a WhatsApp message (statuses through the webhook). */
export type DeliveryStatus = 'sent' | 'delivered' | 'read' | 'failed';

/** Where a person wants to hear from us. */
export type NotifyChannels = 'email' | 'whatsapp' | 'both';

export const NOTIFY_CHANNELS: readonly NotifyChannels[] = ['email', 'whatsapp', 'both'];
