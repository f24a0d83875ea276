import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../testing/seededRandom';
import { SequencedOutbox, type Missed, type Sequenced } from './replayBuffer';

interface Frame {
  n: number;
  text: string;
}

const frame = (n: number, text = 'x'): Frame => ({ n, text });
const seqs = (frames: readonly Sequenced<Frame>[]) => frames.map((f) => f.seq);

/** The sequence numbers replayed; fails the test on a gap. */
function replayedSeqs(missed: Missed<Frame>): number[] {
  if (missed.gap) throw new Error('expected a replay, got a gap');
  return seqs(missed.frames);
}

function sameList(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((value, i) => value === b[i]);
}

describe('SequencedOutbox', () => {
  it('numbers frames 1, 2, 3… and replays the ones after the last processed, in order', () => {
    const outbox = new SequencedOutbox<Frame>();
    expect(outbox.lastSeq).toBe(0);
    const sent = [1, 2, 3, 4].map((n) => outbox.add(frame(n)));
    expect(seqs(sent)).toEqual([1, 2, 3, 4]);
    const missed = outbox.since(2);
    expect(missed).toEqual({ gap: false, frames: [sent[2], sent[3]] });
    expect(outbox.since(4)).toEqual({ gap: false, frames: [] });
    expect(outbox.since(0)).toEqual({ gap: false, frames: sent });
  });

  it('holds at most maxFrames: a resume from before them is a gap, not a partial replay', () => {
    const outbox = new SequencedOutbox<Frame>({ maxFrames: 3 });
    for (let n = 1; n <= 5; n++) outbox.add(frame(n));
    expect(outbox.held.frames).toBe(3);
    expect(outbox.firstHeldSeq).toBe(3);
    expect(outbox.since(1)).toEqual({ gap: true });
    const replay = outbox.since(2);
    expect(replay.gap).toBe(false);
    if (!replay.gap) expect(replay.frames.map((f) => f.frame.n)).toEqual([3, 4, 5]);
  });

  it('holds at most maxBytes, dropping the oldest frames first', () => {
    const outbox = new SequencedOutbox<Frame>({ maxBytes: 100 });
    outbox.add(frame(1), 40);
    outbox.add(frame(2), 40);
    outbox.add(frame(3), 40);
    expect(outbox.held).toEqual({ frames: 2, bytes: 80 });
    expect(outbox.since(0)).toEqual({ gap: true });
    expect(replayedSeqs(outbox.since(1))).toEqual([2, 3]);
  });

  it('measures frames as UTF-8 JSON unless told their size', () => {
    const outbox = new SequencedOutbox<Frame>();
    const entry = outbox.add(frame(1, 'héllo'));
    expect(entry.bytes).toBe(Buffer.byteLength(JSON.stringify(frame(1, 'héllo'))));
  });

  it('does not hold a frame bigger than maxBytes, and reports a gap to anyone who missed it', () => {
    const outbox = new SequencedOutbox<Frame>({ maxBytes: 100 });
    outbox.add(frame(1), 10);
    outbox.add(frame(2), 500);
    expect(outbox.held).toEqual({ frames: 0, bytes: 0 });
    expect(outbox.since(1)).toEqual({ gap: true });
    expect(outbox.since(2)).toEqual({ gap: false, frames: [] });
    outbox.add(frame(3), 10);
    expect(replayedSeqs(outbox.since(2))).toEqual([3]);
  });

  it('reports a gap for a last seq it never sent, or that is not a sequence number', () => {
    const outbox = new SequencedOutbox<Frame>();
    outbox.add(frame(1));
    expect(outbox.since(2)).toEqual({ gap: true });
    expect(outbox.since(-1)).toEqual({ gap: true });
    expect(outbox.since(0.5)).toEqual({ gap: true });
    expect(outbox.since(Number.NaN)).toEqual({ gap: true });
  });

  it('frees acknowledged frames but still replays the unacknowledged ones', () => {
    const outbox = new SequencedOutbox<Frame>();
    for (let n = 1; n <= 5; n++) outbox.add(frame(n), 10);
    outbox.acknowledge(3);
    expect(outbox.held).toEqual({ frames: 2, bytes: 20 });
    expect(replayedSeqs(outbox.since(3))).toEqual([4, 5]);
    expect(outbox.since(2)).toEqual({ gap: true });
    // Acknowledging more than was sent frees what is held and nothing breaks.
    outbox.acknowledge(99);
    expect(outbox.held.frames).toBe(0);
    expect(outbox.add(frame(6)).seq).toBe(6);
  });

  it('keeps working as the ring wraps around many times', () => {
    const outbox = new SequencedOutbox<Frame>({ maxFrames: 4 });
    for (let n = 1; n <= 103; n++) outbox.add(frame(n));
    const replay = outbox.since(100);
    expect(replay.gap).toBe(false);
    if (!replay.gap) expect(replay.frames.map((f) => f.frame.n)).toEqual([101, 102, 103]);
  });

  it('never loses, duplicates or reorders a frame across random sends, drops and resumes', () => {
    let gaps = 0;
    let replays = 0;
    for (let seed = 1; seed <= 200; seed++) {
      const rand = seededRandom(seed);
      const outbox = new SequencedOutbox<Frame>({
        maxFrames: 1 + Math.floor(rand() * 30),
        maxBytes: 50 + Math.floor(rand() * 600),
      });
      // What the server sent, and what the client has shown, in order.
      const sent: number[] = [];
      let shown: number[] = [];
      let clientLastSeq = 0;
      let linkUp = true;
      let n = 0;

      for (let step = 0; step < 400; step++) {
        const action = rand();
        if (action < 0.6) {
          const text = 'y'.repeat(Math.floor(rand() * 60));
          const entry = outbox.add(frame(++n, text));
          sent.push(n);
          // TCP delivers in order: once a frame is lost, the link is down and
          // nothing after it arrives until the client reconnects.
          if (linkUp && rand() < 0.9) {
            if (entry.seq !== clientLastSeq + 1) expect(entry.seq).toBe(clientLastSeq + 1);
            shown.push(entry.frame.n);
            clientLastSeq = entry.seq;
          } else {
            linkUp = false;
          }
        } else if (action < 0.7) {
          linkUp = false;
        } else if (action < 0.8 && linkUp) {
          // The client's heartbeat says what it has processed.
          outbox.acknowledge(clientLastSeq);
        } else if (!linkUp) {
          const missed = outbox.since(clientLastSeq);
          if (missed.gap) {
            gaps++;
            // The snapshot: the whole state as of now.
            shown = [...sent];
            clientLastSeq = outbox.lastSeq;
          } else {
            replays++;
            for (const entry of missed.frames) {
              if (entry.seq !== clientLastSeq + 1) expect(entry.seq).toBe(clientLastSeq + 1);
              shown.push(entry.frame.n);
              clientLastSeq = entry.seq;
            }
          }
          linkUp = true;
          // Compared by hand first: a deep expect per resume would dominate the run.
          if (!sameList(shown, sent)) expect(shown).toEqual(sent);
        }
      }
    }
    // Both ways back were exercised, so the property covered both.
    expect(gaps).toBeGreaterThan(100);
    expect(replays).toBeGreaterThan(1000);
  });

  it('refuses a buffer that can hold nothing', () => {
    expect(() => new SequencedOutbox({ maxFrames: 0 })).toThrow(RangeError);
  });
});
