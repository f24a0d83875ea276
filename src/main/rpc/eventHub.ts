// Fan-out of API events from the services to every connected client: the one
// Emitter, where a client whose listener throws is logged and the others still
// hear the event.
import type { HearthEvent } from '../../shared/api';
import { Emitter } from '../../shared/emitter';
import type { Logger } from '../base/log';

export type EventHub = Emitter<HearthEvent>;

export function createEventHub(logger: Logger): EventHub {
  return new Emitter<HearthEvent>((error) =>
    logger.error('event_listener_failed', { error: String(error) }),
  );
}
