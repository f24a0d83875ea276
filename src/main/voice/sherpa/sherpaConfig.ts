// sherpa-onnx-node's configuration for an installed catalog model: plain data,
// handed to the worker (and to the probe) as it is.
import type { InstalledVoiceModel } from '../models/installedVoiceModel';
import type {
  MoonshineEntry,
  PiperEntry,
  VoiceCatalogEntry,
  WhisperEntry,
} from '../models/voiceCatalog';

/** One thread: the Pi's other cores answer with the language model meanwhile. */
const THREADS = 1;

function is<E extends VoiceCatalogEntry>(
  model: InstalledVoiceModel,
  engine: E['engine'],
): model is InstalledVoiceModel<E> {
  return model.entry.engine === engine;
}

/** An OfflineRecognizer config for a Moonshine or Whisper model. */
export function recognizerConfig(model: InstalledVoiceModel): Record<string, unknown> {
  const common = { tokens: '', numThreads: THREADS, provider: 'cpu', debug: 0 };
  const featConfig = { sampleRate: 16_000, featureDim: 80 };
  if (is<MoonshineEntry>(model, 'moonshine')) {
    const { preprocessor, encoder, uncachedDecoder, cachedDecoder, tokens } = model.files;
    return {
      featConfig,
      modelConfig: {
        ...common,
        tokens,
        moonshine: { preprocessor, encoder, uncachedDecoder, cachedDecoder },
      },
    };
  }
  if (is<WhisperEntry>(model, 'whisper')) {
    const { encoder, decoder, tokens } = model.files;
    return {
      featConfig,
      modelConfig: {
        ...common,
        tokens,
        whisper: { encoder, decoder, language: 'en', task: 'transcribe' },
      },
    };
  }
  throw new Error(`${model.entry.displayName} is not a speech recognizer`);
}

/** An OfflineTts config for a Piper voice. */
export function voiceConfig(model: InstalledVoiceModel): Record<string, unknown> {
  if (!is<PiperEntry>(model, 'piper')) {
    throw new Error(`${model.entry.displayName} is not a voice`);
  }
  const { model: onnx, tokens, dataDir } = model.files;
  return {
    model: {
      vits: { model: onnx, tokens, dataDir },
      numThreads: THREADS,
      provider: 'cpu',
      debug: 0,
    },
    // One sentence at a time is all Hearth asks for.
    maxNumSentences: 1,
  };
}
