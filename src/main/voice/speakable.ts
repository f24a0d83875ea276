// Turns an answer's markdown, as it streams in, into plain sentences to speak,
// each one as soon as it is complete: speech can start while the model is
// still writing. Nothing that is only markup is read aloud (asterisks,
// underscores, hashes, backticks, list markers, link targets, tables' pipes),
// and a code block becomes one short note instead of being read out.
//
// A sentence ends at . ! ? or … followed by a space (so 3.14, example.com and
// "e.g. this" do not end one), at 。！？, and at the end of a line: headings,
// list items and table rows are spoken as units, punctuated or not. The line
// being written is split as it grows; what is inside `code` or a [link](url)
// never ends a sentence, so a half-written construct is never cut.

/** What a fenced code block is spoken as. */
export const CODE_OMITTED = '(code omitted)';

export interface SpeakableOptions {
  /**
   * A run of text with no sentence end is cut (at a comma, else a space) once
   * it is this long, so speech need not wait for a very long sentence. Default 240.
   */
  maxChars?: number;
}

const FENCE = /^ {0,3}(`{3,}|~{3,})/;
const THEMATIC_BREAK = /^ {0,3}([-*_])(?:\s*\1){2,}\s*$/;
const SETEXT_UNDERLINE = /^ {0,3}=+\s*$/;
const TABLE_DELIMITER = /^\s*\|?\s*:?-+:?\s*(?:\|\s*:?-+:?\s*)+\|?\s*$/;
/** Blockquote markers, then a heading's hashes or a list marker (with a task box). */
const BLOCK_PREFIX = /^\s*(?:>\s?)*\s*(?:#{1,6}\s+|(?:[-*+]|\d{1,9}[.)])\s+(?:\[[ xX]\]\s+)?)?/;
/** Words whose full stop does not end a sentence. */
const ABBREVIATIONS = new Set([
  'mr',
  'mrs',
  'ms',
  'dr',
  'prof',
  'sr',
  'jr',
  'st',
  'vs',
  'e.g',
  'i.e',
  'cf',
  'approx',
  'fig',
]);
const TERMINATORS = '.!?…';
const WIDE_TERMINATORS = '。！？';
const CLOSERS = ')"\'”’»*_';

interface Scan {
  /** Where each sentence ends (after the space that follows it). */
  ends: number[];
  /** Where a too-long run may be cut: after a comma, semicolon or colon and its space. */
  clauses: number[];
  /** Spaces outside code and links, for a cut with no clause. */
  spaces: number[];
}

export class SpeakableText {
  readonly #maxChars: number;
  /** The line being written (no newline yet). */
  #line = '';
  /** How much of #line has been spoken already. */
  #spoken = 0;
  /** The fence that opened the code block we are in. */
  #fence: string | undefined;

  constructor(options: SpeakableOptions = {}) {
    this.#maxChars = options.maxChars ?? 240;
  }

  /** More of the answer; returns the sentences it completed, in order. */
  push(chunk: string): string[] {
    const out: string[] = [];
    const lines = (this.#line + chunk.replace(/\r/g, '')).split('\n');
    this.#line = lines.pop() ?? '';
    for (const line of lines) {
      this.#completeLine(line, out);
      this.#spoken = 0;
    }
    this.#partialLine(out);
    return out;
  }

  /** The answer has ended: whatever is left, as sentences. Ready for a new answer after. */
  flush(): string[] {
    const out: string[] = [];
    if (this.#line !== '') this.#completeLine(this.#line, out);
    this.#line = '';
    this.#spoken = 0;
    this.#fence = undefined;
    return out;
  }

  #completeLine(line: string, out: string[]): void {
    const fence = FENCE.exec(line)?.[1];
    if (this.#fence !== undefined) {
      // A fence closes with the same character, at least as many, and nothing after.
      if (
        fence !== undefined &&
        fence[0] === this.#fence[0] &&
        fence.length >= this.#fence.length &&
        line.trim() === fence
      ) {
        this.#fence = undefined;
      }
      return;
    }
    if (fence !== undefined) {
      this.#fence = fence;
      out.push(CODE_OMITTED);
      return;
    }
    if (THEMATIC_BREAK.test(line) || SETEXT_UNDERLINE.test(line) || TABLE_DELIMITER.test(line)) {
      return;
    }
    this.#speakRun(line, true, out);
  }

  #partialLine(out: string[]): void {
    // Inside a code block, or on what may be its opening fence: wait for the line's end.
    if (this.#fence !== undefined || FENCE.test(this.#line)) return;
    this.#speakRun(this.#line, false, out);
  }

  /** Speaks what is unspoken of `line`: its sentences, and its rest when the line is complete. */
  #speakRun(line: string, complete: boolean, out: string[]): void {
    const table = line.trimStart().startsWith('|');
    const start = Math.max(this.#spoken, BLOCK_PREFIX.exec(line)?.[0].length ?? 0);
    const text = line.slice(start);
    const scan = scanSentences(text);
    let from = 0;
    const emit = (to: number): void => {
      const sentence = toPlainText(text.slice(from, to), table);
      if (sentence !== '') out.push(sentence);
      from = to;
    };
    for (const end of scan.ends) emit(end);
    // Too long without an end: cut at a clause, else at a space, else anywhere.
    while (text.length - from > this.#maxChars) {
      const limit = from + this.#maxChars;
      const within = (points: number[]): number | undefined =>
        points.filter((point) => point > from && point <= limit).pop();
      emit(within(scan.clauses) ?? within(scan.spaces) ?? limit);
    }
    if (complete) emit(text.length);
    this.#spoken = start + from;
  }
}

/** Where sentences end in `text`, outside inline code and links. */
function scanSentences(text: string): Scan {
  const scan: Scan = { ends: [], clauses: [], spaces: [] };
  let code = 0; // length of the backtick run that opened inline code
  let brackets = 0; // depth of [link text]
  let target = 0; // depth of the (url) after a link's text
  for (let i = 0; i < text.length; i++) {
    const char = text[i] ?? '';
    if (char === '`') {
      let run = 1;
      while (text[i + run] === '`') run++;
      if (code === 0) code = run;
      else if (run === code) code = 0;
      i += run - 1;
      continue;
    }
    if (code > 0) continue;
    if (target > 0) {
      if (char === '(') target++;
      else if (char === ')') target--;
      continue;
    }
    if (char === '[') {
      brackets++;
      continue;
    }
    if (char === ']' && brackets > 0) {
      brackets--;
      if (brackets === 0 && text[i + 1] === '(') {
        target = 1;
        i++;
      }
      continue;
    }
    if (brackets > 0) continue;
    if (/\s/.test(char)) {
      scan.spaces.push(i + 1);
      if (/[,;:]/.test(text[i - 1] ?? '')) scan.clauses.push(i + 1);
      continue;
    }
    if (WIDE_TERMINATORS.includes(char)) {
      let end = i + 1;
      while (end < text.length && CLOSERS.includes(text[end] ?? '')) end++;
      scan.ends.push(end);
      i = end - 1;
      continue;
    }
    if (!TERMINATORS.includes(char)) continue;
    let end = i + 1;
    while (end < text.length && TERMINATORS.includes(text[end] ?? '')) end++;
    const terminators = end - i;
    while (end < text.length && CLOSERS.includes(text[end] ?? '')) end++;
    // Only a space after it shows the sentence has ended: "3." may yet become "3.5".
    if (end >= text.length || !/\s/.test(text[end] ?? '')) {
      i = end - 1;
      continue;
    }
    if (char === '.' && terminators === 1 && isAbbreviation(text.slice(0, i))) {
      i = end - 1;
      continue;
    }
    while (end < text.length && /\s/.test(text[end] ?? '')) end++;
    scan.ends.push(end);
    i = end - 1;
  }
  return scan;
}

/** Whether the word before a full stop is an abbreviation or an initial ("J. Smith"). */
function isAbbreviation(before: string): boolean {
  const word = /([\p{L}.]+)$/u.exec(before)?.[1];
  if (word === undefined) return false;
  return ABBREVIATIONS.has(word.toLowerCase()) || /^\p{Lu}$/u.test(word);
}

/** A URL as it is worth saying: its host name. */
function hostOf(url: string): string {
  try {
    return new URL(url).hostname.replace(/^www\./, '');
  } catch {
    return 'a link';
  }
}

/** One sentence of markdown as plain text to speak; '' when nothing in it can be spoken. */
export function toPlainText(markdown: string, tableRow = false): string {
  let text = markdown
    // Escaped punctuation is just the character.
    .replace(/\\([\\`*_{}[\]()#+\-.!|~>])/g, '$1')
    .replace(/!\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/\[([^\]]+)\]\((?:[^()]|\([^)]*\))*\)/g, '$1')
    .replace(/\[([^\]]+)\]\[[^\]]*\]/g, '$1')
    .replace(/<(https?:\/\/[^>\s]+)>/g, (_match, url: string) => hostOf(url))
    .replace(/\bhttps?:\/\/[^\s)>\]]+/g, (url) => hostOf(url))
    .replace(/(`+)([\s\S]*?)\1/g, '$2')
    .replace(/<\/?[a-zA-Z][^>]*>/g, ' ');
  if (tableRow) {
    text = text
      .replace(/\s*\|\s*/g, ', ')
      .replace(/^[\s,]+|[\s,]+$/g, '')
      .replace(/(?:,\s*){2,}/g, ', ');
  }
  text = text
    .replace(/~~/g, '')
    .replace(/[*#`]/g, '')
    // snake_case reads as words; emphasis underscores go.
    .replace(/([\p{L}\p{N}])_+(?=[\p{L}\p{N}])/gu, '$1 ')
    .replace(/_/g, '')
    .replace(/\s+/g, ' ')
    .replace(/\s+([.,;:!?…])/g, '$1')
    .trim();
  return /[\p{L}\p{N}]/u.test(text) ? text : '';
}
