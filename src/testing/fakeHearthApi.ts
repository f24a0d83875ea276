// A small stand-in HearthApi for transport tests: real handler functions over an
// in-memory conversation list, no model. Lives next to the tests that use it.
import { randomUUID } from 'node:crypto';
import type { Conversation, CoolingCheckReport, ModelStatus, ThermalStatus } from '../shared/api';
import type { HearthHandlers } from '../main/rpc/dispatch';
import { ApiFailure } from '../main/contracts/failure';
import { ConnectedClients } from '../main/rpc/connectedClients';
import { createEventHub } from '../main/rpc/eventHub';
import type { HearthConfig } from '../main/config/config';
import type { HearthApi, HealthReport } from '../main/rpc/hearthApi';
import { createMemoryLogger } from './loggers';

export function createTestHearth() {
  const logger = createMemoryLogger();
  const events = createEventHub(logger);
  const clients = new ConnectedClients();
  const conversations = new Map<string, Conversation>();
  let status: HealthReport['status'] = 'ok';
  const model: ModelStatus = { state: 'ready', name: 'test', threads: 1 };
  const thermal: ThermalStatus = {
    available: false,
    temperatureC: -1,
    protection: false,
    triggerC: 85,
    resumeC: 80,
    source: 'none',
    recent: [],
  };
  const coolingCheck: CoolingCheckReport = { state: 'idle', samples: [] };
  const summaries = () =>
    [...conversations.values()].map((c) => ({
      id: c.id,
      title: c.title,
      updatedAt: c.updatedAt,
      messageCount: c.messages.length,
    }));
  const find = (id: string): Conversation => {
    const found = conversations.get(id);
    if (!found) throw new ApiFailure('not_found', `no conversation ${id}`);
    return found;
  };

  const handlers: HearthHandlers = {
    getSnapshot: async () => ({ model, thermal, conversations: summaries(), coolingCheck }),
    listConversations: async () => summaries(),
    openConversation: async ({ id }) => find(id),
    newConversation: async () => {
      const now = Date.now();
      const c: Conversation = {
        id: randomUUID(),
        title: 'New conversation',
        createdAt: now,
        updatedAt: now,
        messages: [],
      };
      conversations.set(c.id, c);
      return c;
    },
    deleteConversation: async ({ id }) => {
      find(id);
      conversations.delete(id);
      events.fire({ type: 'conversationDeleted', conversationId: id });
      return { ok: true };
    },
    sendPrompt: async ({ conversationId, text }, ctx) => {
      const c = find(conversationId);
      const now = Date.now();
      const userMessage = {
        id: randomUUID(),
        role: 'user' as const,
        text,
        status: 'complete' as const,
        createdAt: now,
      };
      const assistantMessage = {
        id: randomUUID(),
        role: 'assistant' as const,
        text: `echo from ${ctx.clientId}: ${text}`,
        status: 'complete' as const,
        createdAt: now,
      };
      c.messages.push(userMessage, assistantMessage);
      return { userMessage, assistantMessage };
    },
    stop: async () => ({ stopped: false }),
    startCoolingCheck: async () => {
      throw new Error('cooling check exploded');
    },
    stopCoolingCheck: async () => coolingCheck,
  };

  const hearth: HearthApi = {
    config: { host: '127.0.0.1', port: 0, dataDir: '/nonexistent' } as HearthConfig,
    logger,
    handlers,
    events,
    clients,
    health: () => ({
      status,
      thermal: { available: false, temperatureC: -1, protection: false, source: 'none' },
      model,
      sessions: { clients: clients.count, activeGenerations: 0, queuedPrompts: 0 },
      conversations: conversations.size,
    }),
    dispose: async () => {},
  };
  return {
    hearth,
    logger,
    events,
    setStatus: (s: HealthReport['status']) => {
      status = s;
    },
  };
}
