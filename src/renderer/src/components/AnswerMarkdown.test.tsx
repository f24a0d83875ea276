// Model output is text to read: nothing in it may reach the network, run, or navigate.
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { AnswerMarkdown } from './AnswerMarkdown';

const render = (text: string): string => renderToStaticMarkup(<AnswerMarkdown text={text} />);

describe('an answer rendered as markdown', () => {
  it('shows a link as its words, with the address as a hint, and no way to follow it', () => {
    const html = render('See [the manual](https://example.com/manual).');
    expect(html).toContain(
      '<span class="md-link" title="https://example.com/manual">the manual</span>',
    );
    expect(html).not.toContain('<a');
    expect(html).not.toContain('href');
  });

  it('never loads an image, and keeps the words around it', () => {
    const html = render('A cat: ![a sleeping cat](https://example.com/cat.png)');
    expect(html).toContain('A cat:');
    expect(html).not.toContain('<img');
    expect(html).not.toContain('cat.png');
  });

  it('drops raw HTML instead of rendering it', () => {
    const html = render('Hi <b onclick="x()">there</b> <script>alert(1)</script>');
    expect(html).not.toContain('<b');
    expect(html).not.toContain('<script');
    expect(html).toContain('there');
  });

  it('makes a code block focusable, so a keyboard can scroll it', () => {
    const html = render('```\nconst x = 1;\n```');
    expect(html).toMatch(/^<pre tabindex="0"><code>const x = 1;\n<\/code><\/pre>$/);
  });
});
