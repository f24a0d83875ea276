// How the store follows its session: a resume carries on with what is shown, a
// snapshot replaces it, and the session's role decides what the owner sees.
import { describe, expect, it } from 'vitest';
import {
  connectedHearths,
  conversation,
  message,
  settle,
  snapshot,
} from '../../../testing/rendererFakes';

const connect = connectedHearths();

const device = {
  id: '7d6c8f3e-1111-4222-8333-944455556666',
  name: 'Chrome on Android',
  firstSeen: 1,
  lastSeen: 2,
  connected: true,
};

describe('the store across sessions', () => {
  it('after a resume keeps what it shows, asks for nothing, and applies the replayed events', async () => {
    const { hearth, fake, clock } = await connect({
      getSnapshot: () => snapshot([{ id: 'c', updatedAt: 1 }]),
      openConversation: () =>
        conversation('c', [
          message('u', 'user', 'hi'),
          message('a', 'assistant', 'Once', 'streaming'),
        ]),
    });
    const calls = fake.calls.length;
    fake.drop();
    fake.resume();
    fake.emit({ type: 'tokens', conversationId: 'c', messageId: 'a', text: ' upon' });
    clock.runFrame();
    await settle();
    const state = hearth.store.getState();
    expect(state.link).toEqual({ state: 'connected' });
    expect(state.synced).toBe(true);
    expect(state.current?.messages[1]?.text).toBe('Once upon');
    expect(fake.calls.length).toBe(calls);
  });

  it('a snapshot with the open conversation replaces the shown one, and drops text buffered for it', async () => {
    const { hearth, fake, clock } = await connect({
      getSnapshot: () => snapshot([{ id: 'c', updatedAt: 1 }]),
      openConversation: () =>
        conversation('c', [
          message('u', 'user', 'hi'),
          message('a', 'assistant', 'On', 'streaming'),
        ]),
    });
    const calls = fake.calls.length;
    // Text from before the gap, not yet on screen: the snapshot already holds it.
    fake.emit({ type: 'tokens', conversationId: 'c', messageId: 'a', text: 'ce' });
    fake.resync({
      snapshot: snapshot([{ id: 'c', updatedAt: 5 }]),
      open: conversation('c', [
        message('u', 'user', 'hi'),
        message('a', 'assistant', 'Once upon', 'streaming'),
      ]),
    });
    clock.runFrame();
    const state = hearth.store.getState();
    expect(state.current?.messages[1]?.text).toBe('Once upon');
    expect(state.conversations[0]?.updatedAt).toBe(5);
    expect(fake.calls.length).toBe(calls);
  });

  it('takes its role from the session: a phone is a device, the kiosk the owner', async () => {
    const { hearth, fake } = await connect({
      getSnapshot: () => snapshot([{ id: 'c', updatedAt: 1 }]),
      openConversation: () => conversation('c'),
    });
    expect(hearth.store.getState().role).toBe('owner');
    fake.drop();
    await fake.start({ role: 'device' });
    expect(hearth.store.getState().role).toBe('device');
  });

  it('keeps the pairing URL and the paired phones up to date from owner events', async () => {
    const { hearth, fake } = await connect({
      getSnapshot: () => snapshot([{ id: 'c', updatedAt: 1 }]),
      openConversation: () => conversation('c'),
      getPairing: () => ({
        url: 'http://10.0.0.2:8737/pair?code=one',
        expiresAt: 9,
        reachable: true,
      }),
      listDevices: () => [device],
      forgetDevice: () => ({ ok: true }),
    });
    await hearth.actions.loadPairing();
    await hearth.actions.loadDevices();
    expect(hearth.store.getState().pairing?.url).toMatch(/code=one$/);
    expect(hearth.store.getState().devices).toEqual([device]);

    const rotated = { url: 'http://10.0.0.2:8737/pair?code=two', expiresAt: 19, reachable: true };
    fake.emit({ type: 'pairing', pairing: rotated });
    expect(hearth.store.getState().pairing).toEqual(rotated);

    await hearth.actions.forgetDevice(device.id);
    expect(fake.calls.at(-1)).toEqual({ name: 'forgetDevice', args: { deviceId: device.id } });
    expect(hearth.store.getState().devices).toEqual([]);
    fake.emit({ type: 'devices', devices: [{ ...device, connected: false }] });
    expect(hearth.store.getState().devices?.[0]?.connected).toBe(false);
  });
});

describe("the owner's lists across a new session", () => {
  const downloading = {
    state: 'downloading' as const,
    model: 'Stories 260K',
    catalogId: 'stories',
    bytes: 100,
    total: 1000,
    bytesPerSecond: 10,
    secondsLeft: 90,
  };
  const list = (download: typeof downloading | null) => ({
    catalog: [],
    installed: [],
    unfinished: [],
    download,
  });

  it('asks again for the model list a new session may have changed, so a download that ended is not shown running', async () => {
    let serverDownload: typeof downloading | null = downloading;
    const { hearth, fake } = await connect({
      getSnapshot: () => snapshot(),
      listModels: () => list(serverDownload),
    });
    await hearth.actions.loadModels();
    expect(hearth.store.getState().download).toMatchObject({ state: 'downloading' });

    // Hearth restarted: the download it ran is gone.
    fake.drop();
    serverDownload = null;
    await fake.start();
    await settle();
    expect(hearth.store.getState().download).toBeNull();
    expect(hearth.store.getState().models).toEqual(list(null));
  });

  it('loads nothing the owner had not asked for', async () => {
    const { fake } = await connect({ getSnapshot: () => snapshot() });
    const before = fake.calls.length;
    fake.drop();
    await fake.start();
    await settle();
    const names = fake.calls.slice(before).map((c) => c.name);
    expect(names).not.toContain('listModels');
    expect(names).not.toContain('getSettings');
  });
});
