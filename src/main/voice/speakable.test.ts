import { describe, expect, it } from 'vitest';
import { CODE_OMITTED, SpeakableText, toPlainText } from './speakable';

/** All sentences of `markdown`, pushed in one piece and flushed. */
function speakAll(markdown: string): string[] {
  const speakable = new SpeakableText();
  return [...speakable.push(markdown), ...speakable.flush()];
}

/** The same, streamed one character at a time. */
function speakByChar(markdown: string): string[] {
  const speakable = new SpeakableText();
  const out: string[] = [];
  for (const char of markdown) out.push(...speakable.push(char));
  return [...out, ...speakable.flush()];
}

const ANSWER = [
  '# Paris',
  '',
  'The capital of **France** is *Paris*. It has about 2.1 million people!',
  'See [the city page](https://example.org/wiki/Paris_(city)) for more, e.g. its history.',
  '',
  '## Getting there',
  '',
  '1. Take the `TGV` from Lyon.',
  '2. Or fly into CDG',
  '- [x] Book a hotel',
  '',
  '```python',
  'print("Hello. World.")',
  '```',
  '',
  '| City | Population |',
  '|------|-----------:|',
  '| Paris | 2.1 million |',
  '',
  '---',
  '> Dr. Smith said: _bonne route_. Enjoy',
].join('\n');

const ANSWER_SENTENCES = [
  'Paris',
  'The capital of France is Paris.',
  'It has about 2.1 million people!',
  'See the city page for more, e.g. its history.',
  'Getting there',
  'Take the TGV from Lyon.',
  'Or fly into CDG',
  'Book a hotel',
  CODE_OMITTED,
  'City, Population',
  'Paris, 2.1 million',
  'Dr. Smith said: bonne route.',
  'Enjoy',
];

describe('SpeakableText', () => {
  it('turns a markdown answer into the plain sentences a person would say', () => {
    expect(speakAll(ANSWER)).toEqual(ANSWER_SENTENCES);
  });

  it('gives the same sentences however the answer is split into chunks', () => {
    expect(speakByChar(ANSWER)).toEqual(ANSWER_SENTENCES);
    // Uneven chunks, as a model streams tokens.
    const speakable = new SpeakableText();
    const out: string[] = [];
    for (let i = 0; i < ANSWER.length; i += 7) out.push(...speakable.push(ANSWER.slice(i, i + 7)));
    expect([...out, ...speakable.flush()]).toEqual(ANSWER_SENTENCES);
  });

  it('yields a sentence as soon as the space after its full stop arrives, not at the end of the answer', () => {
    const speakable = new SpeakableText();
    expect(speakable.push('The capital of France is Paris')).toEqual([]);
    expect(speakable.push('.')).toEqual([]);
    expect(speakable.push(' It')).toEqual(['The capital of France is Paris.']);
    expect(speakable.push(' is big? Yes')).toEqual(['It is big?']);
    expect(speakable.flush()).toEqual(['Yes']);
  });

  it('does not end a sentence at a decimal point, a domain, an abbreviation or an initial', () => {
    expect(
      speakAll('Pi is 3.14159 and example.com is a site. Mr. J. Smith, i.e. the author, agrees.'),
    ).toEqual([
      'Pi is 3.14159 and example.com is a site.',
      'Mr. J. Smith, i.e. the author, agrees.',
    ]);
  });

  it('keeps closing quotes, brackets and emphasis with the sentence they end', () => {
    expect(speakAll('He said "stop." (It worked.) **Done.** Next')).toEqual([
      'He said "stop."',
      '(It worked.)',
      'Done.',
      'Next',
    ]);
  });

  it('never ends a sentence inside inline code or a link, even half-written', () => {
    const speakable = new SpeakableText();
    expect(speakable.push('Run `a. b` now. See [Go. Now](https://x.org/a. b')).toEqual([
      'Run a. b now.',
    ]);
    expect(speakable.push(') please. Then')).toEqual(['See Go. Now please.']);
    expect(speakable.flush()).toEqual(['Then']);
  });

  it('speaks a code block as one note and never reads its content, even unclosed', () => {
    expect(speakAll('Try:\n~~~\nrm -rf /. Really.\n~~~\nDone.')).toEqual([
      'Try:',
      CODE_OMITTED,
      'Done.',
    ]);
    expect(speakAll('Code:\n```js\nconst a = 1. Oops.\n')).toEqual(['Code:', CODE_OMITTED]);
    // A shorter fence inside does not close a longer one.
    expect(speakAll('````\n```\nnot spoken.\n````\nSpoken.')).toEqual([CODE_OMITTED, 'Spoken.']);
  });

  it('waits for a line that may open a code block instead of speaking its start', () => {
    const speakable = new SpeakableText();
    expect(speakable.push('```python. Not. ')).toEqual([]);
    expect(speakable.push('\nx = 1. y\n```\n')).toEqual([CODE_OMITTED]);
  });

  it('strips list markers, headings, quotes and rules, and reads table rows as lists', () => {
    expect(
      speakAll(
        '### Steps ###\n* one\n+ two\n10) ten\n> quoted\n***\n___\nTitle\n=====\n|a|b|\n|:-|-:|',
      ),
    ).toEqual(['Steps', 'one', 'two', 'ten', 'quoted', 'Title', 'a, b']);
  });

  it('splits a very long run without a full stop at a comma, so speech can start', () => {
    const clause = 'and then another clause follows here';
    const long = Array.from({ length: 20 }, () => clause).join(', ');
    const speakable = new SpeakableText({ maxChars: 100 });
    const early = speakable.push(long);
    expect(early.length).toBeGreaterThan(0);
    for (const sentence of early) expect(sentence.length).toBeLessThanOrEqual(100);
    expect(early[0]).toBe(`${clause}, ${clause},`);
    const all = [...early, ...speakable.flush()].join(' ');
    expect(all).toBe(long);
  });

  it('drops sentences with nothing to say and is ready for the next answer after flush', () => {
    const speakable = new SpeakableText();
    expect(speakable.push('** ** \n---\n')).toEqual([]);
    expect(speakable.push('```\ncode')).toEqual([CODE_OMITTED]);
    expect(speakable.flush()).toEqual([]);
    // The unclosed block of the last answer does not swallow the next one.
    expect(speakable.push('Fresh answer. ')).toEqual(['Fresh answer.']);
  });

  it('ends a sentence at a full-width stop with no space after it', () => {
    expect(speakAll('你好。再见！')).toEqual(['你好。', '再见！']);
  });
});

describe('toPlainText', () => {
  it('keeps link and image text, says a bare URL as its host, and reads snake_case as words', () => {
    expect(
      toPlainText(
        '![a cat](cat.png) at <https://www.example.com/x> and https://hearth.local:8443/pair',
      ),
    ).toBe('a cat at example.com and hearth.local');
    expect(toPlainText('set `max_tokens` to __20__ ~~or 30~~')).toBe('set max tokens to 20 or 30');
    expect(toPlainText('a \\*literal\\* star and <b>bold</b>.')).toBe('a literal star and bold.');
  });

  it('gives nothing for markup alone', () => {
    expect(toPlainText('**')).toBe('');
    expect(toPlainText('# ')).toBe('');
    expect(toPlainText('| --- |', true)).toBe('');
  });
});
