// Frames a hostile or broken client might send: random JSON, random text,
// binary, and valid frames mutated (keys dropped or added, values of the wrong
// type, ids out of range, prototype keys, truncated text). Seeded, so a failing
// run can be replayed. Each frame comes with the answer the protocol promises
// for it, worked out from the shared schema the server also uses.
import { clientFrame } from '../../shared/wire';
import { seededRandom } from '../seededRandom';

export type FuzzFrame = {
  data: string | Buffer;
  /** What the server must answer: an error result, a normal result, a pong, or nothing (an ack). */
  expect: 'error' | 'result' | 'pong' | 'nothing';
};

const TEMPLATES: Record<string, unknown>[] = [
  { t: 'call', id: 7, name: 'getSnapshot', args: {} },
  { t: 'call', id: 8, name: 'listConversations', args: {} },
  {
    t: 'call',
    id: 9,
    name: 'openConversation',
    args: { id: '6f1c2b1e-8d7a-4c3b-9a6e-2f4d5c6b7a89' },
  },
  { t: 'call', id: 10, name: 'sendPrompt', args: { conversationId: 'x', text: 'hi' } },
  { t: 'call', id: 11, name: 'getPairing', args: {} },
  { t: 'hello', resume: { sessionId: 'abc', secret: 'def', lastSeq: 3 } },
  { t: 'ack', seq: 5 },
  { t: 'ping', id: 12 },
];

/** Well under the 64 KiB a message may have. */
const MAX_FUZZ_BYTES = 48 * 1024;

/** Calls a fuzzer must not make for real: they would change what other tests see. */
const HARMFUL = new Set([
  'sendPrompt',
  'newConversation',
  'deleteConversation',
  'stop',
  'startCoolingCheck',
  'stopCoolingCheck',
  'forgetDevice',
]);

export class FrameFuzzer {
  readonly #random: () => number;

  constructor(readonly seed: number) {
    this.#random = seededRandom(seed);
  }

  /** The next frame that is safe to send and what the server must answer to it. */
  next(): FuzzFrame {
    for (;;) {
      const data = this.#frame();
      const expect = this.#expected(data);
      if (expect !== undefined) return { data, expect };
    }
  }

  #pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.#random() * items.length)] as T;
  }

  #int(max: number): number {
    return Math.floor(this.#random() * max);
  }

  #frame(): string | Buffer {
    const roll = this.#random();
    if (roll < 0.05)
      return Buffer.from(Array.from({ length: 1 + this.#int(64) }, () => this.#int(256)));
    if (roll < 0.15) return this.#text();
    if (roll < 0.3) return JSON.stringify(this.#value(3));
    const text = JSON.stringify(this.#mutate(structuredClone(this.#pick(TEMPLATES))));
    // Sometimes the text itself breaks: cut short, or a character changed.
    if (this.#random() < 0.1) return text.slice(0, this.#int(text.length));
    if (this.#random() < 0.05) {
      const at = this.#int(text.length);
      return text.slice(0, at) + String.fromCharCode(this.#int(0x3000)) + text.slice(at + 1);
    }
    return text;
  }

  #text(): string {
    const alphabet = [
      '{',
      '}',
      '[',
      ']',
      '"',
      ':',
      ',',
      'a',
      '1',
      ' ',
      '\\',
      'é',
      '🔥',
      '\u0000',
      '\ud800',
    ];
    return Array.from({ length: this.#int(200) }, () => this.#pick(alphabet)).join('');
  }

  #value(depth: number): unknown {
    const kinds = depth > 0 ? 9 : 6;
    switch (this.#int(kinds)) {
      case 0:
        return null;
      case 1:
        return this.#random() < 0.5;
      case 2:
        return this.#pick([0, -1, 1.5, 2 ** 53, -(2 ** 63), 1e308, Number.MAX_SAFE_INTEGER + 2]);
      case 3:
        return this.#text();
      case 4:
        return 'x'.repeat(this.#pick([0, 1, 129, 8001, 40_000]));
      case 5:
        return this.#pick(['call', 'hello', 'ack', 'ping', 'result', '__proto__', 'constructor']);
      case 6:
        return Array.from({ length: this.#int(5) }, () => this.#value(depth - 1));
      case 7: {
        const object: Record<string, unknown> = {};
        for (let i = this.#int(5); i > 0; i--) {
          object[this.#pick(['t', 'id', 'name', 'args', 'seq', 'resume', '__proto__', 'x'])] =
            this.#value(depth - 1);
        }
        return object;
      }
      default: {
        // Deep nesting, which a recursive validator must survive.
        let nested: unknown = 1;
        for (let i = this.#pick([10, 100, 1000]); i > 0; i--) nested = [nested];
        return nested;
      }
    }
  }

  #mutate(frame: Record<string, unknown>): Record<string, unknown> {
    const keys = Object.keys(frame);
    for (let count = 1 + this.#int(3); count > 0; count--) {
      const key = this.#pick(keys);
      switch (this.#int(6)) {
        case 0:
          Reflect.deleteProperty(frame, key);
          break;
        case 1:
          frame[key] = this.#value(2);
          break;
        case 2:
          frame[this.#pick(['extra', '__proto__', 'constructor', 'prototype'])] = this.#value(1);
          break;
        case 3:
          frame.id = this.#pick([-1, 1.5, '7', null, 2 ** 60, 1e21]);
          break;
        case 4:
          frame.name = this.#pick([
            'GetSnapshot',
            'toString',
            '__proto__',
            'hasOwnProperty',
            '',
            'x'.repeat(300),
          ]);
          break;
        default:
          if (typeof frame.args === 'object' && frame.args !== null) {
            (frame.args as Record<string, unknown>)[this.#pick(['id', 'text', 'extra'])] =
              this.#value(1);
          }
      }
    }
    return frame;
  }

  /** What the protocol promises for this frame; undefined when it is not safe to send. */
  #expected(data: string | Buffer): FuzzFrame['expect'] | undefined {
    // Past the size limit the socket is closed instead (a separate test shows that).
    if (Buffer.byteLength(data) > MAX_FUZZ_BYTES) return undefined;
    if (typeof data !== 'string') return 'error';
    let value: unknown;
    try {
      value = JSON.parse(data);
    } catch {
      return 'error';
    }
    const parsed = clientFrame.safeParse(value);
    if (!parsed.success) return 'error';
    const frame = parsed.data;
    // A valid hello starts a new session: a fuzzer that made hundreds would test the session cap instead.
    if (frame.t === 'hello') return undefined;
    if (frame.t === 'ack') return 'nothing';
    if (frame.t === 'ping') return 'pong';
    return HARMFUL.has(frame.name) ? undefined : 'result';
  }
}
