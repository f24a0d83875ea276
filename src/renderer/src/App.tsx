import { lazy, Suspense, useCallback, useState } from 'react';
import { Composer } from './components/Composer';
import { ConversationLog } from './components/ConversationLog';
import { CoolingCheckPanel } from './components/CoolingCheckPanel';
import { Header } from './components/Header';
import { HistoryDrawer } from './components/HistoryDrawer';
import { ModelAlert, ThermalBanner } from './components/StatusBanners';
import { browserKeyboardEnvironment, wantsOnScreenKeyboard } from './keyboardPolicy';

// Only the kiosk's owner opens it, so a phone never downloads it or the QR library.
const PairingSheet = lazy(() =>
  import('./components/pairing/PairingSheet').then((m) => ({ default: m.PairingSheet })),
);

export function App() {
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

  return (
    <div className={keyboardVisible ? 'app with-keyboard' : 'app'}>
      <Header onOpenHistory={() => setHistoryOpen(true)} historyOpen={historyOpen} />
      <ModelAlert />
      <ThermalBanner />
      <main className="chat">
        <ConversationLog />
        <Composer
          onScreenKeyboard={onScreenKeyboard}
          keyboardVisible={keyboardVisible}
          setKeyboardVisible={setKeyboardVisible}
        />
      </main>
      <HistoryDrawer
        open={historyOpen}
        onClose={closeHistory}
        onCheckCooling={openCooling}
        onConnectPhone={openPairing}
      />
      <CoolingCheckPanel open={coolingOpen} onClose={closeCooling} />
      {pairingOpen && (
        <Suspense fallback={null}>
          <PairingSheet open={pairingOpen} onClose={closePairing} />
        </Suspense>
      )}
    </div>
  );
}
