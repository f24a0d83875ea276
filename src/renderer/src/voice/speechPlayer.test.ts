import { describe, expect, it } from 'vitest';
import {
  SpeechPlayer,
  START_LEAD_S,
  type PlaybackBuffer,
  type PlaybackContext,
  type PlaybackNode,
  type PlaybackSource,
} from './speechPlayer';

class FakeNode implements PlaybackNode {
  readonly connections: PlaybackNode[] = [];
  connect(destination: PlaybackNode): PlaybackNode {
    this.connections.push(destination);
    return destination;
  }
  disconnect(): void {
    this.connections.length = 0;
  }
}

class FakeBuffer implements PlaybackBuffer {
  readonly data: Float32Array;
  constructor(
    length: number,
    readonly sampleRate: number,
  ) {
    this.data = new Float32Array(length);
  }
  get duration(): number {
    return this.data.length / this.sampleRate;
  }
  getChannelData(): Float32Array {
    return this.data;
  }
}

class FakeSource extends FakeNode implements PlaybackSource {
  buffer: PlaybackBuffer | null = null;
  onended: ((this: never, event: Event) => unknown) | null = null;
  startedAt: number | undefined;
  stopped = false;
  start(when = 0): void {
    this.startedAt = when;
  }
  stop(): void {
    this.stopped = true;
  }
  /** The audio thread reaching this source's end. */
  end(): void {
    (this.onended as ((event: Event) => unknown) | null)?.(new Event('ended'));
  }
}

/** An AudioContext whose clock the test moves, recording every source it made. */
class FakeContext implements PlaybackContext {
  currentTime = 0;
  state = 'running';
  closed = false;
  readonly destination = new FakeNode();
  readonly sources: FakeSource[] = [];
  readonly gains: FakeNode[] = [];
  createBuffer(_channels: number, length: number, sampleRate: number): FakeBuffer {
    return new FakeBuffer(length, sampleRate);
  }
  createBufferSource(): FakeSource {
    const source = new FakeSource();
    this.sources.push(source);
    return source;
  }
  createGain(): FakeNode {
    const gain = new FakeNode();
    this.gains.push(gain);
    return gain;
  }
  async resume(): Promise<void> {
    this.state = 'running';
  }
  async close(): Promise<void> {
    this.closed = true;
  }
}

const ms = (n: number, rate = 16_000) => new Int16Array((rate * n) / 1000).fill(1000);

function setup() {
  const context = new FakeContext();
  let made = 0;
  const player = new SpeechPlayer(() => {
    made++;
    return context;
  });
  return { context, player, made: () => made };
}

describe('SpeechPlayer', () => {
  it('starts each chunk exactly where the one before it ends', () => {
    const { context, player } = setup();
    context.currentTime = 2;
    player.play(ms(500), 16_000);
    player.play(ms(250), 16_000);
    player.play(ms(300, 22_050), 22_050);
    const starts = context.sources.map((s) => s.startedAt ?? NaN);
    expect(starts[0]).toBeCloseTo(2 + START_LEAD_S, 9);
    expect(starts[1]).toBeCloseTo(2 + START_LEAD_S + 0.5, 9);
    expect(starts[2]).toBeCloseTo(2 + START_LEAD_S + 0.75, 9);
    expect(player.speaking).toBe(true);
  });

  it('converts the samples to -1..1 floats at the rate it was given', () => {
    const { context, player } = setup();
    player.play(Int16Array.from([0, 16384, -32768, 32767]), 24_000);
    const buffer = context.sources[0]?.buffer as FakeBuffer;
    expect(buffer.sampleRate).toBe(24_000);
    expect([...buffer.data]).toEqual([0, 0.5, -1, 32767 / 32768]);
  });

  it('routes every chunk through one output node connected to the speakers', () => {
    const { context, player, made } = setup();
    player.play(ms(100), 16_000);
    player.play(ms(100), 16_000);
    expect(made()).toBe(1);
    expect(context.gains).toHaveLength(1);
    const output = context.gains[0];
    expect(player.output).toBe(output);
    expect(output?.connections).toEqual([context.destination]);
    expect(context.sources.every((s) => s.connections[0] === output)).toBe(true);
  });

  it('a chunk that arrives after the queue ran dry starts now, not in the past', () => {
    const { context, player } = setup();
    player.play(ms(100), 16_000);
    context.sources[0]?.end();
    context.currentTime = 10;
    player.play(ms(100), 16_000);
    expect(context.sources[1]?.startedAt).toBeCloseTo(10 + START_LEAD_S, 9);
  });

  it('a chunk that arrives late but while audio still plays joins on without a gap', () => {
    const { context, player } = setup();
    player.play(ms(1000), 16_000);
    context.currentTime = 0.9;
    player.play(ms(100), 16_000);
    expect(context.sources[1]?.startedAt).toBeCloseTo(START_LEAD_S + 1, 9);
  });

  it('tells onIdle once the last queued chunk ends, not before', () => {
    const { context, player } = setup();
    let idle = 0;
    const subscription = player.onIdle(() => idle++);
    player.play(ms(100), 16_000);
    player.play(ms(100), 16_000);
    context.sources[0]?.end();
    expect(idle).toBe(0);
    expect(player.speaking).toBe(true);
    context.sources[1]?.end();
    expect(idle).toBe(1);
    expect(player.speaking).toBe(false);
    subscription();
  });

  it('cut() stops every source at once, drops the queue and does not report idle', () => {
    const { context, player } = setup();
    let idle = 0;
    player.onIdle(() => idle++);
    context.currentTime = 1;
    for (let i = 0; i < 4; i++) player.play(ms(200), 16_000);
    player.cut();
    expect(context.sources.map((s) => s.stopped)).toEqual([true, true, true, true]);
    expect(context.sources.every((s) => s.connections.length === 0)).toBe(true);
    expect(player.speaking).toBe(false);
    // A late 'ended' from a cut source changes nothing.
    context.sources[3]?.end();
    expect(idle).toBe(0);
    // What comes next starts now, not after the dropped queue.
    player.play(ms(100), 16_000);
    expect(context.sources[4]?.startedAt).toBeCloseTo(1 + START_LEAD_S, 9);
  });

  it('does nothing with an empty chunk and refuses a sample rate no one plays at', () => {
    const { context, player } = setup();
    player.play(new Int16Array(0), 16_000);
    expect(context.sources).toHaveLength(0);
    expect(() => player.play(ms(10), 0)).toThrow(/0 Hz/);
    expect(() => player.play(ms(10), Number.NaN)).toThrow(/NaN Hz/);
  });

  it('wakes a suspended context before playing, and closes it on dispose', async () => {
    const { context, player } = setup();
    context.state = 'suspended';
    player.play(ms(100), 16_000);
    expect(context.state).toBe('running');
    await player.dispose();
    expect(context.closed).toBe(true);
    expect(context.sources[0]?.stopped).toBe(true);
    player.play(ms(100), 16_000);
    expect(context.sources).toHaveLength(1);
  });
});
