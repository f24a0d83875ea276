// Settings as main sends them, for the renderer's Settings sheet tests.
import type { Settings } from '../shared/api';
import type {
  VoiceCatalogModel,
  VoiceModelDownload,
  VoiceModelList,
} from '../shared/voiceModelsSchema';

export const savedSettings = (over: Partial<Settings> = {}): Settings => ({
  systemPrompt: 'You are Hearth.',
  thermalTriggerC: 85,
  thermalResumeC: 80,
  theme: 'system',
  kioskPinSet: false,
  tls: false,
  conversationMemoryMb: 512,
  conversationMemoryUsedBytes: 0,
  voiceRate: 1,
  handsFreeQuietSec: 8,
  voiceRecognizer: 'auto',
  voiceVoice: 'auto',
  voice: {
    canHear: true,
    canSpeak: true,
    note: 'Speech is recognised with pocketsphinx, which is less accurate than a downloaded model.',
    handsFreeQuietMs: 8000,
  },
  environmentOverrides: [],
  about: {
    version: '0.1.0',
    model: 'stories260K',
    modelPath: '/home/pi/.local/share/hearth/models/stories260K.gguf',
    dataDir: '/home/pi/.local/share/hearth',
    configFile: '/home/pi/.local/share/hearth/config.json',
    modelsDir: '/home/pi/.local/share/hearth/models',
    logs: 'journalctl --user -u hearth',
  },
  ...over,
});

const voiceModel = (
  id: string,
  kind: VoiceCatalogModel['kind'],
  displayName: string,
  sizeBytes: number,
  recommended: boolean,
): VoiceCatalogModel => ({
  id,
  kind,
  displayName,
  description: `${displayName}, for tests.`,
  licence: 'MIT',
  sizeBytes,
  recommended,
  installed: false,
});

/** Voice models as listVoiceModels gives them: two recognizers, two voices, none installed. */
export const voiceModelList = (over: Partial<VoiceModelList> = {}): VoiceModelList => ({
  catalog: [
    voiceModel('moonshine-tiny-en', 'recognizer', 'Moonshine tiny (English)', 107_600_538, true),
    voiceModel('whisper-tiny-en', 'recognizer', 'Whisper tiny.en', 118_071_777, false),
    voiceModel('piper-amy-low', 'voice', 'Amy (US English, low)', 67_095_344, true),
    voiceModel('piper-lessac-medium', 'voice', 'Lessac (US English, medium)', 67_230_653, false),
  ],
  recognizer: { chosen: 'auto', inUse: 'pocketsphinx', inUseName: 'pocketsphinx' },
  voice: { chosen: 'auto', inUse: 'flite', inUseName: 'flite' },
  download: null,
  ...over,
});

/** A voice model job just started. */
export const voiceDownload = (over: Partial<VoiceModelDownload> = {}): VoiceModelDownload => ({
  state: 'downloading',
  ids: ['moonshine-tiny-en'],
  current: 'moonshine-tiny-en',
  displayName: 'Moonshine tiny (English)',
  bytes: 0,
  total: 107_600_538,
  bytesPerSecond: 0,
  secondsLeft: null,
  ...over,
});
