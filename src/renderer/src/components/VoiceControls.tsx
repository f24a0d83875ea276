// The voice controls beside the composer: Talk (pressed while listening) with
// the microphone's level next to it, and a bar with what the voice is doing
// (status "Voice"), why the microphone cannot be used, Stop speaking while an
// answer is spoken, and this device's two switches. Names and roles follow
// DESIGN's accessible-names table.
import { useId } from 'react';
import { useHearth, useVoice } from '../store/context';
import type { VoiceState } from '../store/voiceSlice';
import { MicIcon, StopIcon } from './icons';

const STATUS_TEXT: Record<VoiceState, string> = {
  idle: '',
  listening: 'Listening',
  transcribing: 'Transcribing',
  speaking: 'Speaking',
};

/** How full the meter is for an RMS level: -60 dBFS and below is empty, full scale is full. */
export function meterFraction(level: number): number {
  if (!(level > 0)) return 0;
  const db = 20 * Math.log10(Math.min(1, level));
  return Math.max(0, Math.min(1, (db + 60) / 60));
}

/**
 * Talk, and the level meter beside it (not announced: the status says
 * Listening). Talk is pressed whenever the microphone is open: while listening,
 * and in hands-free while Hearth speaks (a tap then talks over it).
 */
export function TalkButton() {
  const voice = useVoice();
  const listening = useHearth((s) => s.voiceState === 'listening' || s.micOpen);
  const level = useHearth((s) => (s.voiceState === 'listening' || s.micOpen ? s.level : 0));
  const unavailable = useHearth((s) => s.talkUnavailable);
  const why = useHearth((s) => s.talkUnavailable ?? s.micError);
  const describedBy = useId();
  const fill = meterFraction(level);
  return (
    <div className="talk-group">
      <button
        type="button"
        className={`button talk${listening ? ' listening' : ''}${unavailable ? ' unavailable' : ''}`}
        aria-pressed={listening}
        // Focusable and tappable even when unavailable: a tap shows why.
        aria-disabled={unavailable ? true : undefined}
        aria-describedby={why ? describedBy : undefined}
        onClick={voice.talk}
      >
        <MicIcon />
        <span className="label">Talk</span>
      </button>
      {why && (
        <span id={describedBy} className="visually-hidden">
          {why}
        </span>
      )}
      <svg
        className="talk-level"
        viewBox="0 0 8 100"
        preserveAspectRatio="none"
        aria-hidden="true"
        focusable="false"
        data-level={level.toFixed(3)}
      >
        <rect className="talk-level-track" x="0" y="0" width="8" height="100" rx="3" />
        <rect
          className="talk-level-fill"
          x="0"
          y={100 - fill * 100}
          width="8"
          height={fill * 100}
          rx="3"
        />
      </svg>
    </div>
  );
}

/** What the voice is doing, what went wrong, Stop speaking, and the two switches. */
export function VoiceBar() {
  const voice = useVoice();
  const voiceState = useHearth((s) => s.voiceState);
  const micError = useHearth((s) => s.micError);
  const speakAnswers = useHearth((s) => s.speakAnswers);
  const handsFree = useHearth((s) => s.handsFree);
  return (
    <div className="voice-bar">
      <p className="voice-status" role="status" aria-label="Voice">
        {STATUS_TEXT[voiceState]}
      </p>
      {micError && (
        <p className="voice-error" role="alert">
          {micError}
        </p>
      )}
      {voiceState === 'speaking' && (
        <button type="button" className="button button-stop" onClick={voice.stopSpeaking}>
          <StopIcon />
          <span className="label">Stop speaking</span>
        </button>
      )}
      <div className="voice-switches">
        <Switch label="Speak answers" checked={speakAnswers} onChange={voice.setSpeakAnswers} />
        <Switch label="Hands-free" checked={handsFree} onChange={voice.setHandsFree} />
      </div>
    </div>
  );
}

function Switch({
  label,
  checked,
  onChange,
}: {
  label: string;
  checked: boolean;
  onChange(on: boolean): void;
}) {
  return (
    <button
      type="button"
      role="switch"
      aria-checked={checked}
      className="button switch"
      onClick={() => onChange(!checked)}
    >
      <span className="switch-track" aria-hidden="true">
        <span className="switch-thumb" />
      </span>
      <span className="switch-label">{label}</span>
    </button>
  );
}
