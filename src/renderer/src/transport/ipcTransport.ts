// The kiosk's transport: the preload bridge (window.hearth) over Electron IPC.
import type { CommandArgs, CommandName, CommandResult, HearthEvent } from '../../../shared/api';
import type { HearthBridge, HearthTransport, LinkState } from '../../../shared/transport';
import { eventOf, resultOf } from './validate';

export function createIpcTransport(bridge: HearthBridge): HearthTransport {
  const eventListeners = new Set<(event: HearthEvent) => void>();
  // IPC to our own main process cannot drop, so the link is always up.
  const link: LinkState = { state: 'connected' };

  const unsubscribe = bridge.onEvent((raw) => {
    const event = eventOf(raw);
    if (!event) return;
    for (const listener of eventListeners) listener(event);
  });

  return {
    async call<K extends CommandName>(name: K, args: CommandArgs<K>): Promise<CommandResult<K>> {
      return resultOf(name, await bridge.call(name, args));
    },
    onEvent(listener) {
      eventListeners.add(listener);
      return () => eventListeners.delete(listener);
    },
    onLink(listener) {
      listener(link);
      return () => {};
    },
    retry() {},
    close() {
      unsubscribe();
      eventListeners.clear();
    },
  };
}
