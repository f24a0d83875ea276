// IPC channel names shared by the preload bridge and the Electron adapter. The
// bridge is a message port: frames go one way on each channel, as on a WebSocket.
// No imports: this file is bundled into the sandboxed CommonJS preload.

/** Call frames, from the kiosk page to main. */
export const FRAMES_TO_MAIN_CHANNEL = 'hearth:frames-to-main';
/** Audio frames (shared/audio.ts) as bytes, from the kiosk page to main. */
export const AUDIO_TO_MAIN_CHANNEL = 'hearth:audio-to-main';
/** Result and event frames, from main to the kiosk page. */
export const FRAMES_TO_PAGE_CHANNEL = 'hearth:frames-to-page';
/** Speech frames (shared/audio.ts) as bytes, from main to the kiosk page. */
export const SPEECH_TO_PAGE_CHANNEL = 'hearth:speech-to-page';
