/** English for security/id.ts: a missing or extra key does not compile. */
import type { Messages } from '../messages.ts';
import type { id } from './id.ts';

export const en: Messages<typeof id> = {
  'guard.badRequest.title': 'The request could not be processed',
  'guard.control': 'A field, the address or a file name contains a control character (such as NUL) that is not allowed. Remove it and try again.',
  'guard.date': 'The date or month "{value}" does not exist in the calendar. Write dates as YYYY-MM-DD and months as YYYY-MM.',
  'guard.notForm': 'The body of the request is not a form that can be read. Send the form from a page of this site.',
  'guard.unsupportedType': 'This page accepts forms only (application/x-www-form-urlencoded or multipart/form-data).',
  'guard.crossOrigin.title': 'Request from another site refused',
  'guard.crossOrigin': "Changes can only be sent from Baku Dengar's own pages. Open this page on the Baku Dengar site and send it again.",
  'guard.unavailable.title': 'Service temporarily unavailable',
  'guard.unavailable': 'The database cannot be reached right now. Try again in a moment; nothing you sent earlier is lost.',
  'guard.backHome': 'Back to the home page',
};
