// Settings as main sends them, for the renderer's Settings sheet tests.
import type { Settings } from '../shared/api';

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
