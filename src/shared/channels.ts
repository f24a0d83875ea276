// IPC channel names shared by the preload bridge and the Electron adapter.
// No imports: this file is bundled into the sandboxed CommonJS preload.
export const CALL_CHANNEL = 'hearth:call';
export const EVENT_CHANNEL = 'hearth:event';
