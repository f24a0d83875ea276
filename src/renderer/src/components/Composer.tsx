import { lazy, Suspense, useEffect, useState, type FormEvent, type KeyboardEvent } from 'react';
import { activeAnswer } from '../store/reducers';
import { useActions, useHearth } from '../store/context';
import { KeyboardDownIcon, SendIcon, StopIcon } from './icons';
import { TalkButton, VoiceBar } from './VoiceControls';

// Only the kiosk shows Hearth's own keyboard: phones never download it.
const loadKeyboard = () => import('./OnScreenKeyboard');
const OnScreenKeyboard = lazy(() => loadKeyboard().then((m) => ({ default: m.OnScreenKeyboard })));

export interface ComposerProps {
  /** Whether this device gets Hearth's own keyboard (see keyboardPolicy.ts). */
  onScreenKeyboard: boolean;
  keyboardVisible: boolean;
  setKeyboardVisible(visible: boolean): void;
}

export function Composer({ onScreenKeyboard, keyboardVisible, setKeyboardVisible }: ComposerProps) {
  const [draft, setDraft] = useState('');
  const [sending, setSending] = useState(false);
  const actions = useActions();
  const answering = useHearth((s) => activeAnswer(s.current) !== undefined);
  // While the link is down a prompt still goes: it waits, shown as pending, for the link.
  const ready = useHearth((s) => s.current !== null);
  const problem = useHearth((s) => s.problem);

  const canSend = ready && !sending && !answering && draft.trim().length > 0;

  // Fetched ahead, so the keyboard is there on the first touch.
  useEffect(() => {
    if (onScreenKeyboard) void loadKeyboard();
  }, [onScreenKeyboard]);

  async function send() {
    if (!canSend) return;
    setSending(true);
    try {
      if (await actions.send(draft)) setDraft('');
    } finally {
      setSending(false);
    }
  }

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    void send();
  }

  function onKeyDown(event: KeyboardEvent<HTMLTextAreaElement>) {
    if (event.key === 'Enter' && !event.shiftKey && !event.nativeEvent.isComposing) {
      event.preventDefault();
      void send();
    }
  }

  const showKeyboard = () => {
    if (onScreenKeyboard) setKeyboardVisible(true);
  };

  return (
    <div className="composer-area">
      {problem && (
        <p className="problem">
          <span>{problem}</span>
          <button type="button" className="button button-small" onClick={actions.dismissProblem}>
            Dismiss
          </button>
        </p>
      )}
      <VoiceBar />
      <form className="composer" onSubmit={onSubmit}>
        <TalkButton />
        <textarea
          className="composer-input"
          aria-label="Message"
          placeholder="Ask Hearth…"
          rows={1}
          maxLength={8000}
          value={draft}
          enterKeyHint="send"
          // Our own keyboard replaces the OS one (e.g. squeekboard) where we show it.
          inputMode={onScreenKeyboard ? 'none' : undefined}
          onChange={(e) => setDraft(e.target.value)}
          onKeyDown={onKeyDown}
          onFocus={showKeyboard}
          onPointerDown={showKeyboard}
        />
        {onScreenKeyboard && keyboardVisible && (
          <button
            type="button"
            className="button icon-button"
            aria-label="Hide keyboard"
            title="Hide keyboard"
            onClick={() => setKeyboardVisible(false)}
          >
            <KeyboardDownIcon />
          </button>
        )}
        {answering ? (
          <button type="button" className="button button-stop" onClick={() => void actions.stop()}>
            <StopIcon />
            <span className="label">Stop</span>
          </button>
        ) : (
          <button type="submit" className="button button-primary" disabled={!canSend}>
            <SendIcon />
            <span className="label">Send</span>
          </button>
        )}
      </form>
      {onScreenKeyboard && keyboardVisible && (
        <Suspense fallback={null}>
          <OnScreenKeyboard value={draft} onChange={setDraft} onEnter={() => void send()} />
        </Suspense>
      )}
    </div>
  );
}
