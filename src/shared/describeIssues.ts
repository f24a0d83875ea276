// The one wording for "this does not match the schema", used wherever a value
// crossing a boundary is checked: command arguments in the dispatcher, frames in
// main and in the renderer. It names the field, so whoever reads it can fix it.
import type { z } from 'zod';

/** A flood of issues (a fuzzed frame) would make a message nobody reads. */
const MAX_LISTED = 3;
/** Nor would one issue naming a fuzzed frame's hundred unknown keys. */
const MAX_ISSUE_CHARS = 160;

const clipped = (text: string): string =>
  text.length > MAX_ISSUE_CHARS ? `${text.slice(0, MAX_ISSUE_CHARS - 1)}…` : text;

/**
 * "text: Too small: expected string to have >=1 characters"; `whole` names the
 * value itself when the problem is not in one field ("arguments", "frame").
 */
export function describeIssues(error: z.core.$ZodError, whole = 'value'): string {
  const listed = error.issues
    .slice(0, MAX_LISTED)
    .map((issue) =>
      clipped(`${issue.path.length ? issue.path.map(String).join('.') : whole}: ${issue.message}`),
    );
  const more = error.issues.length - listed.length;
  return more > 0 ? `${listed.join('; ')}; and ${more} more` : listed.join('; ');
}
