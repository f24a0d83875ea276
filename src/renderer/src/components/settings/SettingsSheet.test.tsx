// What the Settings sheet shows for given settings, from server-rendered markup:
// headings, labels, the messages that block a save, and the notices after one.
// (Typing into it and saving run in Chromium: e2e/settings.spec.ts.)
import type { ReactNode } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import type { Settings } from '../../../../shared/api';
import type { HearthTransport } from '../../../../shared/transport';
import { savedSettings } from '../../../../testing/settingsFakes';
import { createStore } from 'zustand/vanilla';
import { HearthContext } from '../../store/context';
import { createHearthStore } from '../../store/hearthStore';
import { initialState, type HearthState } from '../../store/state';
import { AboutSection } from './AboutSection';
import { AppearanceSection } from './AppearanceSection';
import { KioskPinForm, KioskPinSection } from './KioskPinSection';
import { OwnerBrowsersSection } from './OwnerBrowsersSection';
import { SaveStatusLine } from './SaveStatusLine';
import { SecureConnectionSection } from './SecureConnectionSection';
import { ConversationMemorySection } from './ConversationMemorySection';
import { SettingsSheet } from './SettingsSheet';
import { ThermalSection } from './ThermalSection';
import { VoiceSection } from './VoiceSection';

const idle: HearthTransport = {
  call: () => new Promise(() => {}),
  onEvent: () => () => {},
  onSnapshot: () => () => {},
  onSession: () => () => {},
  onLink: (listener) => {
    listener({ state: 'connected' });
    return () => {};
  },
  sendAudio() {},
  onSpeech: () => () => {},
  retry() {},
  close() {},
};

function render(node: ReactNode, state: { settings?: Settings; problem?: string } = {}): string {
  const hearth = createHearthStore(idle);
  // Server rendering reads a store's initial state, so the state under test is that.
  const store = createStore<HearthState>()(() => ({
    ...initialState,
    role: 'owner',
    devices: [],
    ...state,
  }));
  try {
    return renderToStaticMarkup(<HearthContext value={{ ...hearth, store }}>{node}</HearthContext>);
  } finally {
    hearth.dispose();
  }
}

/** The opening tag of the button whose text is `text`. */
function buttonTag(html: string, text: string): string {
  const match = new RegExp(`<button[^>]*>${text}</button>`).exec(html);
  if (!match) throw new Error(`no button "${text}" in ${html}`);
  return match[0];
}

describe('the Settings sheet', () => {
  it('has a titled section for each setting, in order, once the settings arrive', () => {
    const html = render(<SettingsSheet open onClose={() => {}} onScreenKeyboard={false} />, {
      settings: savedSettings(),
    });
    expect(html).toContain('role="dialog" aria-modal="true" aria-label="Settings"');
    const headings = [
      ...html.matchAll(/<section [^>]*aria-labelledby="[^"]+"><h3[^>]*>(?:<label[^>]*>)?([^<]+)/g),
    ].map((m) => m[1]);
    expect(headings).toEqual([
      'Model',
      'System prompt',
      'Thermal protection',
      'Paired devices',
      'Secure connection',
      'Conversation memory',
      'Voice',
      'Theme',
      'Kiosk exit PIN',
      'Owner browsers',
      'About',
    ]);
    // Each link of the row at the top has a part to jump to.
    const nav = /<nav [^>]*aria-label="Parts of Settings">(.*?)<\/nav>/.exec(html)?.[1] ?? '';
    const links = [...nav.matchAll(/<button[^>]*>(\w+)<\/button>/g)].map((m) => m[1]);
    expect(links).toEqual([
      'Model',
      'Prompt',
      'Thermal',
      'Phones',
      'Secure',
      'Memory',
      'Voice',
      'Theme',
      'PIN',
      'Browsers',
      'About',
    ]);
    const parts = [...html.matchAll(/data-section="(\w+)"/g)].map((m) => m[1]);
    expect(parts).toEqual([
      'model',
      'prompt',
      'thermal',
      'devices',
      'secure',
      'memory',
      'voice',
      'theme',
      'pin',
      'owner',
      'about',
    ]);
    expect(render(<SettingsSheet open onClose={() => {}} onScreenKeyboard={false} />)).toContain(
      'Loading settings…',
    );
  });

  it('shows the system prompt with its length against the limit', () => {
    const html = render(<SettingsSheet open onClose={() => {}} onScreenKeyboard={false} />, {
      settings: savedSettings(),
    });
    const label = /<label for="([^"]+)">System prompt<\/label>/.exec(html);
    expect(html).toMatch(
      new RegExp(`<textarea[^>]*id="${label?.[1]}"[^>]*>You are Hearth\\.</textarea>`),
    );
    expect(html).toContain('15 / 4000 characters');
  });
});

describe('thermal protection', () => {
  it('labels both thresholds, with steppers, and allows no save while nothing changed', () => {
    const html = render(<ThermalSection settings={savedSettings()} />);
    expect(html).toMatch(/<label for="([^"]+)">Start cooling at<\/label>/);
    expect(html).toMatch(/<label for="([^"]+)">Resume below<\/label>/);
    expect(html).toMatch(/<input id="[^"]+" class="celsius-input" type="number"[^>]*value="85"/);
    expect(html).toContain('aria-label="Raise Start cooling at by 1 °C"');
    expect(html).toContain('aria-label="Lower Resume below by 1 °C"');
    expect(html).not.toContain('field-error');
    expect(buttonTag(html, 'Save')).toContain('disabled');
  });

  it('names the problem next to the field and blocks Save when the pair is too close', () => {
    // Thresholds written into config.json by hand: main starts with them, the form refuses them.
    const html = render(
      <ThermalSection settings={savedSettings({ thermalTriggerC: 85, thermalResumeC: 84 })} />,
    );
    const field =
      /<input id="([^"]+)"[^>]*aria-invalid="true"[^>]*aria-describedby="([^"]+)"[^>]*value="84"/.exec(
        html,
      );
    expect(field).not.toBeNull();
    expect(html).toContain(
      `<p class="field-error" id="${field?.[2]}">Resume below must be at least 2 °C under Start cooling at (83 °C or less).</p>`,
    );
    expect(buttonTag(html, 'Save')).toContain('disabled');
  });

  it('says which threshold the environment decides, and locks that field only', () => {
    const html = render(
      <ThermalSection
        settings={savedSettings({ environmentOverrides: ['HEARTH_THERMAL_TRIGGER'] })}
      />,
    );
    expect(html).toContain(
      'HEARTH_THERMAL_TRIGGER is set in the environment: it wins at the next start, so change it there.',
    );
    expect(html).toMatch(/<input [^>]*disabled=""[^>]*value="85"\/>/);
    expect(html).not.toMatch(/<input [^>]*disabled=""[^>]*value="80"\/>/);
  });
});

describe('after a save', () => {
  it('announces which settings wait for a restart, as a status', () => {
    const html = render(
      <SaveStatusLine
        status={{ state: 'saved', restartNeeded: ['thermalTriggerC', 'thermalResumeC'] }}
      />,
    );
    expect(html).toBe(
      '<p class="save-status" role="status">Saved. Start cooling at and Resume below apply after Hearth restarts.</p>',
    );
  });

  it("shows main's reason as an alert when it refused the change", () => {
    const html = render(<SaveStatusLine status={{ state: 'refused' }} />, {
      problem:
        "HEARTH_THEME is set in Hearth's environment, which decides this setting; change it there.",
    });
    expect(html).toContain('<p class="save-status" role="status"></p>');
    expect(html).toContain(
      '<p class="field-error" role="alert">Not saved: HEARTH_THEME is set in Hearth&#x27;s environment',
    );
  });
});

describe('secure connection for phones', () => {
  it('is one labelled switch showing the saved choice, locked when HEARTH_TLS decides it', () => {
    const off = render(<SecureConnectionSection settings={savedSettings()} />);
    expect(off).toMatch(
      /<input type="checkbox" name="tls"\/>Secure connection for phones \(needed for a phone(&#x27;|')s microphone\)/,
    );
    const on = render(<SecureConnectionSection settings={savedSettings({ tls: true })} />);
    expect(on).toMatch(/<input type="checkbox" name="tls" checked=""\/>/);
    const decided = render(
      <SecureConnectionSection
        settings={savedSettings({ tls: true, environmentOverrides: ['HEARTH_TLS'] })}
      />,
    );
    expect(decided).toMatch(/<input type="checkbox" disabled="" name="tls" checked=""\/>/);
    expect(decided).toContain('HEARTH_TLS is set in the environment');
  });

  it('says a change of it waits for a restart', () => {
    expect(
      render(<SaveStatusLine status={{ state: 'saved', restartNeeded: ['tls'] }} />),
    ).toContain('Saved. Secure connection for phones applies after Hearth restarts.');
  });
});

describe('conversation memory', () => {
  it('offers sizes from Off up, the saved one selected, with what is in use', () => {
    const html = render(
      <ConversationMemorySection
        settings={savedSettings({
          conversationMemoryMb: 256,
          conversationMemoryUsedBytes: 3_500_000,
        })}
      />,
    );
    expect(html).toMatch(
      /<label for="([^"]+)">Conversation memory on disk<\/label><select id="\1"/,
    );
    const options = [...html.matchAll(/<option value="(\d+)"( selected="")?>([^<]+)</g)];
    expect(options.map((m) => m[3])).toEqual([
      'Off',
      '128 MB',
      '256 MB',
      '512 MB',
      '1 GB',
      '2 GB',
      '4 GB',
    ]);
    expect(options.filter((m) => m[2]).map((m) => m[1])).toEqual(['256']);
    expect(html).toContain('In use: 3.5 MB');
  });

  it('keeps a size set in config.json among the choices, and locks when the environment decides', () => {
    const html = render(
      <ConversationMemorySection
        settings={savedSettings({
          conversationMemoryMb: 300,
          environmentOverrides: ['HEARTH_CONVERSATION_MEMORY_MB'],
        })}
      />,
    );
    expect(html).toMatch(/<option value="300" selected="">300 MB</);
    expect(html).toMatch(/<select[^>]* disabled=""/);
    expect(html).toContain('HEARTH_CONVERSATION_MEMORY_MB is set in the environment');
  });
});

describe('voice', () => {
  /** The options of the select named `name`: their values, labels and which is selected. */
  const options = (html: string, name: string) => {
    const select = new RegExp(`<select[^>]*name="${name}"[^>]*>(.*?)</select>`).exec(html)?.[1];
    return [...(select ?? '').matchAll(/<option value="([\d.]+)"( selected="")?>([^<]+)</g)].map(
      (m) => ({ value: m[1], label: m[3], selected: m[2] !== undefined }),
    );
  };

  it('says what Hearth hears and speaks with, offers the rates and quiet times, and a Test button', () => {
    const html = render(
      <VoiceSection settings={savedSettings({ voiceRate: 1.2, handsFreeQuietSec: 15 })} />,
    );
    expect(html).toContain('data-section="voice"');
    expect(html).toContain('Hearth can hear speech.');
    expect(html).toContain('Hearth can speak answers.');
    expect(html).toContain('pocketsphinx, which is less accurate');
    expect(html).toMatch(/<label for="([^"]+)">Speaking rate<\/label><select id="\1"/);
    expect(options(html, 'voiceRate')).toEqual([
      { value: '0.8', label: 'Slower', selected: false },
      { value: '1', label: 'Normal', selected: false },
      { value: '1.2', label: 'Faster', selected: true },
      { value: '1.5', label: 'Fastest', selected: false },
    ]);
    expect(html).toMatch(/<label for="([^"]+)">Hands-free stops after<\/label><select id="\1"/);
    expect(options(html, 'handsFreeQuietSec').map((o) => [o.label, o.selected])).toEqual([
      ['5 s of silence', false],
      ['8 s of silence', false],
      ['15 s of silence', true],
      ['30 s of silence', false],
    ]);
    expect(buttonTag(html, 'Test voice')).not.toContain('disabled');
    // The recognizer's Test sits next to it; the models part waits for main's list.
    expect(buttonTag(html, 'Test recognizer')).not.toContain('disabled');
    expect(html).toMatch(/<label for="([^"]+)">Speech recognition<\/label><select id="\1"/);
    expect(html).toContain('Loading the list of voice models…');
  });

  it('keeps values set in config.json among the choices, and locks what the environment decides', () => {
    const html = render(
      <VoiceSection
        settings={savedSettings({
          voiceRate: 1.7,
          handsFreeQuietSec: 45,
          environmentOverrides: ['HEARTH_VOICE_RATE'],
        })}
      />,
    );
    expect(options(html, 'voiceRate').at(-1)).toEqual({
      value: '1.7',
      label: '1.7×',
      selected: true,
    });
    expect(options(html, 'handsFreeQuietSec').at(-1)).toMatchObject({
      value: '45',
      selected: true,
    });
    expect(html).toMatch(/<select[^>]*name="voiceRate"[^>]*disabled=""/);
    expect(html).not.toMatch(/<select[^>]*name="handsFreeQuietSec"[^>]*disabled=""/);
    expect(html).toContain('HEARTH_VOICE_RATE is set in the environment');
  });

  it('says why Hearth cannot speak, with the install command, and offers no test', () => {
    const html = render(
      <VoiceSection
        settings={savedSettings({
          voice: {
            canHear: false,
            canSpeak: false,
            note: 'flite is not installed (install: sudo apt install flite)',
          },
        })}
      />,
    );
    expect(html).toContain('Hearth cannot hear speech.');
    expect(html).toContain('Hearth cannot speak answers.');
    expect(html).toContain('sudo apt install flite');
    expect(buttonTag(html, 'Test voice')).toContain('disabled=""');
  });
});

describe('theme, kiosk PIN and about', () => {
  it('offers System, Light and Dark as one radio group, the saved one checked', () => {
    const html = render(<AppearanceSection settings={savedSettings({ theme: 'dark' })} />);
    expect(html).toMatch(/role="radiogroup" aria-labelledby="[^"]+"/);
    const radios = [...html.matchAll(/<input type="radio" name="theme"([^>]*)\/>(\w+)/g)];
    expect(
      radios.map(([, attributes = '', label]) => [
        /value="(\w+)"/.exec(attributes)?.[1],
        label,
        attributes.includes('checked'),
      ]),
    ).toEqual([
      ['system', 'System', false],
      ['light', 'Light', false],
      ['dark', 'Dark', true],
    ]);
  });

  it('says whether a PIN is set and how the PIN leaves kiosk mode', () => {
    const none = render(<KioskPinSection settings={savedSettings()} onScreenKeyboard={false} />);
    expect(none).toContain('No PIN is set');
    expect(none).toContain('A long press on the Hearth logo, then this PIN, leaves kiosk mode.');
    expect(buttonTag(none, 'Set a PIN')).not.toContain('disabled');
    expect(none).not.toContain('Remove PIN');
    const set = render(
      <KioskPinSection settings={savedSettings({ kioskPinSet: true })} onScreenKeyboard={false} />,
    );
    expect(set).toContain('A PIN is set.');
    expect(set).toContain('>Change PIN</button>');
    expect(set).toContain('>Remove PIN</button>');
  });

  it('asks for the current PIN first, on its own keypad, before a PIN that is set changes', () => {
    const form = (purpose: 'set' | 'remove', pinSet: boolean) =>
      render(
        <KioskPinForm
          purpose={purpose}
          pinSet={pinSet}
          onScreenKeyboard
          saving={false}
          onSave={async () => false}
          onEdit={() => {}}
          onCancel={() => {}}
        />,
      );
    const labels = (html: string) =>
      [...html.matchAll(/<label for="[^"]+">([^<]+)</g)].map((m) => m[1]);
    const keypad = (html: string) => /role="group" aria-label="([^"]+)"/.exec(html)?.[1];

    const change = form('set', true);
    expect(labels(change)).toEqual(['Current PIN', 'New PIN', 'New PIN again']);
    expect(change).toMatch(
      /<input id="[^"]+" class="pin-input" type="password" inputMode="none" autoComplete="current-password"/,
    );
    expect(keypad(change)).toBe('Keypad for the current PIN');
    expect(change).toContain('The current PIN, then the new one: 4 to 8 digits, typed twice.');
    expect(buttonTag(change, 'Save PIN')).toContain('disabled');

    const remove = form('remove', true);
    expect(labels(remove)).toEqual(['Current PIN']);
    expect(keypad(remove)).toBe('Keypad for the current PIN');
    expect(remove).toContain('Remove the PIN? Kiosk mode can then not be left from the screen.');
    expect(buttonTag(remove, 'Remove PIN')).toContain('disabled');

    // The first PIN needs none.
    const first = form('set', false);
    expect(labels(first)).toEqual(['New PIN', 'New PIN again']);
    expect(keypad(first)).toBe('Keypad for the new PIN');
  });

  it('lists the version, the model and where the data, settings, models and logs are', () => {
    const html = render(<AboutSection settings={savedSettings()} />);
    const rows = [...html.matchAll(/<dt>([^<]+)<\/dt><dd>([^<]+)<\/dd>/g)].map((m) => [m[1], m[2]]);
    expect(rows).toEqual([
      ['Version', '0.1.0'],
      ['Model', 'stories260K'],
      ['Model file', '/home/pi/.local/share/hearth/models/stories260K.gguf'],
      ['Data folder', '/home/pi/.local/share/hearth'],
      ['Settings file', '/home/pi/.local/share/hearth/config.json'],
      ['Models folder', '/home/pi/.local/share/hearth/models'],
      ['Logs', 'journalctl --user -u hearth'],
    ]);
  });
});

describe('owner browsers', () => {
  it('tells the kiosk it stays signed in, and a browser that it is signed out too', () => {
    const kiosk = render(<OwnerBrowsersSection thisBrowser={false} />);
    expect(kiosk).toContain('This screen stays signed in.');
    expect(buttonTag(kiosk, 'Sign out owner browsers')).not.toContain('disabled');
    const browser = render(<OwnerBrowsersSection thisBrowser />);
    expect(browser).toContain('This browser is signed out too.');
    expect(browser).not.toContain('This screen stays signed in.');
  });
});
