// Conversation and message ids are UUIDs as crypto.randomUUID() writes them.
// A conversation id becomes a file name, so anything else (a path, "..", an
// uppercase twin of a real id) is refused before a path is ever built.
import { UUID_PATTERN } from '../../shared/api';
import { ApiFailure } from '../contracts/failure';

export function isUuid(value: string): boolean {
  return UUID_PATTERN.test(value);
}

/** Throws bad_request unless id is a lowercase UUID; `what` names it for the caller. */
export function assertUuid(id: string, what: 'conversation' | 'message'): void {
  if (isUuid(id)) return;
  const shown = id.length > 40 ? `${JSON.stringify(id.slice(0, 40))}…` : JSON.stringify(id);
  throw new ApiFailure('bad_request', `${shown} is not a valid ${what} id: expected a UUID`);
}
