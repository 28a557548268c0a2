import { type CodeName } from './catalog.js';
import { entryOf, isCodeName } from './catalog-error.js';
import type { Channel } from './types.js';

/** The code for `code`'s situation on `channel`: itself when it travels there, else its cross-link. */
function codeOn(code: CodeName, channel: Channel, link: string | undefined): CodeName | undefined {
  if (entryOf(code).channels.includes(channel)) return code;
  return link !== undefined && isCodeName(link) ? link : undefined;
}

/**
 * The API error code for the same situation as `code` (e.g. InvalidJobId -> InvalidJobIdException).
 * Returns `code` itself when it is used on the API, undefined when the API has no equivalent.
 */
export function apiCodeFor(code: CodeName): CodeName | undefined {
  return codeOn(code, 'api', entryOf(code).api);
}

/**
 * The seed e-mail code for the same situation as `code` (e.g. BucketPermissionException -> AccessDenied).
 * Returns `code` itself when it is used in e-mail replies, undefined when e-mail has no equivalent.
 */
export function emailCodeFor(code: CodeName): CodeName | undefined {
  return codeOn(code, 'email', entryOf(code).email);
}
