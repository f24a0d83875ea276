import { memo } from 'react';
import Markdown, { type Components } from 'react-markdown';
import remarkGfm from 'remark-gfm';
import type { Message } from '../../../shared/api';
import { formatStats } from '../format';
import type { QueueInfo } from '../store/state';

// Models write GitHub-flavoured markdown: tables, strikethrough, task lists.
const remarkPlugins = [remarkGfm];

// Model output is text: links are shown, not followed (the kiosk denies navigation
// anyway), and images would reach for the network, which Hearth never does.
// Wide tables and code scroll sideways inside the answer, never the page; a
// scrolling box takes focus so that a keyboard can scroll it too.
const components: Components = {
  a: ({ children, href }) => (
    <span className="md-link" title={href}>
      {children}
    </span>
  ),
  table: ({ children }) => (
    <div className="md-scroll" tabIndex={0} role="region" aria-label="Table">
      <table>{children}</table>
    </div>
  ),
  pre: ({ children }) => <pre tabIndex={0}>{children}</pre>,
  // A task list's boxes record what the model wrote; they are not controls to tick.
  input: ({ type, checked }) =>
    type === 'checkbox' ? (
      <span className="md-task" role="img" aria-label={checked ? 'done' : 'not done'}>
        {checked ? '☑' : '☐'}
      </span>
    ) : null,
};

const markers: Partial<Record<Message['status'], string>> = {
  stopped: 'stopped',
  interrupted: 'interrupted',
  error: 'error',
};

function waitingText(queue: QueueInfo | undefined): string {
  if (queue?.reason) return `Waiting… ${queue.reason}`;
  if (queue && queue.position > 0) return `Waiting… ${queue.position} ahead in the queue`;
  return 'Waiting…';
}

export interface MessageViewProps {
  message: Message;
  queue?: QueueInfo | undefined;
}

/** One message. Memoised: while an answer streams only that answer re-renders. */
export const MessageView = memo(function MessageView({ message, queue }: MessageViewProps) {
  if (message.role === 'user') {
    return (
      <article className="msg msg-user" aria-label="You">
        <p className="msg-text">{message.text}</p>
      </article>
    );
  }
  const marker = markers[message.status];
  const streaming = message.status === 'streaming';
  const finished = !streaming && message.status !== 'queued';
  return (
    <article className={`msg msg-hearth status-${message.status}`} aria-label="Hearth">
      {message.status === 'queued' && <p className="msg-waiting">{waitingText(queue)}</p>}
      {message.text && (
        <div className="markdown">
          <Markdown
            remarkPlugins={remarkPlugins}
            skipHtml
            disallowedElements={['img']}
            unwrapDisallowed
            components={components}
          >
            {message.text}
          </Markdown>
        </div>
      )}
      {streaming && !message.text && <p className="msg-waiting">Thinking…</p>}
      {streaming && <span className="caret" aria-hidden="true" />}
      {finished && (marker || message.stats || message.slowedByCooling) && (
        <p className="msg-meta">
          {marker && <span className={`marker marker-${message.status}`}>{marker}</span>}
          {message.status === 'error' && message.error && (
            <span className="msg-error">{message.error}</span>
          )}
          {message.stats && <span>{formatStats(message.stats)}</span>}
          {message.slowedByCooling && <span className="slowed">slowed by cooling</span>}
        </p>
      )}
    </article>
  );
});

/** A prompt not yet confirmed by Hearth: typed while offline, or cut off on its way. */
export function PendingPromptView({ text, online }: { text: string; online: boolean }) {
  return (
    <article className="msg msg-user msg-pending" aria-label="You">
      <p className="msg-text">{text}</p>
      <p className="msg-pending-note" role="status">
        {online ? 'Sending…' : 'Waiting for connection…'}
      </p>
    </article>
  );
}
