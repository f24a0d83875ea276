// How each event from main changes the mirrored state. Pure: no transport, no
// timers, so every transition can be tested on its own.
import type { HearthEvent } from '../../../shared/api';
import { appendDeltas, upsertMessage } from './reducers';
import type { HearthState, QueueInfo } from './state';
import { appendReading, trendOf, withReading } from './trend';
import { withVoiceDownload } from './voiceModels';

/** The queue info minus the given messages (the same object when nothing changes). */
export function without(
  queue: Record<string, QueueInfo>,
  ids: readonly string[],
): Record<string, QueueInfo> {
  if (!ids.some((id) => id in queue)) return queue;
  return Object.fromEntries(Object.entries(queue).filter(([id]) => !ids.includes(id)));
}

/** Appends streamed text (message id -> text) to the open conversation; a message with text no longer waits. */
export function withDeltas(state: HearthState, deltas: ReadonlyMap<string, string>): HearthState {
  if (!state.current || deltas.size === 0) return state;
  const current = appendDeltas(state.current, deltas);
  if (current === state.current) return state;
  return { ...state, current, queue: without(state.queue, [...deltas.keys()]) };
}

/** Applies one event other than streamed text to the state. */
export function applyEvent(state: HearthState, event: HearthEvent): Partial<HearthState> {
  switch (event.type) {
    case 'model':
      return { model: event.model };
    case 'thermal':
      // A full status is authoritative, its history included.
      return { thermal: event.thermal, trend: trendOf(event.thermal) };
    case 'thermalReading':
      return {
        thermal: state.thermal && withReading(state.thermal, event),
        trend: appendReading(state.trend, event.reading),
      };
    case 'coolingCheck':
      return { coolingCheck: event.report };
    case 'conversations': {
      const current = state.current;
      const summary = current && event.conversations.find((c) => c.id === current.id);
      return {
        conversations: event.conversations,
        current:
          summary && summary.title !== current.title
            ? { ...current, title: summary.title }
            : current,
      };
    }
    case 'conversationDeleted':
      return {
        conversations: state.conversations.filter((c) => c.id !== event.conversationId),
        current: state.current?.id === event.conversationId ? null : state.current,
      };
    case 'message': {
      if (state.current?.id !== event.conversationId) return {};
      const queue =
        event.message.status === 'queued' ? state.queue : without(state.queue, [event.message.id]);
      return { current: upsertMessage(state.current, event.message), queue };
    }
    case 'queue': {
      if (state.current?.id !== event.conversationId) return {};
      const info: QueueInfo = { position: event.position };
      if (event.reason) info.reason = event.reason;
      return { queue: { ...state.queue, [event.messageId]: info } };
    }
    case 'tokens':
      // Streamed text goes through the frame batcher and withDeltas.
      return {};
    case 'pairing':
      return { pairing: event.pairing };
    case 'devices':
      return { devices: event.devices };
    case 'modelDownload':
      return {
        download: event.download,
        models: state.models && { ...state.models, download: event.download },
      };
    case 'settings':
      return { settings: event.settings };
    case 'voiceModelDownload':
      return withVoiceDownload(state, event.download);
    case 'voiceAvailability':
      return { voiceAvailability: event.voice };
    case 'appearance':
      return { theme: event.theme };
    default:
      // An event this screen does not show (yet) changes nothing here.
      return {};
  }
}
