// The voice controls by role, name and state, server-rendered from a store that
// starts in each voice state (as the other component tests do).
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { createStore } from 'zustand/vanilla';
import type { HearthStore } from '../store/hearthStore';
import { HearthContext } from '../store/context';
import { initialState, type HearthState } from '../store/state';
import { MIC_NEEDS_SECURE_CONNECTION, MIC_REFUSED } from '../voice/micErrors';
import { meterFraction, TalkButton, VoiceBar } from './VoiceControls';

const noVoice = { talk() {}, stopSpeaking() {}, setSpeakAnswers() {}, setHandsFree() {} };

function render(state: Partial<HearthState>): string {
  const hearth = {
    store: createStore<HearthState>()(() => ({ ...initialState, ...state })),
    actions: {},
    voice: noVoice,
    dispose() {},
  } as unknown as HearthStore;
  return renderToStaticMarkup(
    <HearthContext value={hearth}>
      <VoiceBar />
      <TalkButton />
    </HearthContext>,
  );
}

const talkButton = (html: string) =>
  /<button[^>]*class="button talk[^"]*"[^>]*>/.exec(html)?.[0] ?? '';
const voiceStatus = (html: string) =>
  /<p class="voice-status" role="status" aria-label="Voice">([^<]*)<\/p>/.exec(html)?.[1];

describe('voice controls', () => {
  it('idle: Talk not pressed, the Voice status empty, no Stop speaking, both switches off', () => {
    const html = render({});
    expect(talkButton(html)).toContain('aria-pressed="false"');
    expect(talkButton(html)).not.toContain('aria-disabled');
    expect(html).toMatch(/<span class="label">Talk<\/span><\/button>/);
    expect(voiceStatus(html)).toBe('');
    expect(html).not.toContain('Stop speaking');
    expect(html).toMatch(
      /<button type="button" role="switch" aria-checked="false" class="button switch">.*?<span class="switch-label">Speak answers<\/span><\/button>/,
    );
    expect(html).toMatch(
      /role="switch" aria-checked="false"[^>]*>.*?<span class="switch-label">Hands-free<\/span>/,
    );
  });

  it('listening: Talk pressed, status "Listening", and the meter shows the level without announcing it', () => {
    const html = render({ voiceState: 'listening', level: 0.1 });
    expect(talkButton(html)).toContain('aria-pressed="true"');
    expect(voiceStatus(html)).toBe('Listening');
    const meter = /<svg class="talk-level"[^>]*>/.exec(html)?.[0] ?? '';
    expect(meter).toContain('aria-hidden="true"');
    expect(meter).toContain('data-level="0.100"');
    const fill = Number(/class="talk-level-fill"[^>]*height="([\d.]+)"/.exec(html)?.[1]);
    expect(fill).toBeCloseTo(meterFraction(0.1) * 100, 5);
    expect(fill).toBeGreaterThan(50);
  });

  it('the meter is empty when not listening, whatever level was last heard', () => {
    const html = render({ voiceState: 'transcribing', level: 0.5 });
    expect(html).toContain('data-level="0.000"');
  });

  it('transcribing: Talk no longer pressed, status "Transcribing"', () => {
    const html = render({ voiceState: 'transcribing' });
    expect(talkButton(html)).toContain('aria-pressed="false"');
    expect(voiceStatus(html)).toBe('Transcribing');
    expect(html).not.toContain('Stop speaking');
  });

  it('speaking: status "Speaking" and a Stop speaking button, only then', () => {
    const html = render({ voiceState: 'speaking' });
    expect(voiceStatus(html)).toBe('Speaking');
    expect(html).toMatch(
      /<button type="button" class="button button-stop">.*Stop speaking<\/span><\/button>/,
    );
    for (const voiceState of ['idle', 'listening', 'transcribing'] as const) {
      expect(render({ voiceState })).not.toContain('Stop speaking');
    }
  });

  it('hands-free while speaking: the open microphone shows as Talk pressed with its level, beside Stop speaking', () => {
    const html = render({ voiceState: 'speaking', micOpen: true, level: 0.1 });
    expect(talkButton(html)).toContain('aria-pressed="true"');
    expect(voiceStatus(html)).toBe('Speaking');
    expect(html).toContain('data-level="0.100"');
    expect(html).toContain('Stop speaking');
    // Speaking with the microphone closed (push-to-talk): Talk not pressed, no level.
    const closed = render({ voiceState: 'speaking', micOpen: false, level: 0.1 });
    expect(talkButton(closed)).toContain('aria-pressed="false"');
    expect(closed).toContain('data-level="0.000"');
  });

  it('switches show what is on', () => {
    const html = render({ speakAnswers: true, handsFree: true });
    expect(html.match(/role="switch" aria-checked="true"/g)).toHaveLength(2);
  });

  it('unavailable: Talk looks disabled but stays focusable, and its description is why', () => {
    const html = render({ talkUnavailable: MIC_NEEDS_SECURE_CONNECTION });
    const button = talkButton(html);
    expect(button).toContain('aria-disabled="true"');
    expect(button).not.toMatch(/\sdisabled=""/);
    const id = /aria-describedby="([^"]+)"/.exec(button)?.[1];
    expect(id).toBeTruthy();
    expect(html).toContain(
      `<span id="${id}" class="visually-hidden">The microphone needs a secure connection: turn on Settings &gt; Secure connection for phones.</span>`,
    );
  });

  it('a refused microphone is said once, as an alert, and describes Talk', () => {
    const html = render({ micError: MIC_REFUSED });
    expect(html).toContain(
      '<p class="voice-error" role="alert">Microphone permission was refused.</p>',
    );
    const id = /aria-describedby="([^"]+)"/.exec(talkButton(html))?.[1];
    expect(html).toContain(`<span id="${id}" class="visually-hidden">${MIC_REFUSED}</span>`);
    expect(talkButton(html)).not.toContain('aria-disabled');
  });
});

describe('meterFraction', () => {
  it('maps -60..0 dBFS onto 0..1', () => {
    expect(meterFraction(0)).toBe(0);
    expect(meterFraction(0.0001)).toBe(0);
    expect(meterFraction(0.001)).toBeCloseTo(0, 9);
    expect(meterFraction(0.01)).toBeCloseTo(1 / 3, 9);
    expect(meterFraction(1)).toBe(1);
    expect(meterFraction(Number.NaN)).toBe(0);
  });
});
