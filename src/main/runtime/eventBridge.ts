// Every service's news becomes a client event here, and nowhere else: the
// model's state, the thermal status and each new reading, Check cooling's
// report, the pairing code, and the paired phones (paired, forgotten, come and
// gone). Services only announce; which event a client gets is decided once.
import type { HearthEvent, PairedDevice } from '../../shared/api';
import type { Emitter, Subscription } from '../../shared/emitter';
import type { DevicePresencePort, PairingPort } from '../contracts/pairing';
import type { CoolingCheckPort, ThermalPort } from '../contracts/thermal';
import type { InferenceEngine } from '../inference/engine';

export interface EventSources {
  engine: Pick<InferenceEngine, 'onStatus'>;
  thermal: ThermalPort;
  coolingCheck: CoolingCheckPort;
  pairing: PairingPort;
  presence: DevicePresencePort;
  /** The device list as the owner sees it, with who is connected now. */
  devices(): PairedDevice[];
}

/** Subscribes the events to every source; disposing the subscriptions ends the bridge. */
export function bridgeEvents(events: Emitter<HearthEvent>, from: EventSources): Subscription[] {
  const announceDevices = (): void => events.fire({ type: 'devices', devices: from.devices() });
  return [
    from.engine.onStatus((model) => events.fire({ type: 'model', model })),
    // The trend goes out whole with each status change and in the snapshot; each
    // poll then sends only its new reading.
    from.thermal.onStatus((thermal) => events.fire({ type: 'thermal', thermal })),
    from.thermal.onReading((sample) => events.fire({ type: 'thermalReading', ...sample })),
    from.coolingCheck.onReport((report) => events.fire({ type: 'coolingCheck', report })),
    from.pairing.onInfo((pairing) => events.fire({ type: 'pairing', pairing })),
    from.pairing.onDevices(announceDevices),
    from.presence.onDevicePresence(announceDevices),
  ];
}
