// A small stand-in HearthApi for transport tests: real handler functions over an
// in-memory conversation list, no model. Lives next to the tests that use it.
import { randomUUID } from 'node:crypto';
import type { Conversation, CoolingCheckReport, ModelStatus, ThermalStatus } from '../shared/api';
import type { HearthHandlers } from '../main/rpc/dispatch';
import { ApiFailure } from '../main/contracts/failure';
import type { OwnerAccessPort } from '../main/contracts/ownerAccess';
import type { PairingPort } from '../main/contracts/pairing';
import { Clients, type ClientsOptions } from '../main/clients/clients';
import { createEventHub } from '../main/rpc/eventHub';
import type { HearthConfig } from '../main/config/config';
import type { HearthApi, HealthReport } from '../main/clients/hearthApi';
import { createMemoryLogger } from './loggers';
import { fakePairing } from './serviceFakes';

export interface TestHearthOptions extends Pick<
  ClientsOptions,
  'limits' | 'sessionLimits' | 'scheduler' | 'speech'
> {
  /** What getPairing, listDevices and forgetDevice answer from (a real Pairing in server tests). */
  pairing?: PairingPort;
  /** What rotateOwnerSecret rotates (a real OwnerSecret in server tests). */
  ownerAccess?: OwnerAccessPort;
}

function notHere(command: string): () => Promise<never> {
  return async () => {
    throw new ApiFailure('model_unavailable', `${command} is not in the test Hearth`);
  };
}

export function createTestHearth(options: TestHearthOptions = {}) {
  const pairing = options.pairing ?? fakePairing();
  const logger = createMemoryLogger();
  const events = createEventHub(logger);
  const conversations = new Map<string, Conversation>();
  /** Deleted ones, for undoDelete (no window here). */
  const deleted = new Map<string, Conversation>();
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
    speakAnswer: async () => ({ ok: true as const }),
    stopSpeech: async () => ({ ok: true as const }),
    testVoice: async () => ({ ok: true as const }),
    testRecognizer: async () => {
      throw new ApiFailure('bad_request', 'Hearth cannot hear: no recognizer in this fake');
    },
    listVoiceModels: async () => {
      throw new ApiFailure('bad_request', 'no voice models in this fake');
    },
    downloadVoiceModels: async () => {
      throw new ApiFailure('bad_request', 'no voice models in this fake');
    },
    cancelVoiceModelDownload: async () => ({ cancelled: false }),
    removeVoiceModel: async () => {
      throw new ApiFailure('bad_request', 'no voice models in this fake');
    },
    getSnapshot: async () => ({
      model,
      thermal,
      conversations: summaries(),
      coolingCheck,
      theme: 'system' as const,
    }),
    listConversations: async () => summaries(),
    // A copy taken at the call, as the real store gives: later changes must arrive as events.
    openConversation: async ({ id }) => structuredClone(find(id)),
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
      return structuredClone(c);
    },
    deleteConversation: async ({ id }) => {
      deleted.set(id, find(id));
      conversations.delete(id);
      events.fire({ type: 'conversationDeleted', conversationId: id });
      return { ok: true };
    },
    undoDelete: async ({ id }) => {
      const back = deleted.get(id);
      if (!back) throw new ApiFailure('not_found', `no deleted conversation ${id}`);
      deleted.delete(id);
      conversations.set(id, back);
      events.fire({ type: 'conversations', conversations: summaries() });
      const summary = summaries().find((c) => c.id === id);
      if (!summary) throw new Error('unreachable: the conversation was just put back');
      return summary;
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
      // As the real service does: the messages go out as events, the result names them.
      events.fire({ type: 'message', conversationId, message: userMessage });
      events.fire({ type: 'message', conversationId, message: assistantMessage });
      return { userMessageId: userMessage.id, assistantMessageId: assistantMessage.id };
    },
    stop: async () => ({ stopped: false }),
    startCoolingCheck: async () => {
      throw new Error('cooling check exploded');
    },
    stopCoolingCheck: async () => coolingCheck,
    getPairing: async () => pairing.info(),
    listDevices: async () =>
      pairing
        .devices()
        .map((device) => ({ ...device, connected: clients.isDeviceConnected(device.id) })),
    forgetDevice: async ({ deviceId }) => {
      if (!(await pairing.forget(deviceId)))
        throw new ApiFailure('not_found', 'No such paired device');
      return { ok: true as const };
    },
    // Model setup and settings are tested against the real service; here they only refuse.
    listModels: notHere('listModels'),
    downloadModel: notHere('downloadModel'),
    cancelDownload: notHere('cancelDownload'),
    listModelFiles: notHere('listModelFiles'),
    useModelFile: notHere('useModelFile'),
    removeModel: notHere('removeModel'),
    getSettings: notHere('getSettings'),
    updateSettings: notHere('updateSettings'),
    getAppearance: async () => ({ theme: 'system' as const }),
    exitKiosk: async () => ({ result: 'unavailable' as const }),
    rotateOwnerSecret: async () => {
      if (!options.ownerAccess) return notHere('rotateOwnerSecret')();
      await options.ownerAccess.rotate();
      return { ok: true as const };
    },
  };
  const { limits, sessionLimits, scheduler, speech } = options;
  const clients: Clients = new Clients({
    handlers,
    events,
    logger,
    limits,
    sessionLimits,
    scheduler,
    speech,
  });

  // As the composition root does: a forgotten phone's clients end at once.
  const forgetting = pairing.onForget((deviceId) => clients.forgetDevice(deviceId));

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
      sessions: { ...clients.counts(), activeGenerations: 0, queuedPrompts: 0 },
      conversations: conversations.size,
      voice: { canHear: false, canSpeak: false },
      voiceEngines: {
        vad: { present: false },
        stt: { engine: 'none' as const },
        tts: { engine: 'none' as const },
      },
    }),
    dispose: async () => {
      forgetting.dispose();
      clients.dispose();
    },
  };
  return {
    hearth,
    logger,
    events,
    pairing,
    setStatus: (s: HealthReport['status']) => {
      status = s;
    },
  };
}
