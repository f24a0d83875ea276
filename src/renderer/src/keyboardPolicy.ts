// When to show Hearth's own on-screen keyboard.
//
// The rule, kept simple on purpose:
//   1. `?keyboard=on` / `?keyboard=off` in the address forces it (testing, odd devices).
//   2. In the Electron kiosk (window.hearth exists): always. A fullscreen kiosk window
//      covers the OS keyboard, and a kiosk has no physical one.
//   3. In a browser: only on a touch-only device (no fine pointer at all) that is not a
//      phone or tablet OS. Phones and tablets bring their own keyboard; a desktop with a
//      mouse almost always has a physical keyboard. What remains is a touchscreen Linux
//      box running a browser kiosk, which needs ours.

export interface KeyboardEnvironment {
  isKiosk: boolean;
  /** `matchMedia('(any-pointer: fine)').matches` */
  hasFinePointer: boolean;
  /** `matchMedia('(any-pointer: coarse)').matches` */
  hasCoarsePointer: boolean;
  userAgent: string;
  /** navigator.userAgentData?.mobile where the browser has it. */
  uaMobile?: boolean;
  /** The `keyboard` query parameter, if any. */
  override?: string | null;
}

const mobileOs = /Android|iPhone|iPad|iPod|Mobile|Silk|KFAPWI/i;

export function wantsOnScreenKeyboard(env: KeyboardEnvironment): boolean {
  if (env.override === 'on') return true;
  if (env.override === 'off') return false;
  if (env.isKiosk) return true;
  const phoneOrTablet = env.uaMobile === true || mobileOs.test(env.userAgent);
  return env.hasCoarsePointer && !env.hasFinePointer && !phoneOrTablet;
}

export function browserKeyboardEnvironment(): KeyboardEnvironment {
  const media = (query: string) =>
    typeof window.matchMedia === 'function' && window.matchMedia(query).matches;
  const nav = navigator as Navigator & { userAgentData?: { mobile?: boolean } };
  const env: KeyboardEnvironment = {
    isKiosk: window.hearth !== undefined,
    hasFinePointer: media('(any-pointer: fine)'),
    hasCoarsePointer: media('(any-pointer: coarse)'),
    userAgent: nav.userAgent,
    override: new URLSearchParams(window.location.search).get('keyboard'),
  };
  if (nav.userAgentData?.mobile !== undefined) env.uaMobile = nav.userAgentData.mobile;
  return env;
}
