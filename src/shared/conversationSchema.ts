// Conversations and their messages as clients see them. Part of the API defined in api.ts.
import { z } from 'zod/mini';
import { uuid as id } from './commandParts';
import { conversationStarter } from './conversationStarter';

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
