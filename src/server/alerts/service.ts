import { z } from 'zod';
import { translator, type Locale } from '../../i18n/index.ts';
import type { RequestContext } from '../accounts/service.ts';
import { actorOf } from '../accounts/service.ts';
import type { SessionUser } from '../accounts/sessions.ts';
import { generateToken, hashToken } from '../accounts/tokens.ts';
import { recordAudit, type Actor } from '../audit/service.ts';
import { witDate } from '../calendar/working-days.ts';
import type { Db } from '../db/index.ts';
import type { AlertFrequency, AlertScope, FeedbackEventKind } from '../db/schema.ts';
import { findKecamatan, findPublicFeedback } from '../feedback/queries.ts';
import { fail, validate, type FieldErrors, type Result } from '../forms.ts';
import { boxAround, checkPin, distanceMetres, publicLocation } from '../geo/bounds.ts';
import { composeEmail, enqueueEmail } from '../notifications/service.ts';
import { hit, type RateRule } from '../rate-limit/service.ts';
import * as q from './queries.ts';

/**
 * Email alerts: anyone subscribes (double opt-in) to new feedback and answers of a unit, a
 * kecamatan or a circle around a point, or to every public update of one item; immediately or
 * as a daily digest. Public timeline events are queued by a database trigger (alert_events),
 * matched to subscriptions and sent by the worker through the outbox; every alert carries a
 * one-click unsubscribe link and RFC 8058 headers. Tokens are stored as SHA-256 hashes only.
 */

export const ALERT_SCOPES: readonly AlertScope[] = ['unit', 'kecamatan', 'point', 'item'];
export const ALERT_FREQUENCIES: readonly AlertFrequency[] = ['immediate', 'daily'];
/** Radii offered for "near a point", in metres (the table allows 100 to 10,000). */
export const ALERT_RADII = [250, 500, 1000, 2000, 5000] as const;
const MAX_RADIUS_M = 10_000;
/** A confirmation link is valid this long. */
export const CONFIRM_TTL_MS = 7 * 86400_000;

/** Every subscription request emails an address nobody has verified yet: bounded per address and per recipient. */
export const ALERT_RATE_RULES = {
  subscribePerAddress: { name: 'alert-subscribe:ip', limit: 10, windowSeconds: 3600 },
  subscribePerEmail: { name: 'alert-subscribe:email', limit: 3, windowSeconds: 3600 },
} as const satisfies Record<string, RateRule>;

const subscribeSchema = z.object({
  email: z
    .string()
    .trim()
    .toLowerCase()
    .min(1, { message: 'err.required' })
    .max(254)
    .refine((v) => z.email().safeParse(v).success, { message: 'err.email' }),
  scope: z.enum(ALERT_SCOPES as [AlertScope, ...AlertScope[]], { message: 'alerts.err.scope' }),
  frequency: z.enum(ALERT_FREQUENCIES as [AlertFrequency, ...AlertFrequency[]], { message: 'alerts.err.frequency' }),
  unit: z.string().trim().optional(),
  kecamatan: z.string().trim().optional(),
  radius: z.string().trim().optional(),
  feedback: z.string().trim().optional(),
  latitude: z.string().optional(),
  longitude: z.string().optional(),
});

export type AlertInput = Record<string, string>;

/**
 * Records a subscription waiting for confirmation and emails the confirmation link. The
 * subscription belongs to the signed-in person (listed on /akun) when the address is theirs.
 */
export async function subscribeToAlerts(db: Db, ctx: RequestContext, user: SessionUser | null, input: AlertInput): Promise<Result<{ id: number }>> {
  const v = validate(subscribeSchema, input);
  if (!v.ok) return v;
  const d = v.value;
  const errors: FieldErrors = {};
  const row: q.SubscriptionInsert = {
    email: d.email,
    locale: ctx.locale,
    scope: d.scope,
    unit_id: null,
    kecamatan_code: null,
    latitude: null,
    longitude: null,
    radius_m: null,
    feedback_id: null,
    frequency: d.frequency,
    user_id: user && user.email === d.email ? user.id : null,
  };
  if (d.scope === 'unit') {
    const unit = d.unit && /^\d{1,9}$/.test(d.unit) ? await q.findUnit(db, Number(d.unit)) : undefined;
    if (!unit) errors.unit = { key: 'alerts.err.unit' };
    else row.unit_id = unit.id;
  } else if (d.scope === 'kecamatan') {
    const kec = d.kecamatan ? await findKecamatan(db, d.kecamatan) : undefined;
    if (!kec) errors.kecamatan = { key: 'alerts.err.kecamatan' };
    else row.kecamatan_code = kec.code;
  } else if (d.scope === 'point') {
    const pin = checkPin(d.latitude, d.longitude);
    if (!pin.ok) Object.assign(errors, pin.errors);
    else if (!pin.value) errors.pin = { key: 'alerts.err.point' };
    else {
      row.latitude = pin.value.latitude;
      row.longitude = pin.value.longitude;
    }
    const radius = Number(d.radius);
    if (!(ALERT_RADII as readonly number[]).includes(radius)) errors.radius = { key: 'alerts.err.radius' };
    else row.radius_m = radius;
  } else {
    const f = d.feedback && /^\d{1,15}$/.test(d.feedback) ? await findPublicFeedback(db, Number(d.feedback)) : undefined;
    if (!f) errors.feedback = { key: 'alerts.err.item' };
    else row.feedback_id = f.id;
  }
  if (Object.keys(errors).length > 0) return { ok: false, errors };

  const limit = await hit(db, [
    [ALERT_RATE_RULES.subscribePerAddress, ctx.ip ?? 'unknown'],
    [ALERT_RATE_RULES.subscribePerEmail, d.email],
  ]);
  if (!limit.ok) return fail('_form', 'err.rateLimited', { seconds: limit.retryAfterSeconds });

  const token = generateToken();
  const actor: Actor = user ? actorOf(user, ctx.ip) : { id: null, label: 'anonymous', ip: ctx.ip };
  const id = await db.transaction().execute(async (trx) => {
    const id = await q.insertSubscription(trx, row);
    await q.insertToken(trx, hashToken(token), id, 'confirm');
    const t = translator(ctx.locale);
    const scope = describeScope(t, { ...row, unit_short_name: null, kecamatan_name: null, feedback_title: null }, await scopeNames(trx, row));
    await enqueueEmail(
      trx,
      d.email,
      ctx.locale,
      'alert_confirm',
      composeEmail(ctx.locale, 'alerts.email.confirm.subject', 'alerts.email.confirm.body', {
        scope,
        frequency: t(`alerts.frequency.${d.frequency}`),
        link: `${ctx.publicUrl}/langganan/konfirmasi/${token}`,
      }),
    );
    await recordAudit(trx, actor, 'alert.subscribe', { type: 'alert_subscription', id }, { after: { scope: row.scope, frequency: row.frequency, unit_id: row.unit_id, kecamatan_code: row.kecamatan_code, radius_m: row.radius_m, feedback_id: row.feedback_id } });
    return id;
  });
  return { ok: true, value: { id } };
}

async function scopeNames(db: Db, row: Pick<q.SubscriptionInsert, 'unit_id' | 'kecamatan_code' | 'feedback_id'>) {
  return {
    unit_short_name: row.unit_id ? ((await q.findUnit(db, row.unit_id))?.short_name ?? null) : null,
    kecamatan_name: row.kecamatan_code ? ((await findKecamatan(db, row.kecamatan_code))?.name ?? null) : null,
    feedback_title: row.feedback_id ? ((await findPublicFeedback(db, row.feedback_id))?.title ?? null) : null,
  };
}

export interface ScopeFields {
  scope: AlertScope;
  unit_short_name: string | null;
  kecamatan_name: string | null;
  feedback_id: number | null;
  feedback_title: string | null;
  latitude: number | null;
  longitude: number | null;
  radius_m: number | null;
}

/** "Unit Dinkes", "Kecamatan Sirimau", "within 500 m of -3.695, 128.182", "feedback No. 12: title". */
export function describeScope(t: ReturnType<typeof translator>, s: ScopeFields, names?: Partial<ScopeFields>): string {
  const n = { ...s, ...Object.fromEntries(Object.entries(names ?? {}).filter(([, v]) => v !== null)) } as ScopeFields;
  switch (n.scope) {
    case 'unit':
      return t('alerts.scope.unitNamed', { name: n.unit_short_name ?? '?' });
    case 'kecamatan':
      return t('alerts.scope.kecamatanNamed', { name: n.kecamatan_name ?? '?' });
    case 'point':
      return t('alerts.scope.pointNamed', { radius: n.radius_m ?? 0, lat: (n.latitude ?? 0).toFixed(3), lng: (n.longitude ?? 0).toFixed(3) });
    case 'item':
      return t('alerts.scope.itemNamed', { id: n.feedback_id ?? 0, title: n.feedback_title ?? '' });
  }
}

export type TokenSubscription = NonNullable<Awaited<ReturnType<typeof q.findByToken>>>;

/** The subscription behind a link, for its page; null when the link is unknown or spent. */
export async function subscriptionForToken(db: Db, token: string, purpose: 'confirm' | 'unsubscribe', now = new Date()): Promise<TokenSubscription | null> {
  if (!/^[a-z2-7]{20,64}$/.test(token)) return null;
  const s = await q.findByToken(db, hashToken(token), purpose);
  if (!s) return null;
  if (purpose === 'confirm' && (s.cancelled_at || now.getTime() - s.token_created_at.getTime() > CONFIRM_TTL_MS)) return null;
  return s;
}

/** Confirms a subscription by its emailed link (the second step of the double opt-in). */
export async function confirmSubscription(db: Db, ctx: RequestContext, token: string, now = new Date()): Promise<Result<{ id: number }>> {
  const s = await subscriptionForToken(db, token, 'confirm', now);
  if (!s) return fail('_form', 'alerts.err.linkInvalid');
  await db.transaction().execute(async (trx) => {
    const locked = await q.lockSubscription(trx, s.id);
    if (!locked || locked.cancelled_at || locked.confirmed_at) return;
    await q.setConfirmed(trx, s.id, now);
    await q.deleteConfirmTokens(trx, s.id);
    await recordAudit(trx, { id: null, label: 'subscriber (confirmation link)', ip: ctx.ip }, 'alert.confirm', { type: 'alert_subscription', id: s.id });
  });
  return { ok: true, value: { id: s.id } };
}

/**
 * Cancels the subscription of an unsubscribe link (the page's button, or an RFC 8058 one-click
 * POST from a mail client). True when the link was valid, also when it was already cancelled.
 */
export async function unsubscribeByToken(db: Db, ip: string | null, token: string, via: 'page' | 'one-click', now = new Date()): Promise<boolean> {
  const s = await subscriptionForToken(db, token, 'unsubscribe', now);
  if (!s) return false;
  await db.transaction().execute(async (trx) => {
    const locked = await q.lockSubscription(trx, s.id);
    if (!locked || locked.cancelled_at) return;
    await q.setCancelled(trx, s.id, now);
    await recordAudit(trx, { id: null, label: `subscriber (unsubscribe link, ${via})`, ip }, 'alert.unsubscribe', { type: 'alert_subscription', id: s.id });
  });
  return true;
}

/** A signed-in person's subscriptions, for /akun. */
export function mySubscriptions(db: Db, user: SessionUser) {
  return q.selectUserSubscriptions(db, user.id);
}

/** Cancels one of the signed-in person's own subscriptions; anyone else's is "not found". */
export async function cancelMySubscription(db: Db, ctx: RequestContext, user: SessionUser, input: Record<string, string>, now = new Date()): Promise<Result<null>> {
  const id = /^\d{1,9}$/.test(input.id ?? '') ? Number(input.id) : null;
  if (id === null) return fail('_form', 'err.badRequest');
  const done = await db.transaction().execute(async (trx) => {
    const s = await q.lockUserSubscription(trx, id, user.id);
    if (!s) return false;
    if (!s.cancelled_at) {
      await q.setCancelled(trx, id, now);
      await recordAudit(trx, actorOf(user, ctx.ip), 'alert.unsubscribe', { type: 'alert_subscription', id });
    }
    return true;
  });
  return done ? { ok: true, value: null } : fail('_form', 'alerts.err.notFound');
}

// ---- the worker: match queued events, then send what is due

/** Events of an area (unit, kecamatan, point) subscription: new public feedback and answers. */
const AREA_EVENTS: ReadonlySet<FeedbackEventKind> = new Set(['published', 'response']);

/** Matches queued public events to live subscriptions; returns how many events were handled. */
export async function matchAlertEvents(db: Db, batch = 200): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const events = await q.claimQueuedEvents(trx, batch);
    for (const e of events) {
      // Checked now, not when queued: an item hidden or made confidential since alerts nobody.
      if (e.moderation_state !== 'published' || e.confidential) continue;
      const areaEvent = AREA_EVENTS.has(e.kind);
      const ids = new Set((await q.selectDirectMatches(trx, e, areaEvent)).map((s) => s.id));
      const at = areaEvent ? publicLocation(e) : null;
      if (at) {
        for (const s of await q.selectPointCandidates(trx, boxAround(at, MAX_RADIUS_M))) {
          if (distanceMetres(at, { latitude: s.latitude!, longitude: s.longitude! }) <= s.radius_m!) ids.add(s.id);
        }
      }
      await q.insertItems(trx, [...ids].map((subscription_id) => ({ subscription_id, event_id: e.event_id })));
    }
    await q.deleteQueuedEvents(trx, events.map((e) => e.event_id));
    return events.length;
  });
}

/**
 * Emails every subscription whose alert is due (immediate: now; daily: once per WIT day, after
 * `digestHourWit`), one message listing its waiting items, with a fresh unsubscribe link.
 */
export async function sendDueAlerts(db: Db, publicUrl: string, digestHourWit: number, now = new Date(), batch = 50): Promise<number> {
  const today = witDate(now);
  const dailyDue = (now.getUTCHours() + 9) % 24 >= digestHourWit;
  return db.transaction().execute(async (trx) => {
    const subs = await q.claimDueSubscriptions(trx, today, dailyDue, batch);
    let sent = 0;
    for (const s of subs) {
      const items = await q.selectItems(trx, s.id);
      await q.deleteItems(trx, s.id);
      if (items.length === 0) continue;
      const t = translator(s.locale as Locale);
      const token = generateToken();
      await q.insertToken(trx, hashToken(token), s.id, 'unsubscribe');
      const unsubscribe = `${publicUrl}/langganan/berhenti/${token}`;
      const list = items
        .map((i) => `- ${t('alerts.email.line', { id: i.feedback_id, title: i.title, what: t(AREA_EVENTS.has(i.kind) ? `alerts.event.${i.kind as 'published' | 'response'}` : 'alerts.event.updated') })}\n  ${publicUrl}/masukan/${i.feedback_id}`)
        .join('\n');
      const content = composeEmail(s.locale as Locale, s.frequency === 'daily' ? 'alerts.email.digest.subject' : 'alerts.email.subject', 'alerts.email.body', {
        count: items.length,
        scope: describeScope(t, s),
        list,
        unsubscribe,
      });
      content.headers = { 'List-Unsubscribe': `<${unsubscribe}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' };
      await enqueueEmail(trx, s.email, s.locale as Locale, s.frequency === 'daily' ? 'alert_digest' : 'alert', content);
      await q.setLastSent(trx, s.id, today);
      sent++;
    }
    return sent;
  });
}

/** One worker step: match everything queued, then send what is due. */
export async function runAlerts(db: Db, publicUrl: string, digestHourWit: number, now = new Date()): Promise<number> {
  while ((await matchAlertEvents(db)) > 0) {
    /* drain the queue */
  }
  let total = 0;
  for (let n = await sendDueAlerts(db, publicUrl, digestHourWit, now); n > 0; n = await sendDueAlerts(db, publicUrl, digestHourWit, now)) total += n;
  return total;
}

/** Unconfirmed subscriptions after 30 days, unsubscribe tokens after 400 days (hourly, idempotent). */
export function pruneAlertData(db: Db, now = new Date()): Promise<void> {
  return q.pruneAlerts(db, now);
}
