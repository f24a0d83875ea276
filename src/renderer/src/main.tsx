// Composition root of the UI: pick the transport (IPC in the kiosk, WebSocket in a
// browser), build the store on it, and render.
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { HearthContext } from './store/context';
import { createHearthStore } from './store/hearthStore';
import { applyRememberedTheme } from './theme';
import { pickTransport } from './transport/pickTransport';
import { holdScreenWhileAnswering } from './wakeLock';
import './styles.css';

applyRememberedTheme();
const transport = pickTransport();
const hearth = createHearthStore(transport);
const screen = holdScreenWhileAnswering(hearth.store);

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root');

createRoot(root).render(
  <StrictMode>
    <HearthContext value={hearth}>
      <App />
    </HearthContext>
  </StrictMode>,
);

import.meta.hot?.dispose(() => {
  void screen.dispose();
  hearth.dispose();
  transport.close();
});
