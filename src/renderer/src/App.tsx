import { lazy, Suspense, useCallback, useState } from 'react';
import { Composer } from './components/Composer';
import { ConversationLog } from './components/ConversationLog';
import { CoolingCheckPanel } from './components/CoolingCheckPanel';
import { Header } from './components/Header';
import { HistoryDrawer } from './components/HistoryDrawer';
import { ModelAlert, ownerNeedsSetup, ThermalBanner } from './components/StatusBanners';
import { browserKeyboardEnvironment, wantsOnScreenKeyboard } from './keyboardPolicy';
import { useHearth } from './store/context';
import { useDocumentTheme } from './theme';

// Only the kiosk's owner opens it, so a phone never downloads it or the QR library.
const PairingSheet = lazy(() =>
  import('./components/pairing/PairingSheet').then((m) => ({ default: m.PairingSheet })),
);
// Owner-only screens, loaded when first needed, so a phone's first load stays small.
const SetupScreen = lazy(() =>
  import('./components/setup/SetupScreen').then((m) => ({ default: m.SetupScreen })),
);
// The setup screen's optional voice step, shown after it on the owner's screen.
const VoiceSetupStep = lazy(() =>
  import('./components/setup/VoiceSetupStep').then((m) => ({ default: m.VoiceSetupStep })),
);
const SettingsSheet = lazy(() =>
  import('./components/settings/SettingsSheet').then((m) => ({ default: m.SettingsSheet })),
);

export function App() {
  useDocumentTheme();
  const [onScreenKeyboard] = useState(() => wantsOnScreenKeyboard(browserKeyboardEnvironment()));
  const [keyboardVisible, setKeyboardVisible] = useState(false);
  const [historyOpen, setHistoryOpen] = useState(false);
  const [coolingOpen, setCoolingOpen] = useState(false);
  const [pairingOpen, setPairingOpen] = useState(false);
  const closeHistory = useCallback(() => setHistoryOpen(false), []);
  const closeCooling = useCallback(() => setCoolingOpen(false), []);
  const openCooling = useCallback(() => setCoolingOpen(true), []);
  const closePairing = useCallback(() => setPairingOpen(false), []);
  const openPairing = useCallback(() => setPairingOpen(true), []);
  const [settingsOpen, setSettingsOpen] = useState(false);
  const closeSettings = useCallback(() => setSettingsOpen(false), []);
  const openSettings = useCallback(() => setSettingsOpen(true), []);
  // With no model, or one that failed to load, the owner's screen is the setup
  // screen; a phone keeps the conversation view and its banner.
  const needsSetup = useHearth(ownerNeedsSetup);
  const owner = useHearth((s) => s.role === 'owner');

  return (
    <div className={keyboardVisible ? 'app with-keyboard' : 'app'}>
      <Header onOpenHistory={() => setHistoryOpen(true)} historyOpen={historyOpen} />
      <ModelAlert />
      <ThermalBanner />
      {needsSetup ? (
        <Suspense fallback={<main className="setup" aria-busy="true" />}>
          <SetupScreen />
        </Suspense>
      ) : (
        <main className="chat">
          {owner && (
            <Suspense fallback={null}>
              <VoiceSetupStep />
            </Suspense>
          )}
          <ConversationLog />
          <Composer
            onScreenKeyboard={onScreenKeyboard}
            keyboardVisible={keyboardVisible}
            setKeyboardVisible={setKeyboardVisible}
          />
        </main>
      )}
      <HistoryDrawer
        open={historyOpen}
        onClose={closeHistory}
        onCheckCooling={openCooling}
        onConnectPhone={openPairing}
        onOpenSettings={openSettings}
      />
      <CoolingCheckPanel open={coolingOpen} onClose={closeCooling} />
      {pairingOpen && (
        <Suspense fallback={null}>
          <PairingSheet open={pairingOpen} onClose={closePairing} />
        </Suspense>
      )}
      {settingsOpen && (
        <Suspense fallback={null}>
          <SettingsSheet open={settingsOpen} onClose={closeSettings} />
        </Suspense>
      )}
    </div>
  );
}
