// When the setup screen's optional voice step shows. The setup screen offers it
// (the owner is setting Hearth up now); it shows once the language model is
// loading or ready, until a voice model is installed or the owner says "Not
// now". The answer is kept in this screen's localStorage, like the voice
// switches: it is this screen's question, and a new screen may ask again.
import type { ModelStatus } from '../../../../shared/api';
import type { VoiceModelDownload, VoiceModelList } from '../../../../shared/voiceModelsSchema';
import { isVoiceDownloadUnderWay } from '../../store/voiceModels';

export const VOICE_STEP_KEY = 'hearth.voiceSetupStep';

/** 'offered' by the setup screen, 'skipped' by Not now; null when never offered. */
export type VoiceStepMark = 'offered' | 'skipped' | null;

export type StepMemory = Pick<Storage, 'getItem' | 'setItem'>;

export function readVoiceStep(memory: StepMemory | undefined): VoiceStepMark {
  try {
    const mark = memory?.getItem(VOICE_STEP_KEY);
    return mark === 'offered' || mark === 'skipped' ? mark : null;
  } catch {
    return null;
  }
}

export function writeVoiceStep(memory: StepMemory | undefined, mark: 'offered' | 'skipped'): void {
  try {
    memory?.setItem(VOICE_STEP_KEY, mark);
  } catch {
    // Only a nicety: without storage the step is not offered, or offered again.
  }
}

/** The page's localStorage, when there is one and it may be used. */
export function browserStepMemory(): StepMemory | undefined {
  try {
    return typeof window === 'undefined' ? undefined : window.localStorage;
  } catch {
    return undefined;
  }
}

/** The setup screen offers voice, unless the owner already answered. */
export function offerVoiceStep(memory: StepMemory | undefined): void {
  if (readVoiceStep(memory) === null) writeVoiceStep(memory, 'offered');
}

/** The language model is on its way or answering: the next step can be offered. */
export function modelIsSetUp(model: ModelStatus | null): boolean {
  return model?.state === 'loading' || model?.state === 'ready';
}

/**
 * The step shows while it is offered and nothing is installed; a download it
 * started stays visible to its end, so the owner sees how it went.
 */
export function showVoiceStep(
  mark: VoiceStepMark,
  model: ModelStatus | null,
  list: VoiceModelList | null,
  download: VoiceModelDownload | null,
): boolean {
  if (mark !== 'offered' || !modelIsSetUp(model) || list === null) return false;
  if (isVoiceDownloadUnderWay(download)) return true;
  return !list.catalog.some((model) => model.installed);
}
