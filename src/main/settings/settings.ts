// The owner's Settings: read them, change them, and have each change take
// effect without a restart where it can. A change is checked, saved to
// config.json (atomically, checked as start-up would check it) and then
// applied: the system prompt to each conversation's next prompt, thresholds to
// the thermal monitor (and through it the governor), the theme to every screen.
// Once a kiosk exit PIN is set, changing or removing it needs that PIN, checked
// by the same gate (and lockout) as the kiosk exit itself.
import { version } from '../../../package.json';
import type { HearthEvent, Settings, SettingsChange, Theme } from '../../shared/api';
import { THERMAL_MIN_GAP_C } from '../../shared/api';
import type { Emitter } from '../../shared/emitter';
import { isDiskFull } from '../base/fileSystem';
import type { Logger } from '../base/log';
import {
  ConfigError,
  settingVariable,
  type HearthConfig,
  type SettingName,
} from '../config/config';
import { saveConfigChanges, type ConfigChanges } from '../config/configWriter';
import { hashKioskPin } from '../kioskExit/kioskPin';
import type { KioskPinCheck, KioskPinGate } from '../kioskExit/kioskPinGate';
import { ApiFailure } from '../contracts/failure';
import type { ThermalThresholdsPort } from '../contracts/thermal';
import type { VoicePort, VoiceSettingsPort } from '../contracts/voice';
import type { InferenceEngine } from '../inference/engine';
import { withoutPaths } from '../rpc/publicMessage';

export interface SettingsDeps {
  /** The configuration Hearth started with. */
  config: HearthConfig;
  /** The environment it started with: saves are checked against it, and it overrides them. */
  env: NodeJS.ProcessEnv;
  logger: Logger;
  events: Emitter<HearthEvent>;
  engine: Pick<
    InferenceEngine,
    'setSystemPrompt' | 'status' | 'modelPath' | 'setConversationMemory' | 'conversationMemoryUsed'
  >;
  /** Absent where the thresholds cannot change live: they then apply at the next start. */
  thresholds?: ThermalThresholdsPort;
  modelsDir: string;
  /** Where the logs go, in words for the About section. */
  logs?: string;
  /** The process's one PIN gate, shared with the kiosk exit: wrong PINs count together. */
  pinGate: Pick<KioskPinGate, 'enabled' | 'check'>;
  /** The voice: what it can do (shown), and its rate, quiet time and engines (changed live). */
  voice?: VoiceSettingsPort & Pick<VoicePort, 'availability'>;
}

/** The settings the screen shows and changes, as config.json names them. */
const SHOWN: readonly SettingName[] = [
  'model',
  'systemPrompt',
  'thermalTrigger',
  'thermalResume',
  'theme',
  'kioskPinHash',
  'tls',
  'conversationMemoryMb',
  'voiceRate',
  'handsFreeQuietSec',
  'voiceRecognizer',
  'voiceVoice',
];

const MB = 1_000_000;

const DEFAULT_LOGS =
  'Standard output, one JSON object per line (under systemd: journalctl --user).';

export class SettingsService {
  readonly #deps: SettingsDeps;
  #config: HearthConfig;
  #updates: Promise<unknown> = Promise.resolve();

  constructor(deps: SettingsDeps) {
    this.#deps = deps;
    this.#config = deps.config;
  }

  get(): Settings {
    const { engine, env, config, modelsDir } = this.#deps;
    const current = this.#config;
    const name = engine.status().name;
    const modelPath = engine.modelPath;
    return {
      systemPrompt: current.systemPrompt,
      thermalTriggerC: current.thermalTrigger,
      thermalResumeC: current.thermalResume,
      theme: current.theme,
      kioskPinSet: current.kioskPinHash !== undefined,
      tls: current.tls,
      conversationMemoryMb: current.conversationMemoryMb,
      conversationMemoryUsedBytes: engine.conversationMemoryUsed(),
      voiceRate: current.voiceRate,
      handsFreeQuietSec: current.handsFreeQuietSec,
      voiceRecognizer: current.voiceRecognizer,
      voiceVoice: current.voiceVoice,
      ...(this.#deps.voice ? { voice: this.#deps.voice.availability() } : {}),
      environmentOverrides: SHOWN.map(settingVariable).filter((v) => (env[v] ?? '') !== ''),
      about: {
        version,
        ...(name === undefined ? {} : { model: name }),
        ...(modelPath === undefined ? {} : { modelPath }),
        dataDir: config.dataDir,
        configFile: config.configFile,
        modelsDir,
        logs: this.#deps.logs ?? DEFAULT_LOGS,
      },
    };
  }

  theme(): Theme {
    return this.#config.theme;
  }

  /** The hash of the kiosk exit PIN in force now; undefined when none is set. */
  kioskPinHash(): string | undefined {
    return this.#config.kioskPinHash;
  }

  /** Checks, saves and applies a change; one at a time, in the order they came. */
  update(change: SettingsChange): Promise<{ settings: Settings; restartNeeded: string[] }> {
    const next = this.#updates.catch(() => {}).then(() => this.#update(change));
    this.#updates = next;
    return next;
  }

  /** Saves the model file to load at the next start; an open Settings screen shows the new model. */
  async rememberModel(path: string): Promise<void> {
    await this.#save({ model: path });
    this.#deps.events.fire({ type: 'settings', settings: this.get() });
  }

  async #update(change: SettingsChange): Promise<{ settings: Settings; restartNeeded: string[] }> {
    const before = this.#config;
    const trigger = change.thermalTriggerC ?? before.thermalTrigger;
    const resume = change.thermalResumeC ?? before.thermalResume;
    if (resume > trigger - THERMAL_MIN_GAP_C) {
      throw new ApiFailure(
        'bad_request',
        `The resume temperature (${resume} °C) must be at least ${THERMAL_MIN_GAP_C} °C below the trigger (${trigger} °C).`,
      );
    }
    const changes: ConfigChanges = {
      systemPrompt: change.systemPrompt,
      thermalTrigger: change.thermalTriggerC,
      thermalResume: change.thermalResumeC,
      theme: change.theme,
      tls: change.tls,
      conversationMemoryMb: change.conversationMemoryMb,
      voiceRate: change.voiceRate,
      handsFreeQuietSec: change.handsFreeQuietSec,
      voiceRecognizer: change.voiceRecognizer,
      voiceVoice: change.voiceVoice,
      // Null (remove) for now: the new hash is made only once the change is allowed.
      kioskPinHash: change.kioskPin === undefined ? undefined : null,
    };
    // Before the PIN check, so a change the environment would undo costs no attempt.
    this.#refuseOverridden(changes);
    if (change.kioskPin !== undefined) {
      await this.#requireCurrentPin(change.currentPin);
      if (change.kioskPin !== null) changes.kioskPinHash = await hashKioskPin(change.kioskPin);
    }
    const saved = await this.#save(changes);
    const restartNeeded = this.#apply(before, saved);
    // Switching engines stops the old worker and checks the new model: done before
    // answering, so the settings returned say what is in use (or why not).
    if (saved.voiceRecognizer !== before.voiceRecognizer) {
      await this.#deps.voice?.setRecognizer(saved.voiceRecognizer);
    }
    if (saved.voiceVoice !== before.voiceVoice) await this.#deps.voice?.setVoice(saved.voiceVoice);
    const settings = this.get();
    this.#deps.events.fire({ type: 'settings', settings });
    return { settings, restartNeeded };
  }

  /**
   * Whoever stands at the kiosk can open Settings: without this, they could set
   * a PIN of their own and leave kiosk mode with it. The first PIN needs none.
   */
  async #requireCurrentPin(currentPin: string | undefined): Promise<void> {
    const { pinGate, logger } = this.#deps;
    if (!pinGate.enabled) return;
    if (currentPin === undefined) {
      throw new ApiFailure('forbidden', 'Type the current PIN to change or remove it.');
    }
    const outcome = await pinGate.check(currentPin);
    // The outcome only, never a PIN: a run of wrong ones is worth seeing in the log.
    logger.info('kiosk_pin_check', { result: outcome.result });
    const refusal = pinRefusal(outcome);
    if (refusal !== undefined) throw new ApiFailure('forbidden', refusal);
  }

  /**
   * A setting its environment variable decides would change back at the next
   * start; the owner is told where to change it instead.
   */
  #refuseOverridden(changes: ConfigChanges): void {
    for (const [name, value] of Object.entries(changes)) {
      const variable = settingVariable(name as SettingName);
      if (value !== undefined && (this.#deps.env[variable] ?? '') !== '') {
        throw new ApiFailure(
          'bad_request',
          `${variable} is set in Hearth's environment, which decides this setting; change it there.`,
        );
      }
    }
  }

  async #save(changes: ConfigChanges): Promise<HearthConfig> {
    try {
      const saved = await saveConfigChanges(this.#deps.config, changes, this.#deps.env);
      this.#config = { ...this.#config, ...definedOnly(changes, saved) };
      return this.#config;
    } catch (error) {
      if (error instanceof ConfigError) {
        throw new ApiFailure('bad_request', withoutPaths(error.message));
      }
      // Something the owner can fix, so said in words rather than as an internal error.
      if (isDiskFull(error)) {
        throw new ApiFailure(
          'storage_full',
          'Hearth could not save the settings: the disk is full',
        );
      }
      throw error;
    }
  }

  /** Applies what changed; returns the names of changes that wait for a restart. */
  #apply(before: HearthConfig, after: HearthConfig): string[] {
    const { engine, thresholds, events, logger } = this.#deps;
    const restartNeeded: string[] = [];
    if (after.systemPrompt !== before.systemPrompt) engine.setSystemPrompt(after.systemPrompt);
    if (
      after.thermalTrigger !== before.thermalTrigger ||
      after.thermalResume !== before.thermalResume
    ) {
      if (thresholds) thresholds.setThresholds(after.thermalTrigger, after.thermalResume);
      else restartNeeded.push('thermalTriggerC', 'thermalResumeC');
    }
    if (after.conversationMemoryMb !== before.conversationMemoryMb) {
      void engine.setConversationMemory(after.conversationMemoryMb * MB).catch((error: unknown) => {
        logger.warn('conversation_memory_change_failed', { error: String(error) });
      });
    }
    // Both read at their next use: the next sentence spoken, the next silence waited out.
    if (after.voiceRate !== before.voiceRate) this.#deps.voice?.setRate(after.voiceRate);
    if (after.handsFreeQuietSec !== before.handsFreeQuietSec) {
      this.#deps.voice?.setHandsFreeQuietMs(after.handsFreeQuietSec * 1000);
    }
    if (after.theme !== before.theme) events.fire({ type: 'appearance', theme: after.theme });
    // The server's certificate and listener are made at start-up.
    if (after.tls !== before.tls) restartNeeded.push('tls');
    logger.info('settings_changed', {
      changed: SHOWN.filter((name) => after[name] !== before[name]),
      restartNeeded,
    });
    return restartNeeded;
  }
}

/** Why a typed current PIN does not allow the change; undefined when it does. */
function pinRefusal(outcome: KioskPinCheck): string | undefined {
  switch (outcome.result) {
    case 'right':
    case 'disabled': // Removed meanwhile: there is no PIN left to protect.
      return undefined;
    case 'wrong': {
      const left = outcome.attemptsLeft;
      return left === 0
        ? 'That is not the current PIN, and no tries are left: wait before the next one.'
        : `That is not the current PIN: ${left} ${left === 1 ? 'try' : 'tries'} left.`;
    }
    case 'locked':
      return `Too many wrong PINs: try again in ${waitInWords(outcome.retryAfterMs)}.`;
  }
}

/** A lock's remaining time as the owner reads it: seconds, then whole minutes. */
function waitInWords(ms: number): string {
  const seconds = Math.max(1, Math.ceil(ms / 1000));
  if (seconds < 120) return `${seconds} s`;
  return `${Math.ceil(seconds / 60)} min`;
}

/** The saved values of the settings this change touched (a removed one at its default). */
function definedOnly(changes: ConfigChanges, saved: HearthConfig): Partial<HearthConfig> {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(changes)) {
    if (value !== undefined) out[name] = saved[name as SettingName];
  }
  return out as Partial<HearthConfig>;
}
