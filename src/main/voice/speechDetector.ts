// One client's speech detector, as voiceListening.ts uses it: a VoiceActivity
// (the Silero VAD in a worker), started at once; a start that fails is logged
// here, since nobody awaits it but settled().
import type { Logger } from '../base/log';
import type { ThreadRegistry } from '../threads/registry';
import { VoiceActivity, type BusyReport } from './voiceActivity';
import type { SpeechDetector } from './voiceListening';

export interface SpeechDetectorOptions {
  logger: Logger;
  registry?: ThreadRegistry;
  maxUtteranceMs: number;
  /** Where the detector's measured busy time is reported (thermal/voiceLoad.ts). */
  load?: BusyReport;
}

export function startSpeechDetector(options: SpeechDetectorOptions): SpeechDetector {
  const vad = new VoiceActivity({
    logger: options.logger,
    registry: options.registry,
    maxUtteranceMs: options.maxUtteranceMs,
    load: options.load,
  });
  const started = vad.start().catch((error: unknown) => {
    options.logger.error('voice_activity_failed', { error: String(error) });
  });
  return {
    feed: (pcm) => vad.feed(pcm),
    setStrict: (on) => vad.setStrict(on),
    reset: () => vad.reset(),
    onSpeechStart: (listener) => vad.onSpeechStart(listener),
    onSpeechEnd: (listener) => vad.onSpeechEnd(listener),
    settled: async () => {
      await started;
      if (vad.ready) await vad.stats();
    },
    dispose: () => vad.dispose(),
  };
}
