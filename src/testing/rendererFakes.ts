// Test helpers for the renderer's store (not used by the app): a transport the
// test drives by hand, animation frames that run only when told, a store
// connected over both, markup of a view for a given state, and builders.
import { createElement, type ReactNode } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { createStore } from 'zustand/vanilla';
import type {
  AppSnapshot,
  CommandName,
  Conversation,
  HearthEvent,
  Message,
  ThermalStatus,
} from '../shared/api';
import { afterEach } from 'vitest';
import { Emitter } from '../shared/emitter';
import {
  HearthCallError,
  type HearthTransport,
  type LinkState,
  type Resync,
  type SessionInfo,
} from '../shared/transport';
import { HearthContext } from '../renderer/src/store/context';
import { createHearthStore, type HearthStore } from '../renderer/src/store/hearthStore';
import { initialState, type HearthState } from '../renderer/src/store/state';

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
  theme: 'system',
});

type CommandHandlers = Partial<Record<CommandName, (args: never) => unknown>>;

/**
 * A transport whose commands are answered by a handler table and whose events
 * the test emits. start() plays a server's new session: welcome, then a
 * snapshot from the getSnapshot handler, then the link is connected; drop()
 * cuts the link, failing the calls in flight as a real transport does.
 */
export function fakeTransport(handlers: CommandHandlers) {
  const events = new Emitter<HearthEvent>(rethrow);
  const links = new Emitter<LinkState>(rethrow);
  const snapshots = new Emitter<Resync>(rethrow);
  const sessions = new Emitter<SessionInfo>(rethrow);
  const speech = new Emitter<Uint8Array>(rethrow);
  const calls: { name: CommandName; args: unknown }[] = [];
  const inFlight = new Set<(error: Error) => void>();
  let up = false;
  let link: LinkState = { state: 'connecting' };
  const setLink = (next: LinkState) => {
    link = next;
    links.fire(next);
  };
  const transport: HearthTransport = {
    async call(name, args) {
      calls.push({ name, args });
      if (!up) throw new HearthCallError('disconnected', 'Not connected to Hearth');
      const handler = handlers[name];
      if (!handler) throw new Error(`unexpected call ${name}`);
      // Settles with the handler, or fails when the link drops first.
      return new Promise((resolve, reject) => {
        inFlight.add(reject);
        Promise.resolve()
          .then(() => handler(args as never))
          .then(resolve as (value: unknown) => void, reject)
          .finally(() => inFlight.delete(reject));
      });
    },
    onEvent: (listener) => events.subscribe(listener),
    onSnapshot: (listener) => snapshots.subscribe(listener),
    onSession: (listener) => sessions.subscribe(listener),
    onLink(listener) {
      const subscription = links.subscribe(listener);
      listener(link);
      return subscription;
    },
    sendAudio() {},
    onSpeech: (listener) => speech.subscribe(listener),
    retry() {},
    close() {},
  };
  return {
    transport,
    calls,
    emit: (event: HearthEvent) => events.fire(event),
    /** A speech frame from main, as the link delivers it. */
    speak: (bytes: Uint8Array) => speech.fire(bytes),
    link: setLink,
    resync: (resync: Resync) => snapshots.fire(resync),
    /** A new session: welcome, the snapshot (with `open`, if given), then connected. */
    async start(options: { role?: SessionInfo['role']; open?: Conversation } = {}) {
      up = true;
      sessions.fire({ role: options.role ?? 'owner', resumed: false });
      const state = (await handlers.getSnapshot?.(undefined as never)) as AppSnapshot;
      snapshots.fire(options.open ? { snapshot: state, open: options.open } : { snapshot: state });
      setLink({ state: 'connected' });
    },
    /** The session resumed: what was shown carries on. */
    resume(role: SessionInfo['role'] = 'owner') {
      up = true;
      sessions.fire({ role, resumed: true });
      setLink({ state: 'connected' });
    },
    /** The link dropped: calls in flight fail as 'disconnected'. */
    drop(next: LinkState = { state: 'reconnecting', attempt: 1, maxAttempts: 10 }) {
      up = false;
      for (const reject of [...inFlight]) {
        reject(new HearthCallError('disconnected', 'The connection to Hearth was lost'));
      }
      inFlight.clear();
      setLink(next);
    },
  };
}

/** A transport that never connects: its calls never settle and nothing arrives. */
export const idleTransport: HearthTransport = {
  call: () => new Promise(() => {}),
  onEvent: () => () => {},
  onSnapshot: () => () => {},
  onSession: () => () => {},
  onLink: () => () => {},
  onSpeech: () => () => {},
  sendAudio() {},
  retry() {},
  close() {},
};

/**
 * The server-rendered markup of `node` in a Hearth whose state is `state` over
 * the initial one. Server rendering reads a store's state as it stands, so the
 * state under test is given up front rather than reached through actions.
 */
export function renderWithState(node: ReactNode, state: Partial<HearthState> = {}): string {
  const hearth = createHearthStore(idleTransport);
  const store = createStore<HearthState>()(() => ({ ...initialState, ...state }));
  try {
    return renderToStaticMarkup(
      createElement(HearthContext, { value: { ...hearth, store } }, node),
    );
  } finally {
    hearth.dispose();
  }
}

/** Lets pending promise callbacks (a command's reply) run. */
export const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

/**
 * Opens hearth stores on a fake transport whose session has just started, once
 * the store has synced; each is disposed when the test ends. Frames run only
 * when the test calls clock.runFrame().
 */
export function connectedHearths(): (handlers: CommandHandlers) => Promise<{
  hearth: HearthStore;
  fake: ReturnType<typeof fakeTransport>;
  clock: ReturnType<typeof manualFrames>;
}> {
  const opened: HearthStore[] = [];
  afterEach(() => {
    for (const hearth of opened.splice(0)) hearth.dispose();
  });
  return async (handlers) => {
    const fake = fakeTransport(handlers);
    const clock = manualFrames();
    const hearth = createHearthStore(fake.transport, { frames: clock.frames });
    opened.push(hearth);
    await fake.start();
    await settle();
    return { hearth, fake, clock };
  };
}

// A store that throws from a listener is a failing test, not a console line.
function rethrow(error: unknown): void {
  throw error;
}
