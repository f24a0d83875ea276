// The one definition of Hearth's API: commands a client may call and events the
// main process pushes. Both transports (Electron IPC and WebSocket) validate
// against these schemas at their boundary; the renderer's store uses the types.
import { z } from 'zod';

/** Conversation and message ids, as crypto.randomUUID() writes them (lowercase). */
export const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const id = z.string().regex(UUID_PATTERN, 'expected a UUID');

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
  tokens: z.number().int().nonnegative(),
  tokensPerSecond: z.number().nonnegative(),
  timeToFirstTokenMs: z.number().nonnegative(),
});
export type AnswerStats = z.infer<typeof answerStats>;

export const message = z.object({
  id,
  role: z.enum(['user', 'assistant']),
  text: z.string(),
  status: messageStatus,
  createdAt: z.number(),
  stats: answerStats.optional(),
  error: z.string().optional(),
  /** Set when the thermal governor slowed or held this answer. */
  slowedByCooling: z.boolean().optional(),
});
export type Message = z.infer<typeof message>;

export const conversation = z.object({
  id,
  title: z.string(),
  createdAt: z.number(),
  updatedAt: z.number(),
  messages: z.array(message),
});
export type Conversation = z.infer<typeof conversation>;

export const conversationSummary = z.object({
  id,
  title: z.string(),
  updatedAt: z.number(),
  messageCount: z.number().int().nonnegative(),
});
export type ConversationSummary = z.infer<typeof conversationSummary>;

export const modelStatus = z.object({
  state: z.enum(['none', 'loading', 'ready', 'error']),
  /** 0..1 while loading. */
  progress: z.number().min(0).max(1).optional(),
  name: z.string().optional(),
  error: z.string().optional(),
  threads: z.number().int().positive().optional(),
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
  reason: z.string().optional(),
  protection: z.boolean(),
  /** When protection started (ms since epoch), while it is on. */
  protectionSince: z.number().optional(),
  triggerC: z.number(),
  resumeC: z.number(),
  cpuMHz: z.number().optional(),
  fan: z.string().optional(),
  firmwareThrottled: z.boolean().optional(),
  source: z.enum(['sysfs', 'simulated', 'none']),
  /** Recent readings for the trend line, oldest first. */
  recent: z.array(thermalReading),
});
export type ThermalStatus = z.infer<typeof thermalStatus>;

export const coolingCheckReport = z.object({
  state: z.enum(['idle', 'running', 'done', 'stopped', 'protection', 'error']),
  startedAt: z.number().optional(),
  durationSec: z.number().optional(),
  samples: z.array(thermalReading),
  peakC: z.number().optional(),
  secondsToSteadyState: z.number().nullable().optional(),
  firmwareThrottled: z.boolean().optional(),
  verdict: z.string().optional(),
  error: z.string().optional(),
});
export type CoolingCheckReport = z.infer<typeof coolingCheckReport>;

export const appSnapshot = z.object({
  model: modelStatus,
  thermal: thermalStatus,
  conversations: z.array(conversationSummary),
  coolingCheck: coolingCheckReport,
});
export type AppSnapshot = z.infer<typeof appSnapshot>;

const empty = z.object({}).strict();
const ok = z.object({ ok: z.literal(true) });

/** Every command: its argument schema and its result schema. */
export const commands = {
  getSnapshot: { args: empty, result: appSnapshot },
  listConversations: { args: empty, result: z.array(conversationSummary) },
  openConversation: { args: z.object({ id }).strict(), result: conversation },
  newConversation: { args: empty, result: conversation },
  deleteConversation: { args: z.object({ id }).strict(), result: ok },
  sendPrompt: {
    args: z.object({ conversationId: id, text: z.string().trim().min(1).max(8000) }).strict(),
    result: z.object({ userMessage: message, assistantMessage: message }),
  },
  stop: {
    args: z.object({ conversationId: id }).strict(),
    result: z.object({ stopped: z.boolean() }),
  },
  startCoolingCheck: {
    args: z.object({ durationSec: z.number().int().min(5).max(3600) }).strict(),
    result: coolingCheckReport,
  },
  stopCoolingCheck: { args: empty, result: coolingCheckReport },
} as const;

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
    cpuMHz: z.number().optional(),
    fan: z.string().optional(),
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
    position: z.number().int().nonnegative(),
    reason: z.string().optional(),
  }),
  z.object({ type: z.literal('coolingCheck'), report: coolingCheckReport }),
]);
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
    'internal',
  ]),
  message: z.string(),
});
export type ApiError = z.infer<typeof apiError>;
