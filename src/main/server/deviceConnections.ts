// Paired devices and their WebSockets: while one is open the device shows as
// connected on the kiosk, and forgetting the device ends its sessions, which
// closes its sockets at once (the WebSocket side listens for that).
import type { WebSocket } from 'ws';
import type { Subscription } from '../../shared/emitter';
import type { Disposable } from '../../shared/lifecycle';
import type { Pairing } from '../pairing/pairing';
import type { Principal } from '../rpc/principal';

export interface ForgetsDevices {
  forgetDevice(deviceId: string): void;
}

export class DeviceConnections implements Disposable {
  readonly #pairing: Pairing | undefined;
  readonly #onForget: Subscription | undefined;

  constructor(pairing: Pairing | undefined, sessions: ForgetsDevices) {
    this.#pairing = pairing;
    this.#onForget = pairing?.onForget((deviceId) => sessions.forgetDevice(deviceId));
  }

  /** Counts a device's socket as a connection until it closes; the owner's are not counted. */
  add(principal: Principal, socket: WebSocket): void {
    const { deviceId } = principal;
    if (principal.role !== 'device' || deviceId === undefined || !this.#pairing) return;
    const connected = this.#pairing.connected(deviceId);
    socket.once('close', () => connected.dispose());
  }

  dispose(): void {
    this.#onForget?.dispose();
  }
}
