// The first question after a boot: Hearth loads the most recent conversation's
// saved state while it starts, so that question evaluates only itself. Real
// model, real store, a real restart on the same data directory.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { HearthEvent, Settings } from '../../shared/api';
import { useCleanups } from '../../testing/cleanups';
import { engineDiagnostics } from '../../testing/engineDiagnostics';
import { appConfig } from '../../testing/serviceFakes';
import { composeTestCore } from '../../testing/testCore';
import { dispatch, type CallContext } from '../rpc/dispatch';

const cleanups = useCleanups();
const owner: CallContext = { clientId: 'kiosk', role: 'owner' };

async function start(dataDir: string) {
  const app = composeTestCore(appConfig(dataDir, { HEARTH_MAX_TOKENS: '24' }));
  cleanups.defer(() => app.dispose());
  const seen: HearthEvent[] = [];
  app.events.subscribe((event) => seen.push(event));
  await app.start();
  const call = async <T>(name: string, args: unknown = {}): Promise<T> => {
    const outcome = await dispatch(app.handlers, name, args, owner);
    if (!outcome.ok) throw new Error(outcome.error.message);
    return outcome.value as T;
  };
  const ask = async (conversationId: string, text: string) => {
    const sent = await call<{ assistantMessageId: string }>('sendPrompt', { conversationId, text });
    await expect
      .poll(
        () =>
          seen.some(
            (e) =>
              e.type === 'message' &&
              e.message.id === sent.assistantMessageId &&
              e.message.status === 'complete',
          ),
        { timeout: 20_000 },
      )
      .toBe(true);
  };
  const sessionOf = (conversationId: string) =>
    engineDiagnostics(app.engine).sessions.find((s) => s.conversationId === conversationId);
  return { app, call, ask, sessionOf };
}

const stateFiles = (dataDir: string): string[] =>
  readdirSync(join(dataDir, 'state-cache')).filter((name) => name.endsWith('.state'));

describe('the first question after a restart', () => {
  it('finds the most recent conversation already loaded, and evaluates only itself', async () => {
    const dataDir = cleanups.scratchDir('hearth-warm-');
    const first = await start(dataDir);
    const older = (await first.call<{ id: string }>('newConversation')).id;
    await first.ask(older, 'Once upon a time');
    const recent = (await first.call<{ id: string }>('newConversation')).id;
    await first.ask(recent, 'Tell me a story about a dog.');
    await first.ask(recent, 'What did the dog find?');
    const inSlot = first.sessionOf(recent)?.lastPrompt?.evaluatedBeforeFirstToken ?? 0;
    await first.app.dispose();
    expect(stateFiles(dataDir)).toHaveLength(2);

    const second = await start(dataDir);
    // Nobody asked anything yet: the start loaded it in the background.
    await expect
      .poll(() => second.sessionOf(recent)?.nextTokenIndex ?? 0, { timeout: 10_000 })
      .toBeGreaterThan(50);
    expect(second.sessionOf(older)).toBeUndefined();
    await second.ask(recent, 'Where did it go?');
    const evaluated = second.sessionOf(recent)?.lastPrompt?.evaluatedBeforeFirstToken ?? 0;
    // The new turn only: about what a follow-up in a slot costs, not the history.
    expect(evaluated).toBeLessThan(inSlot * 2);
  });

  it('keeps to the conversation memory chosen in Settings, at once', async () => {
    const dataDir = cleanups.scratchDir('hearth-memory-');
    const hearth = await start(dataDir);
    for (const text of ['Once upon a time', 'A cat sat', 'A dog ran']) {
      const id = (await hearth.call<{ id: string }>('newConversation')).id;
      await hearth.ask(id, text);
    }
    // Three conversations, two slots: the first was saved when the third took its slot.
    expect(stateFiles(dataDir)).toHaveLength(1);
    const before = await hearth.call<Settings>('getSettings');
    expect(before.conversationMemoryMb).toBe(512);
    expect(before.conversationMemoryUsedBytes).toBeGreaterThan(0);
    const updated = await hearth.call<{ settings: Settings; restartNeeded: string[] }>(
      'updateSettings',
      { conversationMemoryMb: 0 },
    );
    expect(updated.restartNeeded).toEqual([]);
    await expect.poll(() => stateFiles(dataDir), { timeout: 10_000 }).toEqual([]);
    expect((await hearth.call<Settings>('getSettings')).conversationMemoryUsedBytes).toBe(0);
    await expect(hearth.call('updateSettings', { conversationMemoryMb: -1 })).rejects.toThrow(
      /conversationMemoryMb/,
    );
  });
});
