// Every command the table marks owner-only, called through the real dispatch
// over the real handlers: a phone is refused before its handler runs, the owner
// is not. The list comes from the command table itself, so a new owner-only
// command is covered the day it is added.
import { describe, expect, it } from 'vitest';
import { commands, isOwnerCommand, type CommandName } from '../../shared/api';
import { fixedUuid } from '../../testing/ids';
import { startSetupApp } from '../../testing/setupFixtures';
import { dispatch, type CallContext, type HearthHandlers } from '../rpc/dispatch';

/** Read from the table's `owner` flags, not through isOwnerCommand, which is under test too. */
const ownerOnly = (Object.keys(commands) as CommandName[]).filter(
  (name) => (commands[name] as { owner?: unknown }).owner === true,
);
const forAnyone = (Object.keys(commands) as CommandName[]).filter(
  (name) => !ownerOnly.includes(name),
);

const owner: CallContext = { clientId: 'kiosk', role: 'owner' };
const pairedPhone: CallContext = { clientId: 'phone', role: 'device', deviceId: fixedUuid(101) };
const notOwners: [string, CallContext][] = [
  ['a paired phone', pairedPhone],
  ['a phone of another device id', { clientId: 'other', role: 'device', deviceId: fixedUuid(102) }],
  ['a device that names no phone', { clientId: 'stranger', role: 'device' }],
];

/** A Hearth with no model over a fresh data directory, its handlers noting each call they get. */
async function hearthWithRecordedHandlers() {
  const setup = await startSetupApp();
  const ran: string[] = [];
  const real = setup.app.handlers as Record<string, (args: unknown, ctx: CallContext) => unknown>;
  const handlers = Object.fromEntries(
    Object.entries(real).map(([name, handler]) => [
      name,
      (args: unknown, ctx: CallContext) => {
        ran.push(name);
        return handler(args, ctx);
      },
    ]),
  ) as unknown as HearthHandlers;
  const call = (name: CommandName, ctx: CallContext) => dispatch(handlers, name, {}, ctx);
  return { call, ran };
}

describe('owner-only commands', () => {
  it('the table marks some commands owner-only, and isOwnerCommand agrees with it on every one', () => {
    expect(ownerOnly.length).toBeGreaterThan(0);
    expect(ownerOnly).toContain('stopCoolingCheck');
    expect(forAnyone.length).toBeGreaterThan(0);
    for (const name of Object.keys(commands) as CommandName[]) {
      expect(isOwnerCommand(name), name).toBe(ownerOnly.includes(name));
    }
  });

  it.each(notOwners)(
    'refuses %s every owner-only command, before its handler runs',
    async (_who, ctx) => {
      const { call, ran } = await hearthWithRecordedHandlers();
      for (const name of ownerOnly) {
        expect(await call(name, ctx), name).toEqual({
          ok: false,
          error: { code: 'forbidden', message: `${name} is for the Hearth screen only` },
        });
      }
      expect(ran).toEqual([]);
    },
  );

  it('lets the owner through every owner-only command (whatever its handler then says)', async () => {
    const { call, ran } = await hearthWithRecordedHandlers();
    for (const name of ownerOnly) {
      expect(await call(name, owner), name).not.toMatchObject({
        ok: false,
        error: { code: 'forbidden' },
      });
    }
    // The commands that take no arguments reached their handlers.
    expect(ran).toEqual(expect.arrayContaining(['stopCoolingCheck', 'getSettings', 'listDevices']));
    expect(await call('getSettings', owner)).toMatchObject({ ok: true });
  });

  it('lets a paired phone through every command not marked owner-only', async () => {
    const { call } = await hearthWithRecordedHandlers();
    for (const name of forAnyone) {
      expect(await call(name, pairedPhone), name).not.toMatchObject({
        ok: false,
        error: { code: 'forbidden' },
      });
    }
  });
});
