// The kiosk's transport: the preload bridge (window.hearth), a message port over
// Electron IPC that carries the same frames as a phone's WebSocket.
import type { CommandArgs, CommandName, CommandResult } from '../../../shared/api';
import { subscription } from '../../../shared/emitter';
import type { HearthBridge, HearthTransport, LinkState } from '../../../shared/transport';
import { createRpcClient } from './rpcClient';

export function createIpcTransport(bridge: HearthBridge): HearthTransport {
  const client = createRpcClient(bridge);
  // IPC to our own main process cannot drop, so the link is always up.
  const link: LinkState = { state: 'connected' };

  return {
    call<K extends CommandName>(name: K, args: CommandArgs<K>): Promise<CommandResult<K>> {
      return client.call(name, args);
    },
    onEvent: (listener) => client.onEvent(listener),
    onLink(listener) {
      listener(link);
      return subscription(() => {});
    },
    retry() {},
    close() {
      client.dispose();
    },
  };
}
