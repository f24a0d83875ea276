// Server-rendered markup is enough to check roles and accessible names
// without a DOM library.
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import type { HearthTransport } from '../../../shared/transport';
import { HearthContext } from '../store/context';
import { createHearthStore } from '../store/hearthStore';
import { Composer } from './Composer';
import { ConversationLog } from './ConversationLog';
import { Header } from './Header';
import { MessageView, preloadAnswerMarkdown } from './MessageView';

const idle: HearthTransport = {
  call: () => new Promise(() => {}),
  onEvent: () => () => {},
  onSnapshot: () => () => {},
  onSession: () => () => {},
  onLink: (listener) => {
    listener({ state: 'connecting' });
    return () => {};
  },
  sendAudio() {},
  onSpeech: () => () => {},
  retry() {},
  close() {},
};

function render(node: React.ReactNode): string {
  const hearth = createHearthStore(idle);
  try {
    return renderToStaticMarkup(<HearthContext value={hearth}>{node}</HearthContext>);
  } finally {
    hearth.dispose();
  }
}

describe('accessible names', () => {
  it('header: conversations, new conversation, temperature meter, connection status', () => {
    const html = render(<Header onOpenHistory={() => {}} historyOpen={false} />);
    expect(html).toContain('aria-label="Conversations"');
    expect(html).toMatch(
      /<button[^>]*class="button new"[^>]*>.*New<span class="label-rest"> conversation<\/span>/,
    );
    expect(html).toMatch(
      /role="meter" aria-label="CPU temperature"[^>]*aria-valuetext="unavailable"/,
    );
    expect(html).toMatch(/role="status" aria-label="Connection">.*Connecting…/);
  });

  it('conversation log, message box and send button', () => {
    const html = render(
      <>
        <ConversationLog />
        <Composer onScreenKeyboard={false} keyboardVisible={false} setKeyboardVisible={() => {}} />
      </>,
    );
    expect(html).toContain('role="log" aria-label="Conversation"');
    expect(html).toMatch(/<textarea[^>]*aria-label="Message"/);
    expect(html).toMatch(/<button type="submit"[^>]*>.*Send<\/span><\/button>/);
  });

  it('voice beside the composer: Talk, the Voice status and the two switches', () => {
    const html = render(
      <Composer onScreenKeyboard={false} keyboardVisible={false} setKeyboardVisible={() => {}} />,
    );
    expect(html).toMatch(/<button type="button" class="button talk[^"]*" aria-pressed="false"/);
    expect(html).toMatch(/<span class="label">Talk<\/span><\/button>/);
    expect(html).toContain('<p class="voice-status" role="status" aria-label="Voice"></p>');
    expect(html).toMatch(/role="switch" aria-checked="false"[^>]*>.*?Speak answers<\/span>/);
    expect(html).toMatch(/role="switch" aria-checked="false"[^>]*>.*?Hands-free<\/span>/);
    // Node has no microphone API: Talk says why, as it does on a plain-http phone.
    expect(html).toMatch(
      /class="button talk unavailable"[^>]*aria-disabled="true" aria-describedby=/,
    );
  });

  it('messages are articles named You and Hearth, with markers and stats', async () => {
    // Markdown is a lazy chunk that server rendering does not wait for.
    await preloadAnswerMarkdown();
    const html = renderToStaticMarkup(
      <>
        <MessageView
          message={{ id: 'u', role: 'user', text: 'Hi <b>', status: 'complete', createdAt: 1 }}
        />
        <MessageView
          message={{
            id: 'a',
            role: 'assistant',
            text: 'Some **bold** <script>alert(1)</script>',
            status: 'stopped',
            createdAt: 1,
            stats: { tokens: 3, tokensPerSecond: 41.23, timeToFirstTokenMs: 12 },
            slowedByCooling: true,
          }}
        />
        <MessageView
          message={{ id: 'q', role: 'assistant', text: '', status: 'queued', createdAt: 1 }}
          queue={{ position: 0, reason: 'the board is cooling down' }}
        />
      </>,
    );
    expect(html).toContain('<article class="msg msg-user" aria-label="You">');
    expect(html).toContain('Hi &lt;b&gt;');
    expect(html).toContain('aria-label="Hearth"');
    expect(html).toContain('<strong>bold</strong>');
    expect(html).not.toContain('<script>');
    expect(html).toContain('stopped');
    expect(html).toContain('41.2 tok/s · first token 12 ms');
    expect(html).toContain('slowed by cooling');
    expect(html).toContain('Waiting… the board is cooling down');
  });
});
