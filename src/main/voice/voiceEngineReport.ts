// The engines in use as /healthz and Settings > Voice report them: the floor
// engines found at start-up (the speech detector, and how to install what is
// missing) overlaid with what the engine selection picked for each half.
import type { VoiceEngineReport } from '../../shared/voice';
import type { VoiceEngineChoice } from '../../shared/voiceModelsSchema';
import type { Hearing, Speaking } from './sherpa/engineSelection';

export function engineReportOf(
  floor: VoiceEngineReport | undefined,
  hearing: Hearing,
  speaking: Speaking,
): VoiceEngineReport {
  return {
    vad: floor?.vad ?? {
      present: false,
      error: 'Hearth is still looking for its voice engines.',
    },
    stt: {
      engine: hearing.engine,
      ...model(hearing.choice.inUse, hearing.engine),
      ...error(hearing.choice),
      ...(hearing.engine === 'none' && floor?.stt.install ? { install: floor.stt.install } : {}),
    },
    tts: {
      engine: speaking.engine,
      ...model(speaking.choice.inUse, speaking.engine),
      ...error(speaking.choice),
      ...(speaking.engine === 'none' && floor?.tts.install ? { install: floor.tts.install } : {}),
    },
  };
}

/** A downloaded model is named beside its engine; a floor engine is its own name. */
function model(inUse: string, engine: string): { model?: string } {
  return engine === 'none' || inUse === engine ? {} : { model: inUse };
}

function error(choice: VoiceEngineChoice): { error?: string } {
  return choice.error === undefined ? {} : { error: choice.error };
}
