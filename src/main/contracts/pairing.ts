// What the API service needs from pairing: the URL a phone opens, the paired
// devices, and forgetting one (pairing/pairing.ts implements it); and which of
// those phones are connected now, which only the clients know
// (clients/clients.ts implements that).
import type { KnownDevice, PairingInfo } from '../../shared/api';
import type { Subscription } from '../../shared/emitter';

export interface PairingPort {
  info(): PairingInfo;
  devices(): KnownDevice[];
  /** False when no such device is paired. Its clients end and their connections close at once. */
  forget(deviceId: string): Promise<boolean>;
  /** The code rotated (used or expired). */
  onInfo(listener: (info: PairingInfo) => void): Subscription;
  /** A device was paired or forgotten. */
  onDevices(listener: (devices: KnownDevice[]) => void): Subscription;
  /** A device was forgotten: the composition root ends its clients at once. */
  onForget(listener: (deviceId: string) => void): Subscription;
}

export interface DevicePresencePort {
  /** Whether a paired phone has a connection open now. */
  isDeviceConnected(deviceId: string): boolean;
  /** A phone's first connection opened, or its last one closed. */
  onDevicePresence(listener: (deviceId: string) => void): Subscription;
}
