// What each client is sent. A client streams only the conversation it has open
// (its focus): the tokens, queue notices and messages of the others would cost
// a phone bandwidth and battery for text it does not show. Summaries and
// deletions go to everyone so every list stays right. Owner events (pairing,
// devices) go to the owner only, and a phone never reads a path of this machine.
import type { ClientRole } from '../../shared/role';
import {
  OWNER_EVENTS,
  type AppSnapshot,
  type CommandName,
  type Conversation,
  type HearthEvent,
  type HearthEventType,
  type Message,
  UUID_PATTERN,
} from '../../shared/api';
import type { CallOutcome } from '../../shared/wire';
import { withoutPaths } from '../rpc/publicMessage';

/** Events about one conversation's messages: sent only to clients that have it open. */
const FOCUSED: ReadonlySet<HearthEventType> = new Set(['tokens', 'queue', 'message']);
const OWNER_ONLY: ReadonlySet<HearthEventType> = new Set(OWNER_EVENTS);

/** Whether a client with this role and open conversation is sent the event. */
export function isSentTo(event: HearthEvent, role: ClientRole, focus: string | undefined): boolean {
  if (role !== 'owner' && OWNER_ONLY.has(event.type)) return false;
  if (FOCUSED.has(event.type)) {
    return (event as { conversationId: string }).conversationId === focus;
  }
  return true;
}

/**
 * The event as a role may read it: for a phone, error and reason texts lose
 * their absolute paths. Returns the same object when nothing changes.
 */
export function eventForRole(event: HearthEvent, role: ClientRole): HearthEvent {
  if (role === 'owner') return event;
  switch (event.type) {
    case 'model':
      return event.model.error === undefined
        ? event
        : { ...event, model: { ...event.model, error: withoutPaths(event.model.error) } };
    case 'thermal':
      return event.thermal.reason === undefined
        ? event
        : { ...event, thermal: { ...event.thermal, reason: withoutPaths(event.thermal.reason) } };
    case 'message':
      return event.message.error === undefined
        ? event
        : { ...event, message: messageForDevice(event.message) };
    case 'queue':
      return event.reason === undefined ? event : { ...event, reason: withoutPaths(event.reason) };
    case 'coolingCheck':
      return event.report.error === undefined
        ? event
        : { ...event, report: { ...event.report, error: withoutPaths(event.report.error) } };
    default:
      return event;
  }
}

export function snapshotForRole(snapshot: AppSnapshot, role: ClientRole): AppSnapshot {
  if (role === 'owner') return snapshot;
  const { model, thermal, coolingCheck } = snapshot;
  return {
    ...snapshot,
    model: model.error === undefined ? model : { ...model, error: withoutPaths(model.error) },
    thermal:
      thermal.reason === undefined ? thermal : { ...thermal, reason: withoutPaths(thermal.reason) },
    coolingCheck:
      coolingCheck.error === undefined
        ? coolingCheck
        : { ...coolingCheck, error: withoutPaths(coolingCheck.error) },
  };
}

export function conversationForRole(conversation: Conversation, role: ClientRole): Conversation {
  if (role === 'owner' || !conversation.messages.some((m) => m.error !== undefined)) {
    return conversation;
  }
  return { ...conversation, messages: conversation.messages.map(messageForDevice) };
}

function messageForDevice(message: Message): Message {
  return message.error === undefined ? message : { ...message, error: withoutPaths(message.error) };
}

/**
 * The conversation a call opens as it starts: a prompt's events (its own
 * message first) are sent before the call returns, so the focus moves first.
 */
export function focusAtCall(name: CommandName, args: unknown): string | undefined {
  if (name !== 'sendPrompt') return undefined;
  const id = (args as { conversationId?: unknown } | null)?.conversationId;
  return typeof id === 'string' && UUID_PATTERN.test(id) ? id : undefined;
}

/**
 * The conversation a call opened once it succeeded. Its value is the state as
 * of the call, so the focus moves with the result, before any later event.
 */
export function focusAfterCall(name: CommandName, outcome: CallOutcome): string | undefined {
  if (!outcome.ok || (name !== 'openConversation' && name !== 'newConversation')) return undefined;
  const id = (outcome.value as { id?: unknown } | null)?.id;
  return typeof id === 'string' ? id : undefined;
}
