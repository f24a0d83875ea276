// The speech port Hearth runs with today, as the composition root wires it:
// an utterance sent over a real connection to the composed clients is logged
// as utterance_received with its length, and its samples are not kept.
import { describe, expect, it } from 'vitest';
import { encodeAudioFrame } from '../../shared/audio';
import { Emitter } from '../../shared/emitter';
import { useCleanups } from '../../testing/cleanups';
import { createMemoryLogger } from '../../testing/loggers';
import { appConfig } from '../../testing/serviceFakes';
import { composeTestCore } from '../../testing/testCore';
import { serveRpc, type Received } from '../clients/connection';
import { loggedSpeech } from './loggedSpeech';

const cleanups = useCleanups();

describe('the speech port Hearth runs with', () => {
  it('logs each utterance with its length and why it ended', () => {
    const logger = createMemoryLogger();
    const port = loggedSpeech(logger);
    port.heard('device:p', new Int16Array(16_000 * 2.5), 'ended');
    port.heard('session:s', new Int16Array(480_000), 'cut');
    expect(logger.entries).toEqual([
      {
        level: 'info',
        eventType: 'utterance_received',
        context: { clientKey: 'device:p', why: 'ended', durationMs: 2500 },
      },
      {
        level: 'info',
        eventType: 'utterance_received',
        context: { clientKey: 'session:s', why: 'cut', durationMs: 30_000 },
      },
    ]);
  });

  it('is what the composed Hearth hands a client utterance to', () => {
    const logger = createMemoryLogger();
    const app = composeTestCore(appConfig(cleanups.scratchDir()), { logger });
    cleanups.defer(() => app.dispose());
    const incoming = new Emitter<Received>();
    const served = serveRpc(
      { post: () => {}, onReceive: (listener) => incoming.subscribe(listener) },
      {
        clients: app.clients,
        principal: { role: 'device', deviceId: 'p' },
        logger,
        transport: 'ws',
        connectionId: 'c',
        close: () => {},
      },
    );
    cleanups.defer(() => served.dispose());
    const hello = JSON.stringify({ t: 'hello' });
    incoming.fire({ text: hello, bytes: hello.length });
    const audio = (start: boolean, end: boolean, samples: number) => {
      const bytes = encodeAudioFrame({ utterance: 1, start, end, pcm: new Int16Array(samples) });
      incoming.fire({ audio: bytes, bytes: bytes.length });
    };
    audio(true, false, 1600);
    audio(false, true, 800);
    expect(logger.entries.filter((e) => e.eventType === 'utterance_received')).toEqual([
      {
        level: 'info',
        eventType: 'utterance_received',
        context: { clientKey: 'device:p', why: 'ended', durationMs: 150 },
      },
    ]);
  });
});
