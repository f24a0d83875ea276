// Test helpers for the renderer's store (not used by the app): a transport the
// test drives by hand, animation frames that run only when told, and builders.
import type {
  AppSnapshot,
  CommandName,
  Conversation,
  HearthEvent,
  Message,
  ThermalStatus,
} from '../shared/api';
import { Emitter } from '../shared/emitter';
import type { HearthTransport, LinkState } from '../shared/transport';

/** A stand-in for requestAnimationFrame that runs frames only when told to. */
export function manualFrames() {
  const queue = new Map<number, () => void>();
  let next = 1;
  const frames = {
    request(callback: () => void): unknown {
      queue.set(next, callback);
      return next++;
    },
    cancel(handle: unknown): void {
      queue.delete(handle as number);
    },
  };
  return {
    frames,
    get scheduled() {
      return queue.size;
    },
    runFrame() {
      const callbacks = [...queue.values()];
      queue.clear();
      for (const callback of callbacks) callback();
    },
  };
}

export const message = (
  id: string,
  role: Message['role'],
  text = '',
  status: Message['status'] = 'complete',
): Message => ({
  id,
  role,
  text,
  status,
  createdAt: 1,
});

export const conversation = (id: string, messages: Message[] = []): Conversation => ({
  id,
  title: `Conversation ${id}`,
  createdAt: 1,
  updatedAt: 1,
  messages,
});

export const thermalStatus = (over: Partial<ThermalStatus> = {}): ThermalStatus => ({
  available: true,
  temperatureC: 55,
  protection: false,
  triggerC: 85,
  resumeC: 80,
  source: 'simulated',
  recent: [],
  ...over,
});

export const snapshot = (ids: { id: string; updatedAt: number }[] = []): AppSnapshot => ({
  model: { state: 'ready', name: 'stories260K' },
  thermal: thermalStatus(),
  conversations: ids.map(({ id, updatedAt }) => ({ id, title: id, updatedAt, messageCount: 0 })),
  coolingCheck: { state: 'idle', samples: [] },
});

/** A transport whose commands are answered by a handler table and whose events the test emits. */
export function fakeTransport(handlers: Partial<Record<CommandName, (args: never) => unknown>>) {
  const events = new Emitter<HearthEvent>(rethrow);
  const links = new Emitter<LinkState>(rethrow);
  const calls: { name: CommandName; args: unknown }[] = [];
  const transport: HearthTransport = {
    async call(name, args) {
      calls.push({ name, args });
      const handler = handlers[name];
      if (!handler) throw new Error(`unexpected call ${name}`);
      return handler(args as never) as never;
    },
    onEvent: (listener) => events.subscribe(listener),
    onLink(listener) {
      const subscription = links.subscribe(listener);
      listener({ state: 'connecting' });
      return subscription;
    },
    retry() {},
    close() {},
  };
  return {
    transport,
    calls,
    emit: (event: HearthEvent) => events.fire(event),
    link: (link: LinkState) => links.fire(link),
  };
}

/** Lets pending promise callbacks (a command's reply) run. */
export const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

// A store that throws from a listener is a failing test, not a console line.
function rethrow(error: unknown): void {
  throw error;
}
