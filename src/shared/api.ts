// The one definition of Hearth's API: commands a client may call and events the
// main process pushes. Both transports (Electron IPC and WebSocket) validate
// against these schemas at their boundary; the renderer's store uses the types.
import { z } from 'zod/mini';
import { en } from 'zod/locales';

// zod/mini carries no messages of its own: English, on both sides, so errors read the same.
z.config(en());

import { conversationStarter } from './conversationStarter';
import { modelDownload, modelFile, modelList } from './modelSetupSchema';
import { settings, settingsChange, theme, VOICE_RATE_RANGE } from './settingsSchema';
import { voiceAvailability } from './voiceSchema';
import {
  recognizerTest,
  voiceChoice,
  voiceModelDownload,
  voiceModelList,
} from './voiceModelsSchema';

export * from './conversationStarter';
export * from './modelSetupSchema';
export * from './settingsSchema';
export * from './voiceSchema';

/** Conversation and message ids, as crypto.randomUUID() writes them (lowercase). */
export const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const id = z.string().check(z.regex(UUID_PATTERN, 'expected a UUID'));

export const messageStatus = z.enum([
  'queued', // waiting in the fair queue (or held while the board cools)
  'streaming',
  'complete',
  'stopped', // the user pressed Stop: the partial answer is kept
  'interrupted', // the process died while streaming: the partial answer is kept
  'error',
]);
export type MessageStatus = z.infer<typeof messageStatus>;

export const answerStats = z.object({
  tokens: z.int().check(z.nonnegative()),
  tokensPerSecond: z.number().check(z.nonnegative()),
  timeToFirstTokenMs: z.number().check(z.nonnegative()),
});
export type AnswerStats = z.infer<typeof answerStats>;

export const message = z.object({
  id,
  role: z.enum(['user', 'assistant']),
  text: z.string(),
  status: messageStatus,
  createdAt: z.number(),
  stats: z.optional(answerStats),
  error: z.optional(z.string()),
  /** Set when the thermal governor slowed or held this answer. */
  slowedByCooling: z.optional(z.boolean()),
});
export type Message = z.infer<typeof message>;

export const conversation = z.object({
  id,
  title: z.string(),
  createdAt: z.number(),
  updatedAt: z.number(),
  messages: z.array(message),
  /** Who started it (decides who may delete it); files from before it was recorded: the owner. */
  startedBy: z.optional(conversationStarter),
});
export type Conversation = z.infer<typeof conversation>;

export const conversationSummary = z.object({
  id,
  title: z.string(),
  updatedAt: z.number(),
  messageCount: z.int().check(z.nonnegative()),
  /** Who started it; compare with the snapshot's `viewer` (mayDeleteConversation). */
  startedBy: z.optional(conversationStarter),
});
export type ConversationSummary = z.infer<typeof conversationSummary>;

export const modelStatus = z.object({
  state: z.enum(['none', 'loading', 'ready', 'error']),
  /** 0..1 while loading. */
  progress: z.optional(z.number().check(z.gte(0), z.lte(1))),
  name: z.optional(z.string()),
  error: z.optional(z.string()),
  threads: z.optional(z.int().check(z.positive())),
});
export type ModelStatus = z.infer<typeof modelStatus>;

export const thermalReading = z.object({
  time: z.number(),
  temperatureC: z.number(),
});
export type ThermalReading = z.infer<typeof thermalReading>;

export const thermalStatus = z.object({
  /** False when there is no usable sensor; temperatureC is then -1. */
  available: z.boolean(),
  temperatureC: z.number(),
  reason: z.optional(z.string()),
  protection: z.boolean(),
  /** When protection started (ms since epoch), while it is on. */
  protectionSince: z.optional(z.number()),
  triggerC: z.number(),
  resumeC: z.number(),
  cpuMHz: z.optional(z.number()),
  fan: z.optional(z.string()),
  firmwareThrottled: z.optional(z.boolean()),
  source: z.enum(['sysfs', 'simulated', 'none']),
  /** Recent readings for the trend line, oldest first. */
  recent: z.array(thermalReading),
});
export type ThermalStatus = z.infer<typeof thermalStatus>;

export const coolingCheckReport = z.object({
  state: z.enum(['idle', 'running', 'done', 'stopped', 'protection', 'error']),
  startedAt: z.optional(z.number()),
  durationSec: z.optional(z.number()),
  samples: z.array(thermalReading),
  peakC: z.optional(z.number()),
  secondsToSteadyState: z.optional(z.nullable(z.number())),
  firmwareThrottled: z.optional(z.boolean()),
  verdict: z.optional(z.string()),
  error: z.optional(z.string()),
});
export type CoolingCheckReport = z.infer<typeof coolingCheckReport>;

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

const empty = z.strictObject({});
const ok = z.object({ ok: z.literal(true) });

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
  /**
   * Speaks an answer to this client as it is written (its "Speak answers"
   * switch, for a typed prompt); a spoken prompt's answer is spoken anyway. Any
   * earlier answer being spoken to this client stops.
   */
  speakAnswer: {
    args: z.strictObject({ conversationId: id, messageId: id }),
    result: ok,
  },
  /** Stops the speech of an answer to this client (Stop speaking, barge-in). */
  stopSpeech: { args: z.strictObject({ messageId: id }), result: ok },
  /**
   * Settings > Voice's Test: speaks a short sample sentence to this screen at
   * this rate (default: the saved one), as speech frames of a new answer id.
   */
  testVoice: {
    args: z.strictObject({
      rate: z.optional(z.number().check(z.gte(VOICE_RATE_RANGE.min), z.lte(VOICE_RATE_RANGE.max))),
    }),
    result: ok,
    owner: true,
  },
  /** Settings > Voice: the recognizers and voices to download, what is chosen and in use. */
  listVoiceModels: { args: empty, result: voiceModelList, owner: true },
  /**
   * Downloads voice models from the catalog, in order, as one job (the setup
   * screen's voice step asks for a recognizer and a voice at once); each is
   * checked against its pinned sha256 and unpacked before it counts as installed.
   */
  downloadVoiceModels: {
    args: z.strictObject({ ids: z.array(voiceChoice).check(z.minLength(1), z.maxLength(4)) }),
    result: voiceModelDownload,
    owner: true,
  },
  cancelVoiceModelDownload: {
    args: empty,
    result: z.object({ cancelled: z.boolean() }),
    owner: true,
  },
  /** Deletes an installed voice model; voice falls back to the next choice if it was in use. */
  removeVoiceModel: { args: z.strictObject({ id: voiceChoice }), result: ok, owner: true },
  /**
   * Settings > Voice's recognizer Test: Hearth speaks a sample sentence with its
   * voice and the recognizer in use transcribes it; no microphone needed.
   */
  testRecognizer: { args: empty, result: recognizerTest, owner: true },
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
  /** The catalog (with this machine's fit), installed models, the current one, a download under way. */
  listModels: { args: empty, result: modelList, owner: true },
  /** Starts downloading a catalog model, or a .gguf from an https address with its sha256. */
  downloadModel: {
    args: z.union([
      z.strictObject({ catalogId: z.string().check(z.minLength(1), z.maxLength(100)) }),
      z.strictObject({
        url: z.string().check(z.minLength(1), z.maxLength(2000)),
        sha256: z.optional(
          z.string().check(z.regex(/^[0-9a-fA-F]{64}$/, 'expected 64 hex digits')),
        ),
      }),
    ]),
    result: modelDownload,
    owner: true,
  },
  cancelDownload: { args: empty, result: z.object({ cancelled: z.boolean() }), owner: true },
  /** .gguf files in the models folder and on USB sticks. */
  listModelFiles: { args: empty, result: z.array(modelFile), owner: true },
  /** Switches to a listed .gguf file (a file on a USB stick is copied in first). */
  useModelFile: {
    args: z.strictObject({ path: z.string().check(z.minLength(1), z.maxLength(4096)) }),
    result: modelDownload,
    owner: true,
  },
  /**
   * Deletes an installed model, or an unfinished download, from the models folder
   * to free space; refused for the model in use and one being downloaded or copied.
   */
  removeModel: {
    args: z.strictObject({
      /** As the models folder names it: no path, not hidden. */
      fileName: z
        .string()
        .check(
          z.maxLength(255),
          z.regex(/^[^./\\\0][^/\\\0]*\.gguf$/i, 'expected a model file name ending in .gguf'),
        ),
    }),
    result: ok,
    owner: true,
  },
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
