// The one definition of Hearth's API: commands a client may call and events the
// main process pushes. Both transports (Electron IPC and WebSocket) validate
// against these schemas at their boundary; the renderer's store uses the types.
import { z } from 'zod/mini';
import { en } from 'zod/locales';

// zod/mini carries no messages of its own: English, on both sides, so errors read the same.
z.config(en());

import { empty, ok, UUID_PATTERN, uuid as id } from './commandParts';
import { conversationStarter } from './conversationStarter';
import { conversation, conversationSummary, message } from './conversationSchema';
import { coolingCheckReport, thermalReading, thermalStatus } from './thermalSchema';
import { modelCommands } from './modelCommands';
import { voiceCommands } from './voiceCommands';
import { modelDownload } from './modelSetupSchema';
import { settings, settingsChange, theme } from './settingsSchema';
import { voiceAvailability } from './voiceSchema';
import { voiceModelDownload } from './voiceModelsSchema';

export * from './conversationStarter';
export * from './modelSetupSchema';
export * from './settingsSchema';
export * from './voiceSchema';

export { UUID_PATTERN } from './commandParts';
export * from './conversationSchema';
export * from './thermalSchema';

export const modelStatus = z.object({
  state: z.enum(['none', 'loading', 'ready', 'error']),
  /** 0..1 while loading. */
  progress: z.optional(z.number().check(z.gte(0), z.lte(1))),
  name: z.optional(z.string()),
  error: z.optional(z.string()),
  threads: z.optional(z.int().check(z.positive())),
});
export type ModelStatus = z.infer<typeof modelStatus>;

export const pairingInfo = z.object({
  /** What a phone opens: http(s)://<LAN address>:<port>/pair?code=<one-time code>. */
  url: z.string(),
  /** When the code stops working (ms since epoch); it also rotates after each use. */
  expiresAt: z.number(),
  /** False when Hearth listens on loopback only, so phones cannot reach it. */
  reachable: z.boolean(),
  /**
   * Over https: the SHA-256 of Hearth's own certificate, colon-separated hex as
   * browsers show it, for the owner to compare with what a phone shows.
   */
  fingerprint: z.optional(z.string()),
});
export type PairingInfo = z.infer<typeof pairingInfo>;

/** A paired phone as pairing keeps it. */
export const knownDevice = z.object({
  id: z.string(),
  /** From the browser's user agent, e.g. "Chrome on Android". */
  name: z.string(),
  /** ms since epoch. */
  firstSeen: z.number(),
  lastSeen: z.number(),
});
export type KnownDevice = z.infer<typeof knownDevice>;
/** A paired phone as the owner's device list shows it: and whether it is connected now. */
export const pairedDevice = z.extend(knownDevice, { connected: z.boolean() });
export type PairedDevice = z.infer<typeof pairedDevice>;

export const appSnapshot = z.object({
  model: modelStatus,
  thermal: thermalStatus,
  conversations: z.array(conversationSummary),
  coolingCheck: coolingCheckReport,
  /** The colours every screen follows. */
  theme,
  /** This client, as conversations name their starter: "owner" or "device:<its id>". */
  viewer: z.optional(conversationStarter),
  /** Whether Hearth can hear and speak, found at start-up. */
  voice: z.optional(voiceAvailability),
});
export type AppSnapshot = z.infer<typeof appSnapshot>;

/** What an attempt to leave kiosk mode came to. */
export const kioskExitOutcome = z.discriminatedUnion('result', [
  /** The PIN was right: the kiosk closes once this reply is sent. */
  z.object({ result: z.literal('exit') }),
  z.object({ result: z.literal('wrong'), attemptsLeft: z.int().check(z.nonnegative()) }),
  /** Too many wrong PINs: even the right one waits this long. */
  z.object({ result: z.literal('locked'), retryAfterMs: z.number().check(z.nonnegative()) }),
  /** No PIN is set, so there is no way out from the screen. */
  z.object({ result: z.literal('disabled') }),
  /** Hearth is not running as a kiosk (e.g. `npm run serve`): there is nothing to leave. */
  z.object({ result: z.literal('unavailable') }),
]);
export type KioskExitOutcome = z.infer<typeof kioskExitOutcome>;

/**
 * How long a deleted conversation can be brought back (undoDelete). Screens
 * offer Undo for less (8 s), so a tap at the last moment still arrives in time
 * over a slow or reconnecting link, or across a quick restart.
 */
export const UNDO_DELETE_WINDOW_MS = 30_000;

/** Every command: its argument schema and its result schema. */
export const commands = {
  getSnapshot: { args: empty, result: appSnapshot },
  listConversations: { args: empty, result: z.array(conversationSummary) },
  openConversation: { args: z.strictObject({ id }), result: conversation },
  /** Draws on the client's allowance of new conversations a minute. */
  newConversation: { args: empty, result: conversation, budget: 'newConversations' },
  /**
   * Deletes a conversation: the owner any, a phone only one it started. It can
   * be brought back with undoDelete for UNDO_DELETE_WINDOW_MS.
   */
  deleteConversation: { args: z.strictObject({ id }), result: ok },
  /** Brings back a conversation deleted moments ago, exactly as it was. */
  undoDelete: { args: z.strictObject({ id }), result: conversationSummary },
  sendPrompt: {
    args: z.strictObject({
      conversationId: id,
      text: z.string().check(z.trim(), z.minLength(1), z.maxLength(8000)),
    }),
    /** The ids of the prompt and its answer; both messages reach the client as events first. */
    result: z.object({ userMessageId: id, assistantMessageId: id }),
  },
  stop: {
    args: z.strictObject({ conversationId: id }),
    result: z.object({ stopped: z.boolean() }),
  },
  ...voiceCommands,
  startCoolingCheck: {
    args: z.strictObject({ durationSec: z.int().check(z.gte(5), z.lte(3600)) }),
    result: coolingCheckReport,
    owner: true,
  },
  stopCoolingCheck: { args: empty, result: coolingCheckReport, owner: true },
  /** The pairing URL a phone opens (shown as a QR code), with its one-time code. */
  getPairing: { args: empty, result: pairingInfo, owner: true },
  listDevices: { args: empty, result: z.array(pairedDevice), owner: true },
  /** Forgets a paired phone: its token stops working and its connections close at once. */
  forgetDevice: {
    args: z.strictObject({ deviceId: z.string().check(z.regex(UUID_PATTERN, 'expected a UUID')) }),
    result: ok,
    owner: true,
  },
  ...modelCommands,
  getSettings: { args: empty, result: settings, owner: true },
  /** Validates, applies (live where possible) and saves the changes. */
  updateSettings: {
    args: settingsChange,
    result: z.object({
      settings,
      /** Names of the changed settings that take effect only after a restart. */
      restartNeeded: z.array(z.string()),
    }),
    owner: true,
  },
  /** The theme every screen uses; any client may ask. */
  getAppearance: { args: empty, result: z.object({ theme }) },
  /** Leaves kiosk mode with the PIN set in Settings (the screen's hidden long press). */
  exitKiosk: {
    args: z.strictObject({
      pin: z.string().check(z.regex(/^\d{4,8}$/, 'expected 4 to 8 digits')),
    }),
    result: kioskExitOutcome,
    owner: true,
  },
  /**
   * Replaces the owner secret: every browser that opened the owner page is
   * signed out at once (this one too, if it is one); the kiosk screen is not.
   */
  rotateOwnerSecret: { args: empty, result: ok, owner: true },
} as const;

/** Commands only the owner (the kiosk screen, or a browser that opened the owner page) may call. */
export function isOwnerCommand(name: CommandName): boolean {
  return (commands[name] as { owner?: boolean }).owner === true;
}

/**
 * The per-client allowances a command may draw on. Each command declares its own
 * in the table above, so the transports' shared session applies them without
 * knowing command names.
 */
export type CommandBudget = 'newConversations';

export function commandBudget(name: CommandName): CommandBudget | undefined {
  return (commands[name] as { budget?: CommandBudget }).budget;
}

export type Commands = typeof commands;
export type CommandName = keyof Commands;
export type CommandArgs<K extends CommandName> = z.input<Commands[K]['args']>;
export type CommandResult<K extends CommandName> = z.infer<Commands[K]['result']>;
export const commandNames = Object.keys(commands) as CommandName[];

/** Events pushed from main to every client. */
export const hearthEvent = z.discriminatedUnion('type', [
  z.object({ type: z.literal('model'), model: modelStatus }),
  /** The thermal state changed (protection, availability, sensor); carries the whole status. */
  z.object({ type: z.literal('thermal'), thermal: thermalStatus }),
  /** One new sensor reading, every poll; the client appends it to its trend line. */
  z.object({
    type: z.literal('thermalReading'),
    reading: thermalReading,
    cpuMHz: z.optional(z.number()),
    fan: z.optional(z.string()),
  }),
  z.object({ type: z.literal('conversations'), conversations: z.array(conversationSummary) }),
  z.object({ type: z.literal('conversationDeleted'), conversationId: id }),
  /** A message was added or replaced wholesale (new prompt, status change, final text). */
  z.object({ type: z.literal('message'), conversationId: id, message }),
  /** Streamed text appended to an assistant message; several tokens may be batched. */
  z.object({ type: z.literal('tokens'), conversationId: id, messageId: id, text: z.string() }),
  /** Why a queued prompt is waiting (fair queue position, or cooling). */
  z.object({
    type: z.literal('queue'),
    conversationId: id,
    messageId: id,
    position: z.int().check(z.nonnegative()),
    reason: z.optional(z.string()),
  }),
  z.object({ type: z.literal('coolingCheck'), report: coolingCheckReport }),
  /** Owner only: the pairing code rotated (used, or expired). */
  z.object({ type: z.literal('pairing'), pairing: pairingInfo }),
  /** Owner only: a phone was paired, forgotten, connected or disconnected. */
  z.object({ type: z.literal('devices'), devices: z.array(pairedDevice) }),
  /** Owner only: a model download or copy moved on (throttled to a few per second). */
  z.object({ type: z.literal('modelDownload'), download: modelDownload }),
  /** Owner only: a voice model download moved on (throttled to a few per second). */
  z.object({ type: z.literal('voiceModelDownload'), download: voiceModelDownload }),
  /** Owner only: settings changed (from any owner screen). */
  z.object({ type: z.literal('settings'), settings }),
  /** The theme changed: every screen follows. */
  z.object({ type: z.literal('appearance'), theme }),
  /** What the snapshot's `voice` says changed (a hands-free quiet time set in Settings). */
  z.object({ type: z.literal('voiceAvailability'), voice: voiceAvailability }),
  /**
   * To one client only: how its utterance fares. 'transcribing': Hearth has
   * it (the client's end frame came, or Hearth heard the person stop) and the
   * client stops listening; 'idle': done, its transcript went into the open
   * conversation as the person's message, or `note` says what went wrong.
   */
  z.object({
    type: z.literal('voice'),
    utterance: z.int().check(z.nonnegative()),
    /** 'heardSpeech': the person started speaking while Hearth talks (barge-in). */
    state: z.enum(['transcribing', 'idle', 'heardSpeech']),
    note: z.optional(z.string()),
  }),
]);

/** Events that only the owner's clients receive. */
export const OWNER_EVENTS: readonly HearthEventType[] = [
  'pairing',
  'devices',
  'modelDownload',
  'voiceModelDownload',
  'settings',
];
export type HearthEvent = z.infer<typeof hearthEvent>;
export type HearthEventType = HearthEvent['type'];

/** An error a command returns to its caller, with a stable code. */
export const apiError = z.object({
  code: z.enum([
    'bad_request',
    'not_found',
    'model_unavailable',
    'busy',
    'storage_full',
    /** The caller may not do this (an owner action from a phone). */
    'forbidden',
    /** Too many requests: the caller is sending faster than its limit. */
    'rate_limited',
    'internal',
  ]),
  message: z.string(),
});
export type ApiError = z.infer<typeof apiError>;
