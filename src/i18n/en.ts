/**
 * The English dictionary, assembled from src/i18n/<domain>/en.ts; each is typed against its
 * domain's id.ts, and this one against the whole Indonesian dictionary, so a missing key does not compile.
 */
import type { id } from './id.ts';
import type { Messages } from './messages.ts';
import { en as common } from './common/en.ts';
import { en as accounts } from './accounts/en.ts';
import { en as reference } from './reference/en.ts';
import { en as feedback } from './feedback/en.ts';
import { en as moderation } from './moderation/en.ts';
import { en as handling } from './handling/en.ts';
import { en as messaging } from './messaging/en.ts';
import { en as audit } from './audit/en.ts';
import { en as forums } from './forums/en.ts';
import { en as coaching } from './coaching/en.ts';
import { en as evaluation } from './evaluation/en.ts';
import { en as alerts } from './alerts/en.ts';
import { en as map } from './map/en.ts';
import { en as open311 } from './open311/en.ts';
import { en as privacy } from './privacy/en.ts';
import { en as security } from './security/en.ts';
import { en as whatsapp } from './whatsapp/en.ts';

export const en: Messages<typeof id> = {
  ...common,
  ...accounts,
  ...reference,
  ...feedback,
  ...moderation,
  ...handling,
  ...messaging,
  ...audit,
  ...forums,
  ...coaching,
  ...evaluation,
  ...alerts,
  ...map,
  ...open311,
  ...privacy,
  ...security,
  ...whatsapp,
};
