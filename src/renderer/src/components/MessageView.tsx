import { lazy, memo, Suspense, type ComponentType } from 'react';
import type { Message } from '../../../shared/api';
import { formatStats } from '../format';
import type { QueueInfo } from '../store/state';

interface AnswerProps {
  text: string;
}

/** An answer as it is written, shown while the markdown renderer is on its way. */
function PlainAnswer({ text }: AnswerProps) {
  // Trimmed as markdown trims it, so that the answer does not shift once rendered
  // (models often begin with a space and end with a newline).
  return <p className="md-plain">{text.trim()}</p>;
}

// The markdown renderer is most of the renderer's weight and matters only once an
// answer is on screen, so it is not part of a phone's first load: it is fetched
// right after the conversation first shows (see preloadAnswerMarkdown), and an
// answer that comes before it is shown as plain text meanwhile.
let loading: Promise<ComponentType<AnswerProps>> | undefined;
let lazyInUse = false;

function loadRenderer(): Promise<ComponentType<AnswerProps>> {
  loading ??= import('./AnswerMarkdown').then(
    (m) => m.AnswerMarkdown,
    // A chunk that never arrives (the link dropped) leaves answers readable, as plain text.
    () => PlainAnswer,
  );
  return loading;
}

const LazyAnswer = lazy(() => {
  lazyInUse = true;
  return loadRenderer().then((component) => ({ default: component }));
});

// What answers render with. lazy() suspends even on an import that has already
// settled, which would flash the plain text, so once the renderer is here before
// any answer needed it, answers use it directly. Never swapped after an answer
// used the lazy stand-in, so that no answer is remounted.
let Answer: ComponentType<AnswerProps> = LazyAnswer;

/** Starts fetching the markdown renderer (once); settles when answers can use it. */
export async function preloadAnswerMarkdown(): Promise<void> {
  const component = await loadRenderer();
  if (!lazyInUse) Answer = component;
}

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
          <Suspense fallback={<PlainAnswer text={message.text} />}>
            <Answer text={message.text} />
          </Suspense>
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
