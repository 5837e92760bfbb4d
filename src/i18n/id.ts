/**
 * The Indonesian dictionary: the default language and the source of every key, assembled from one
 * dictionary per domain (src/i18n/<domain>/id.ts). A key lives in exactly one domain
 * (tests/unit/i18n.test.ts). Placeholders are written {name}.
 */
import { id as common } from './common/id.ts';
import { id as accounts } from './accounts/id.ts';
import { id as reference } from './reference/id.ts';
import { id as feedback } from './feedback/id.ts';
import { id as moderation } from './moderation/id.ts';
import { id as handling } from './handling/id.ts';
import { id as messaging } from './messaging/id.ts';
import { id as audit } from './audit/id.ts';
import { id as forums } from './forums/id.ts';
import { id as coaching } from './coaching/id.ts';
import { id as evaluation } from './evaluation/id.ts';
import { id as alerts } from './alerts/id.ts';
import { id as map } from './map/id.ts';
import { id as open311 } from './open311/id.ts';
import { id as privacy } from './privacy/id.ts';
import { id as security } from './security/id.ts';
import { id as whatsapp } from './whatsapp/id.ts';

export const id = {
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

export type MessageKey = keyof typeof id;
