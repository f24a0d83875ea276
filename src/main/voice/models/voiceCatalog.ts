// The speech recognizers and voices a Pi owner can download: sherpa-onnx's
// packagings of Moonshine, Whisper and Piper, each one .tar.bz2 archive of the
// k2-fsa/sherpa-onnx GitHub releases ('asr-models', 'tts-models'), checked
// against a pinned sha256 and size before it is unpacked.
//
// Those release tags are rolling: an asset could be replaced under the same
// name, so the sha256 is the pin (a mismatch is a refusal, never a quiet
// update). Each pin was taken from public projects that download and check
// these exact archives; several independent ones agree on each.
import type { VoiceModelKind } from '../../../shared/voiceModelsSchema';

const ASR = 'https://github.com/k2-fsa/sherpa-onnx/releases/download/asr-models/';
const TTS = 'https://github.com/k2-fsa/sherpa-onnx/releases/download/tts-models/';

interface EntryBase {
  /** Stable id for the CLI and settings. */
  id: string;
  kind: VoiceModelKind;
  displayName: string;
  description: string;
  licence: string;
  /** The archive's address: never a moving branch, and checked by sha256. */
  url: string;
  sha256: string;
  /** The archive's size in bytes. */
  sizeBytes: number;
  /** The one folder the archive unpacks into. */
  archiveRoot: string;
  recommended: boolean;
}

export interface MoonshineEntry extends EntryBase {
  kind: 'recognizer';
  engine: 'moonshine';
  /** Paths inside archiveRoot. */
  files: {
    preprocessor: string;
    encoder: string;
    uncachedDecoder: string;
    cachedDecoder: string;
    tokens: string;
  };
}

export interface WhisperEntry extends EntryBase {
  kind: 'recognizer';
  engine: 'whisper';
  files: { encoder: string; decoder: string; tokens: string };
}

export interface PiperEntry extends EntryBase {
  kind: 'voice';
  engine: 'piper';
  /** dataDir is a folder (espeak-ng's phoneme data); the others are files. */
  files: { model: string; tokens: string; dataDir: string };
  /** The voice's own sample rate in Hz. */
  sampleRate: number;
}

export type VoiceCatalogEntry = MoonshineEntry | WhisperEntry | PiperEntry;

export const VOICE_CATALOG: readonly VoiceCatalogEntry[] = [
  {
    id: 'moonshine-tiny-en',
    kind: 'recognizer',
    engine: 'moonshine',
    displayName: 'Moonshine tiny (English)',
    description: 'Fast and accurate for short requests; the best fit for a Pi 5.',
    licence: 'MIT',
    url: `${ASR}sherpa-onnx-moonshine-tiny-en-int8.tar.bz2`,
    sha256: 'd5fe6ec4334fef36255b2a4010412cad4c007e33103fec62fb5d17cad88086f2',
    sizeBytes: 107_600_538,
    archiveRoot: 'sherpa-onnx-moonshine-tiny-en-int8',
    recommended: true,
    files: {
      preprocessor: 'preprocess.onnx',
      encoder: 'encode.int8.onnx',
      uncachedDecoder: 'uncached_decode.int8.onnx',
      cachedDecoder: 'cached_decode.int8.onnx',
      tokens: 'tokens.txt',
    },
  },
  {
    id: 'whisper-tiny-en',
    kind: 'recognizer',
    engine: 'whisper',
    displayName: 'Whisper tiny.en',
    description: 'OpenAI Whisper, smallest English model; about three times slower than Moonshine.',
    licence: 'MIT',
    url: `${ASR}sherpa-onnx-whisper-tiny.en.tar.bz2`,
    sha256: '2bd6cf965c8bb3e068ef9fa2191387ee63a9dfa2a4e37582a8109641c20005dd',
    sizeBytes: 118_071_777,
    archiveRoot: 'sherpa-onnx-whisper-tiny.en',
    recommended: false,
    files: {
      encoder: 'tiny.en-encoder.int8.onnx',
      decoder: 'tiny.en-decoder.int8.onnx',
      tokens: 'tiny.en-tokens.txt',
    },
  },
  {
    id: 'whisper-base-en',
    kind: 'recognizer',
    engine: 'whisper',
    displayName: 'Whisper base.en',
    description: 'More accurate than tiny.en, and slower: several seconds per request on a Pi 5.',
    licence: 'MIT',
    url: `${ASR}sherpa-onnx-whisper-base.en.tar.bz2`,
    sha256: '475bc7052ce299c007f6d5d5407ba8601f819a2867f6eecee510ed17df581542',
    sizeBytes: 208_576_005,
    archiveRoot: 'sherpa-onnx-whisper-base.en',
    recommended: false,
    files: {
      encoder: 'base.en-encoder.int8.onnx',
      decoder: 'base.en-decoder.int8.onnx',
      tokens: 'base.en-tokens.txt',
    },
  },
  {
    id: 'piper-amy-low',
    kind: 'voice',
    engine: 'piper',
    displayName: 'Amy (US English, low)',
    description: 'A clear voice that speaks faster than real time on a Pi 5.',
    licence: 'Piper (MIT); voice: see MODEL_CARD in its folder',
    url: `${TTS}vits-piper-en_US-amy-low.tar.bz2`,
    sha256: 'c70f5284a09a7fd4ed203b39b2ff51cac1432b422b852eb647b481dade3cf639',
    sizeBytes: 67_095_344,
    archiveRoot: 'vits-piper-en_US-amy-low',
    recommended: true,
    files: { model: 'en_US-amy-low.onnx', tokens: 'tokens.txt', dataDir: 'espeak-ng-data' },
    sampleRate: 16_000,
  },
  {
    id: 'piper-lessac-medium',
    kind: 'voice',
    engine: 'piper',
    displayName: 'Lessac (US English, medium)',
    description: 'A more natural voice; about twice the work of a low one.',
    licence: 'Piper (MIT); voice: see MODEL_CARD in its folder',
    url: `${TTS}vits-piper-en_US-lessac-medium.tar.bz2`,
    sha256: '9e3febfacf0abf4270172d2958bcec246032b7e88efc2720840cc80c93de334e',
    sizeBytes: 67_230_653,
    archiveRoot: 'vits-piper-en_US-lessac-medium',
    recommended: false,
    files: { model: 'en_US-lessac-medium.onnx', tokens: 'tokens.txt', dataDir: 'espeak-ng-data' },
    sampleRate: 22_050,
  },
];

export function findVoiceCatalogEntry(
  id: string,
  catalog: readonly VoiceCatalogEntry[] = VOICE_CATALOG,
): VoiceCatalogEntry | undefined {
  return catalog.find((entry) => entry.id === id);
}
