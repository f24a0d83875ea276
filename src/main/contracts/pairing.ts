// What the API service needs from pairing: the URL a phone opens, the paired
// devices, and forgetting one. The server's pairing side implements it.
import type { PairedDevice, PairingInfo } from '../../shared/api';
import type { Subscription } from '../../shared/emitter';

export interface PairingPort {
  info(): PairingInfo;
  devices(): PairedDevice[];
  /** False when no such device is paired. Its connections close at once. */
  forget(deviceId: string): Promise<boolean>;
  /** The code rotated (used or expired). */
  onInfo(listener: (info: PairingInfo) => void): Subscription;
  /** A device was paired, forgotten, connected or disconnected. */
  onDevices(listener: (devices: PairedDevice[]) => void): Subscription;
}
