// Where this folder's worker files are, found as threads finds its own.
//
// Sources: plain .mjs in ./workers, so Node loads them without a TypeScript
// loader. Build: electron-vite has one entry per worker
// ('workers/vad' -> src/main/voice/workers/vad.mjs in electron.vite.config.ts)
// and emits out/main/workers/vad.js; likewise 'recognizer' and 'tts' (sherpa/).
import { findWorkerFile } from '../threads/workerModule';

export type VoiceWorkerName = 'vad' | 'recognizer' | 'tts';

export function voiceWorker(name: VoiceWorkerName, from: string = import.meta.url): URL {
  return findWorkerFile(name, from);
}
