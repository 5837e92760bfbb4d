import type { Locale } from '../../i18n/index.ts';
import type { SessionUser } from '../accounts/sessions.ts';
import { recordAudit, type Actor } from '../audit/service.ts';
import type { Db } from '../db/index.ts';
import { markdownToText, renderMarkdown } from '../markdown.ts';
import { cachedReference } from '../reference/cache.ts';
import { canSupport, canViewAsStaff, canViewContact, canViewHiddenPhotos, canViewOfficerNamed, canViewReporterIdentity, isPublic } from './permissions.ts';
import * as q from './queries.ts';
import { publicLocation, type LatLng } from '../geo/bounds.ts';

/**
 * Feedback, reading: one item as the public or staff may see it, the reporter's contact, form
 * options, the Markdown preview and photos. Use cases live by topic: submission.ts, tracking.ts
 * (the reporter's actions) and board.ts (lists).
 */

// ---- viewing

export type FeedbackRow = NonNullable<Awaited<ReturnType<typeof q.findFeedback>>>;

/** What the public (and the reporter through their code) may see of an item: an allowlist. */
const PUBLIC_FIELDS = [
  'id',
  'kind',
  'title',
  'body_html',
  'status',
  'moderation_state',
  'confidential',
  'anonymous',
  'support_count',
  'created_at',
  'updated_at',
  'published_at',
  'responded_at',
  'closed_at',
  'unit_id',
  'unit_short_name',
  'unit_name',
  'unit_slug',
  'area_id',
  'area_name',
  'kecamatan_code',
  'kecamatan_name',
  'location_text',
  'occurred_on',
] as const;

/** `pin`: the location rounded for the public (`publicLocation`), never the stored one. */
export type PublicFeedback = Pick<FeedbackRow, (typeof PUBLIC_FIELDS)[number]> & { officer_named: null; pin: LatLng | null };
/** Staff see the working fields too (deadlines, priority, source text for redaction). */
export type StaffFeedback = Omit<FeedbackRow, 'tracking_hash' | 'idempotency_hash' | 'code_attempt' | 'search' | 'author_id' | 'officer_named'> & {
  officer_named: string | null;
};

/**
 * Who sent it, as moderators may know it: with an account (`name` shown, even when they
 * ticked "anonymous", which only hides it from everyone else), or without one — having
 * given a name in the contact details (`noAccountNamed`; the name itself is read through the
 * audited contact view) or not.
 */
export type ReporterKind = 'account' | 'accountAnonymous' | 'noAccountNamed' | 'noAccount';

export interface FeedbackView<F = PublicFeedback | StaffFeedback> {
  feedback: F;
  reporterName: string | null;
  /** Moderators only (null for everyone else). */
  reporterKind?: ReporterKind | null;
  events: Awaited<ReturnType<typeof q.selectEvents>>;
  photos: Awaited<ReturnType<typeof q.selectPhotos>>;
  rating: Awaited<ReturnType<typeof q.selectRating>> | null;
  supported: boolean;
  canSupport: boolean;
}

export function publicFields(f: FeedbackRow): PublicFeedback {
  const out = Object.fromEntries(PUBLIC_FIELDS.map((k) => [k, f[k]])) as Pick<FeedbackRow, (typeof PUBLIC_FIELDS)[number]>;
  return { ...out, officer_named: null, pin: publicLocation(f) };
}

function staffFields(f: FeedbackRow, officer: boolean): StaffFeedback {
  const { officer_named, tracking_hash: _t, idempotency_hash: _i, code_attempt: _c, search: _s, author_id: _a, ...rest } = f;
  return { ...rest, officer_named: officer ? officer_named : null };
}

async function reporterName(db: Db, f: FeedbackRow): Promise<string | null> {
  if (!f.author_id) return null;
  const u = await q.selectUserDisplayName(db, f.author_id);
  return u?.display_name ?? null;
}

/**
 * The public detail page: published, non-confidential items only (anything else is
 * "not found"). The reporter is never named when anonymous; officer names never appear.
 */
export async function getPublicFeedback(db: Db, id: number, viewer: SessionUser | null): Promise<FeedbackView<PublicFeedback> | null> {
  const f = await q.findFeedback(db, id);
  if (!f || !isPublic(f)) return null;
  const [events, photos, rating, supported] = await Promise.all([
    q.selectEvents(db, id, { publicOnly: true }),
    q.selectPhotos(db, id, false),
    q.selectRating(db, id),
    viewer ? q.hasSupported(db, id, viewer.id) : Promise.resolve(false),
  ]);
  return {
    feedback: publicFields(f),
    reporterName: f.anonymous ? null : await reporterName(db, f),
    events,
    photos,
    rating: rating ?? null,
    supported,
    canSupport: canSupport(viewer, f),
  };
}

/** Staff view (moderators; ASN of the item's unit). Others get null, as if it did not exist. */
export async function getFeedbackForStaff(db: Db, id: number, viewer: SessionUser): Promise<FeedbackView<StaffFeedback> | null> {
  const f = await q.findFeedback(db, id);
  if (!f || !canViewAsStaff(viewer, f)) return null;
  const [events, photos, rating] = await Promise.all([
    q.selectEvents(db, id, { publicOnly: false }),
    q.selectPhotos(db, id, canViewHiddenPhotos(viewer, f)),
    q.selectRating(db, id),
  ]);
  let kind: ReporterKind | null = null;
  if (canViewContact(viewer)) {
    if (f.author_id) kind = f.anonymous ? 'accountAnonymous' : 'account';
    else kind = (await q.selectContact(db, id))?.name ? 'noAccountNamed' : 'noAccount';
  }
  return {
    feedback: staffFields(f, canViewOfficerNamed(viewer)),
    reporterName: canViewReporterIdentity(viewer, f) ? await reporterName(db, f) : null,
    reporterKind: kind,
    events,
    photos,
    rating: rating ?? null,
    supported: false,
    canSupport: false,
  };
}

/** The reporter's contact details, for moderators only; every view is audit-logged. */
export async function viewContact(db: Db, viewer: SessionUser, actor: Actor, id: number) {
  if (!canViewContact(viewer)) return null;
  const contact = await q.selectContact(db, id);
  await recordAudit(db, actor, 'feedback.contact_view', { type: 'feedback', id });
  // A restricted contact (privacy/service.ts) is not shown to staff.
  if (contact?.restricted_at) return { feedback_id: id, name: null, email: null, phone: null, locale: contact.locale, restricted: true };
  return { ...(contact ?? { feedback_id: id, name: null, email: null, phone: null, locale: 'id' as const }), restricted: false };
}

type FormOptions = { units: Awaited<ReturnType<typeof q.selectUnitsForForm>>; areas: Awaited<ReturnType<typeof q.selectAreasForForm>> };

/**
 * Units and areas for forms and filters: reference data, kept per process and reloaded at most a
 * minute after a change (the contract in ../reference/cache.ts).
 */
export function formOptions(db: Db): Promise<FormOptions> {
  return cachedReference(db, 'feedback.formOptions', async (d) => {
    const [units, areas] = await Promise.all([q.selectUnitsForForm(d), q.selectAreasForForm(d)]);
    return { units, areas };
  });
}

/** Preview of a Markdown description, exactly as it will be stored. */
export function previewMarkdown(source: string): string {
  return renderMarkdown(source.slice(0, 5000));
}

export { markdownToText };

/** Whether a photo may be shown to this viewer: public items' visible photos, the reporter's own, or staff of the item. */
export async function photoForViewer(db: Db, viewer: SessionUser | null, fileName: string, trackedFeedbackId: number | null) {
  const p = await q.findPhotoWithFeedback(db, fileName);
  if (!p) return null;
  const staff = viewer ? canViewAsStaff(viewer, p) : false;
  if (staff) return p;
  if (p.hidden) return null;
  // The reporter: by the code they track, or signed in as the item's author (/masukan/saya/<no>).
  if (isPublic(p) || trackedFeedbackId === p.feedback_id || (viewer !== null && p.author_id === viewer.id)) return p;
  return null;
}

export type { Locale };
