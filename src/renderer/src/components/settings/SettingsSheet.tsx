// The owner's Settings, on the kiosk (or a browser that opened the owner page):
// the model, the system prompt, thermal thresholds, paired phones, https for phones,
// conversation memory, voice, the theme,
// the kiosk exit PIN, signing out owner browsers, and where things are. Each
// section saves on its own; main checks and applies each change, and says when
// one waits for a restart.
// Loaded only when opened: a phone never downloads it.
import { useEffect, useRef, useState } from 'react';
import { browserKeyboardEnvironment, wantsOnScreenKeyboard } from '../../keyboardPolicy';
import { useActions, useHearth } from '../../store/context';
import { DeviceList } from '../pairing/DeviceList';
import { Sheet } from '../Sheet';
import { AboutSection } from './AboutSection';
import { AppearanceSection } from './AppearanceSection';
import { ConversationMemorySection } from './ConversationMemorySection';
import { KioskPinSection } from './KioskPinSection';
import { ModelSection } from './ModelSection';
import { OwnerBrowsersSection } from './OwnerBrowsersSection';
import { SecureConnectionSection } from './SecureConnectionSection';
import { SystemPromptSection } from './SystemPromptSection';
import { ThermalSection } from './ThermalSection';
import { VoiceSection } from './VoiceSection';

/** The sheet is long on a 7" screen: a row of links jumps to each part. */
const PARTS = [
  ['model', 'Model'],
  ['prompt', 'Prompt'],
  ['thermal', 'Thermal'],
  ['devices', 'Phones'],
  ['secure', 'Secure'],
  ['memory', 'Memory'],
  ['voice', 'Voice'],
  ['theme', 'Theme'],
  ['pin', 'PIN'],
  ['owner', 'Browsers'],
  ['about', 'About'],
] as const;

export interface SettingsSheetProps {
  open: boolean;
  onClose(): void;
  /** Whether text is typed on Hearth's own keyboard; worked out from the device unless given. */
  onScreenKeyboard?: boolean;
}

export function SettingsSheet({ open, onClose, ...props }: SettingsSheetProps) {
  const settings = useHearth((s) => s.settings);
  const devices = useHearth((s) => s.devices);
  const actions = useActions();
  const body = useRef<HTMLDivElement>(null);
  const jump = (part: string) =>
    body.current
      ?.querySelector(`[data-section="${part}"]`)
      ?.scrollIntoView({ block: 'start', behavior: 'smooth' });
  const [onScreenKeyboard] = useState(
    () => props.onScreenKeyboard ?? wantsOnScreenKeyboard(browserKeyboardEnvironment()),
  );

  useEffect(() => {
    if (!open) return;
    void actions.loadSettings();
    void actions.loadDevices();
  }, [open, actions]);

  return (
    <Sheet title="Settings" open={open} onClose={onClose} side="center">
      {settings === null ? (
        <p className="muted">Loading settings…</p>
      ) : (
        <div className="settings" ref={body}>
          <nav className="settings-nav" aria-label="Parts of Settings">
            {PARTS.map(([part, label]) => (
              <button
                key={part}
                type="button"
                className="button button-small"
                onClick={() => jump(part)}
              >
                {label}
              </button>
            ))}
          </nav>
          <ModelSection settings={settings} />
          <SystemPromptSection settings={settings} onScreenKeyboard={onScreenKeyboard} />
          <ThermalSection settings={settings} />
          <div className="settings-section" data-section="devices">
            <DeviceList
              devices={devices}
              onForget={(device) => void actions.forgetDevice(device.id)}
            />
          </div>
          <SecureConnectionSection settings={settings} />
          <ConversationMemorySection settings={settings} />
          <VoiceSection settings={settings} />
          <AppearanceSection settings={settings} />
          <KioskPinSection settings={settings} onScreenKeyboard={onScreenKeyboard} />
          <OwnerBrowsersSection />
          <AboutSection settings={settings} />
        </div>
      )}
    </Sheet>
  );
}
