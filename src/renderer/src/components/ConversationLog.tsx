import { useEffect, useLayoutEffect, useMemo, useRef } from 'react';
import { useHearth } from '../store/context';
import { MessageView, PendingPromptView, preloadAnswerMarkdown } from './MessageView';

/** The open conversation. Follows a streaming answer unless the reader scrolled up. */
export function ConversationLog() {
  const current = useHearth((s) => s.current);
  const queue = useHearth((s) => s.queue);
  const synced = useHearth((s) => s.synced);
  const noModel = useHearth((s) => s.model?.state === 'none');
  const allPending = useHearth((s) => s.pending);
  const online = useHearth((s) => s.link.state === 'connected');
  const ref = useRef<HTMLElement>(null);
  const stuck = useRef(true);
  const conversationId = current?.id;

  // Fetched as soon as the conversation shows, so that answers rarely wait for it.
  useEffect(() => {
    void preloadAnswerMarkdown();
  }, []);

  useLayoutEffect(() => {
    stuck.current = true;
  }, [conversationId]);

  useLayoutEffect(() => {
    const el = ref.current;
    if (el && stuck.current) el.scrollTop = el.scrollHeight;
  });

  const messages = current?.messages ?? [];
  const pending = useMemo(
    () => allPending.filter((p) => p.conversationId === conversationId),
    [allPending, conversationId],
  );
  const busy = messages.some((m) => m.status === 'streaming');
  return (
    // Focusable so that a keyboard can scroll back through a long conversation.
    <section
      ref={ref}
      className="log"
      role="log"
      aria-label="Conversation"
      aria-busy={busy}
      tabIndex={0}
      onScroll={(e) => {
        const el = e.currentTarget;
        stuck.current = el.scrollHeight - el.scrollTop - el.clientHeight < 48;
      }}
    >
      {messages.length === 0 && pending.length === 0 && (
        <p className="log-empty">
          {!synced ? 'Waiting for Hearth…' : noModel ? 'No model yet.' : 'Ask Hearth anything.'}
        </p>
      )}
      {messages.map((m) => (
        <MessageView key={m.id} message={m} queue={queue[m.id]} />
      ))}
      {pending.map((p) => (
        <PendingPromptView key={`pending-${p.key}`} text={p.text} online={online} />
      ))}
    </section>
  );
}
