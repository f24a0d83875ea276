import { useState } from 'react';
import type { PairedDevice } from '../../../../shared/api';
import { formatWhen } from '../../format';
import { ConfirmPrompt } from '../ConfirmPrompt';

export interface DeviceListProps {
  devices: PairedDevice[] | null;
  onForget(device: PairedDevice): void;
}

/** The paired phones, each with a Forget button that asks first. */
export function DeviceList({ devices, onForget }: DeviceListProps) {
  const [confirming, setConfirming] = useState<string | null>(null);
  if (devices === null) return <p className="muted">Loading paired devices…</p>;
  return (
    <section className="devices" aria-labelledby="devices-title">
      <h3 id="devices-title">Paired devices</h3>
      {devices.length === 0 ? (
        <p className="muted">No phone is paired yet.</p>
      ) : (
        <ul className="device-list" aria-label="Paired devices">
          {devices.map((device) => (
            <li key={device.id} className="device">
              <div className="device-info">
                <span className="device-name">{device.name}</span>
                <span className="device-meta">
                  {device.connected ? 'Connected now' : `Last seen ${formatWhen(device.lastSeen)}`}
                  {' · '}
                  paired {formatWhen(device.firstSeen)}
                </span>
              </div>
              {confirming === device.id ? (
                <ConfirmPrompt
                  className="device-confirm"
                  question={<>Forget {device.name}? It will have to pair again.</>}
                  confirmLabel="Forget"
                  onConfirm={() => {
                    setConfirming(null);
                    onForget(device);
                  }}
                  onCancel={() => setConfirming(null)}
                />
              ) : (
                <button
                  type="button"
                  className="button"
                  aria-label={`Forget ${device.name}`}
                  onClick={() => setConfirming(device.id)}
                >
                  Forget
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
