// "Connect a phone", on the kiosk: a QR code of the pairing URL (a one-time
// code that expires), the URL as text for typing, and the phones paired so far.
// Loaded only when opened, with the QR library: a phone never downloads it.
import { useEffect } from 'react';
import type { PairingInfo } from '../../../../shared/api';
import { useActions, useHearth } from '../../store/context';
import { Sheet } from '../Sheet';
import { DeviceList } from './DeviceList';
import { QrCode } from './QrCode';

export interface PairingSheetProps {
  open: boolean;
  onClose(): void;
}

function expiry(pairing: PairingInfo): string {
  const at = new Date(pairing.expiresAt).toLocaleTimeString([], {
    hour: '2-digit',
    minute: '2-digit',
  });
  return `This code works once, until ${at}. A new one replaces it after each use.`;
}

export function PairingSheet({ open, onClose }: PairingSheetProps) {
  const pairing = useHearth((s) => s.pairing);
  const devices = useHearth((s) => s.devices);
  const actions = useActions();

  useEffect(() => {
    if (!open) return;
    void actions.loadPairing();
    void actions.loadDevices();
  }, [open, actions]);

  // The server announces a new code when one is used or expires; this covers a
  // missed announcement, so the code on screen is never a dead one.
  const expiresAt = pairing?.expiresAt;
  useEffect(() => {
    if (!open || expiresAt === undefined) return;
    const timer = setTimeout(
      () => void actions.loadPairing(),
      Math.max(0, expiresAt - Date.now()) + 1_000,
    );
    return () => clearTimeout(timer);
  }, [open, expiresAt, actions]);

  return (
    <Sheet title="Connect a phone" open={open} onClose={onClose} side="center">
      {!pairing ? (
        <p className="muted">Making a pairing code…</p>
      ) : !pairing.reachable ? (
        <p>
          Hearth is listening on this machine only, so a phone cannot reach it. Set HEARTH_HOST to
          this machine&apos;s network address (or 0.0.0.0) and restart Hearth.
        </p>
      ) : (
        <div className="pairing">
          <QrCode text={pairing.url} label="QR code of the pairing address" />
          <div className="pairing-text">
            <p>Scan this with the phone&apos;s camera, or open this address on it:</p>
            <p className="pairing-url">{pairing.url}</p>
            <p className="muted">{expiry(pairing)}</p>
            {pairing.fingerprint && (
              <div className="pairing-fingerprint">
                <p>
                  The first time, the phone warns that the connection is not private: Hearth made
                  its own certificate. Before going on, check that the certificate&apos;s SHA-256
                  fingerprint the phone shows is this one:
                </p>
                <p className="pairing-url">{pairing.fingerprint}</p>
              </div>
            )}
          </div>
        </div>
      )}
      <DeviceList devices={devices} onForget={(device) => void actions.forgetDevice(device.id)} />
    </Sheet>
  );
}
