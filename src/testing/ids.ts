// Readable ids for tests. The API takes only lowercase UUIDs for conversations and
// messages, so tests that need a known id use fixed ones told apart by their last digits.

/** A valid lowercase UUID ending in `n`: fixedUuid(1) is 00000000-0000-4000-8000-000000000001. */
export function fixedUuid(n: number): string {
  return `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;
}
