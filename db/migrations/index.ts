import type { Migration } from 'kysely/migration';
import * as foundation from './2026-11-27T190000_foundation.ts';
import * as feedback from './2026-11-27T200000_feedback.ts';
import * as handling from './2026-11-27T210000_handling.ts';
import * as boardIndexes from './2026-11-27T220000_board-indexes.ts';
import * as forums from './2026-11-27T230000_forums.ts';
import * as coaching from './2026-11-27T231000_coaching.ts';
import * as evaluation from './2026-11-27T232000_evaluation.ts';
import * as overdueIndex from './2026-11-27T233000_overdue-index.ts';
import * as locationAndChannel from './2026-12-04T090000_location-and-channel.ts';
import * as open311AndFeeds from './2026-12-04T110000_open311-and-feeds.ts';
import * as mapAndAlerts from './2026-12-04T100000_map-and-alerts.ts';
import * as whatsapp from './2026-12-04T120000_whatsapp.ts';
import * as dataRights from './2026-12-04T150000_data-rights.ts';
import * as officers from './2026-12-04T130000_officers.ts';
import * as answersByPerson from './2026-12-04T160000_answers-by-person.ts';
import * as searchAndBoard from './2026-12-05T080000_search-and-board.ts';
import * as similarNearest from './2026-12-05T090000_similar-nearest.ts';
import * as similarByWords from './2026-12-05T120000_similar-by-words.ts';
import * as contentChanges from './2026-12-05T130000_content-changes.ts';
import * as boardStatusIndexes from './2026-12-05T140000_board-status-indexes.ts';
import * as signUpRequests from './2026-12-05T050000_sign-up-requests.ts';

/**
 * Every migration, by name. Names sort in the order they run; a landed migration is never
 * edited (write a new one). Listed statically so that the bundled server, plain Node scripts
 * and tests all see the same set.
 */
export const migrations: Record<string, Migration> = {
  '2026-11-27T190000_foundation': foundation,
  '2026-11-27T200000_feedback': feedback,
  '2026-11-27T210000_handling': handling,
  '2026-11-27T220000_board-indexes': boardIndexes,
  '2026-11-27T230000_forums': forums,
  '2026-11-27T231000_coaching': coaching,
  '2026-11-27T232000_evaluation': evaluation,
  '2026-11-27T233000_overdue-index': overdueIndex,
  '2026-12-04T090000_location-and-channel': locationAndChannel,
  '2026-12-04T110000_open311-and-feeds': open311AndFeeds,
  '2026-12-04T100000_map-and-alerts': mapAndAlerts,
  '2026-12-04T120000_whatsapp': whatsapp,
  '2026-12-04T150000_data-rights': dataRights,
  '2026-12-04T130000_officers': officers,
  '2026-12-04T160000_answers-by-person': answersByPerson,
  '2026-12-05T080000_search-and-board': searchAndBoard,
  '2026-12-05T090000_similar-nearest': similarNearest,
  '2026-12-05T120000_similar-by-words': similarByWords,
  '2026-12-05T130000_content-changes': contentChanges,
  '2026-12-05T140000_board-status-indexes': boardStatusIndexes,
  '2026-12-05T050000_sign-up-requests': signUpRequests,
};
