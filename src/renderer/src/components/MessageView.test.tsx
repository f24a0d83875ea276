// Answers are GitHub-flavoured markdown, as models write it.
import { renderToStaticMarkup } from 'react-dom/server';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { MessageView, preloadAnswerMarkdown } from './MessageView';

// The markdown renderer is a lazy chunk; server rendering does not wait for it,
// so it is fetched first, as the conversation log does when it mounts.
beforeAll(async () => {
  await preloadAnswerMarkdown();
});

const answer = (text: string): string =>
  renderToStaticMarkup(
    <MessageView
      message={{ id: 'a', role: 'assistant', text, status: 'complete', createdAt: 1 }}
    />,
  );

describe('an answer in GitHub-flavoured markdown', () => {
  it('renders a table as a table with its cells, not as raw pipes', () => {
    const html = answer(
      ['Planets:', '', '| Planet | Moons |', '|---|---:|', '| Earth | 1 |', '| Mars | 2 |'].join(
        '\n',
      ),
    );
    expect(html).toContain('<table>');
    expect(html).toMatch(/<th[^>]*>Planet<\/th>/);
    expect(html).toMatch(/<th[^>]*>Moons<\/th>/);
    expect(html).toMatch(/<td[^>]*>Earth<\/td><td[^>]*>1<\/td>/);
    expect(html).toMatch(/<td[^>]*>Mars<\/td><td[^>]*>2<\/td>/);
    expect(html).not.toContain('|');
    // A wide table scrolls inside the answer, and a keyboard can reach it to scroll.
    expect(html).toMatch(/<div class="md-scroll" tabindex="0" role="region" aria-label="Table">/);
  });

  it('renders strikethrough', () => {
    expect(answer('It is ~~cold~~ warm.')).toContain('<del>cold</del>');
  });

  it('renders a task list with its ticks named, and no controls', () => {
    const html = answer('- [x] Feed the cat\n- [ ] Light the fire');
    expect(html).toMatch(/role="img" aria-label="done">☑<\/span> ?Feed the cat/);
    expect(html).toMatch(/role="img" aria-label="not done">☐<\/span> ?Light the fire/);
    expect(html).not.toContain('<input');
    expect(html).not.toContain('[x]');
  });
});

describe('an answer before the markdown renderer has arrived', () => {
  it('shows the answer as written, ends trimmed, in the article named Hearth', async () => {
    // A fresh copy of the module: nothing fetched yet, as on a phone's first load.
    vi.resetModules();
    const fresh = await import('./MessageView');
    const text =
      'Planets:\n\n| Planet | Moons |\n|---|---:|\n| Earth | 1 |\n\nIt is ~~cold~~ warm.';
    const html = renderToStaticMarkup(
      <fresh.MessageView
        message={{
          id: 'a',
          role: 'assistant',
          text: ` ${text}\n`,
          status: 'streaming',
          createdAt: 1,
        }}
      />,
    );
    expect(html).toMatch(/^<article class="msg msg-hearth status-streaming" aria-label="Hearth">/);
    expect(html).toContain(`<div class="markdown"><p class="md-plain">${text}</p></div>`);
    expect(html).not.toContain('<table>');
    expect(html).not.toContain('<del>');
  });
});
