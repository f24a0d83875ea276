// What voice can do on this machine now, as clients are told it: whether
// Hearth can hear and speak, why not, and how long hands-free waits in
// silence. Kept here with the rules that derive it from the engines in use,
// so a change is announced once, only when something clients see changed.
import type { VoiceAvailability } from '../../shared/api';
import { Emitter, type Subscription } from '../../shared/emitter';
import type { VoiceEngineReport } from '../../shared/voice';
import type { VoiceEngineChoice } from '../../shared/voiceModelsSchema';
import type { Logger } from '../base/log';

/** Each half of voice as the engine selection has it now. */
export interface EngineHalf {
  engine: string;
  choice: VoiceEngineChoice;
}

const DEFAULT_HANDS_FREE_QUIET_MS = 8_000;

export class VoiceAvailabilityState {
  #now: VoiceAvailability = {
    canHear: false,
    canSpeak: false,
    note: 'Hearth is still looking for its voice engines.',
  };
  #handsFreeQuietMs: number;
  readonly #changed: Emitter<VoiceAvailability>;

  constructor(options: { logger: Logger; handsFreeQuietMs?: number }) {
    this.#handsFreeQuietMs = options.handsFreeQuietMs ?? DEFAULT_HANDS_FREE_QUIET_MS;
    this.#changed = new Emitter((error) =>
      options.logger.error('voice_availability_listener_failed', { error: String(error) }),
    );
  }

  /** What the engines can do, without the hands-free setting. */
  get now(): VoiceAvailability {
    return this.#now;
  }

  /** What clients are told. */
  report(): VoiceAvailability {
    return { ...this.#now, handsFreeQuietMs: this.#handsFreeQuietMs };
  }

  subscribe(listener: (voice: VoiceAvailability) => void): Subscription {
    return this.#changed.subscribe(listener);
  }

  /** The engines are known at start-up: nobody is listening yet, so nothing is announced. */
  started(vad: VoiceEngineReport['vad'], hearing: EngineHalf, speaking: EngineHalf): void {
    this.#now = availabilityOf(vad, hearing, speaking);
  }

  startFailed(): void {
    this.#now = { canHear: false, canSpeak: false, note: 'Voice could not start.' };
  }

  /** The engines in use changed: listeners are told when what clients see changed. */
  update(vad: VoiceEngineReport['vad'], hearing: EngineHalf, speaking: EngineHalf): void {
    const before = this.#now;
    this.#now = availabilityOf(vad, hearing, speaking);
    if (
      before.canHear !== this.#now.canHear ||
      before.canSpeak !== this.#now.canSpeak ||
      before.note !== this.#now.note
    ) {
      this.#changed.fire(this.report());
    }
  }

  setHandsFreeQuietMs(ms: number): void {
    if (ms === this.#handsFreeQuietMs) return;
    this.#handsFreeQuietMs = ms;
    this.#changed.fire(this.report());
  }

  dispose(): void {
    this.#changed.dispose();
  }
}

/** What clients are told: what the engines in use can do, and why not. */
export function availabilityOf(
  vad: VoiceEngineReport['vad'],
  hearing: EngineHalf,
  speaking: EngineHalf,
): VoiceAvailability {
  const canHear = vad.present && hearing.engine !== 'none';
  const canSpeak = speaking.engine !== 'none';
  const problems = [
    !vad.present && withInstall(vad),
    hearing.engine === 'none' && hearing.choice.error,
    !canSpeak && speaking.choice.error,
  ].filter((problem): problem is string => typeof problem === 'string' && problem !== '');
  if (problems.length > 0) return { canHear, canSpeak, note: problems.join(' ') };
  if (hearing.engine === 'pocketsphinx') {
    return {
      canHear,
      canSpeak,
      note: 'Speech is recognised with pocketsphinx, which is less accurate than a downloaded model: Settings > Voice offers a download.',
    };
  }
  return { canHear, canSpeak };
}

/** Why Hearth cannot speak, as one sentence for the owner. */
export function whyNoVoice(speaking: EngineHalf): string {
  return speaking.choice.error ?? 'no voice is installed';
}

function withInstall(engine: { error?: string; install?: string }): string | undefined {
  if (!engine.error) return undefined;
  return engine.install ? `${engine.error} (install: ${engine.install})` : engine.error;
}
