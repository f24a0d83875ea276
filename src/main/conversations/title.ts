// A conversation's title: its first user message, shortened at a word boundary.
export const UNTITLED = 'New conversation';
const MAX_TITLE = 60;

export function titleFrom(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  if (flat === '') return UNTITLED;
  if (flat.length <= MAX_TITLE) return flat;
  const cut = flat.slice(0, MAX_TITLE - 1);
  const atWord = cut.lastIndexOf(' ');
  return `${(atWord > MAX_TITLE / 2 ? cut.slice(0, atWord) : cut).trimEnd()}…`;
}
