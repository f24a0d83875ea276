import type { ChatHistoryItem, Token } from 'node-llama-cpp';
import { describe, expect, it } from 'vitest';
import {
  answerReserve,
  exchangeCount,
  removedRange,
  trimToFit,
  withoutOldestExchanges,
} from './contextTrim';

const history: ChatHistoryItem[] = [
  { type: 'system', text: 'S' },
  { type: 'user', text: 'u1' },
  { type: 'model', response: ['a1'] },
  { type: 'user', text: 'u2' },
  { type: 'model', response: ['a2'] },
  { type: 'user', text: 'u3' },
  { type: 'model', response: ['a3'] },
];
const tokens = (values: number[]) => values as Token[];

describe('contextTrim', () => {
  it('reserves the answer limit, at most a quarter of the context', () => {
    expect(answerReserve(2048, 48)).toBe(48);
    expect(answerReserve(256, 400)).toBe(64);
  });

  it('drops the oldest exchanges and always keeps system messages', () => {
    expect(exchangeCount(history)).toBe(3);
    expect(withoutOldestExchanges(history, 0)).toEqual(history);
    expect(withoutOldestExchanges(history, 2)).toEqual([history[0], history[5], history[6]]);
    expect(withoutOldestExchanges(history, 5)).toEqual([history[0]]);
    // A window that starts with an answer (as after node-llama-cpp's own shift).
    const window = [history[0], history[2], history[3], history[4]] as ChatHistoryItem[];
    expect(exchangeCount(window)).toBe(2);
    expect(withoutOldestExchanges(window, 1)).toEqual([history[0], history[3], history[4]]);
  });

  it('drops the fewest exchanges that make the prompt fit', () => {
    // One token per character: S=1, each u/a=2, prompt "p"=1, empty answer=0; 14 in all.
    const render = (h: ChatHistoryItem[]) =>
      tokens(
        [...h.map((i) => (i.type === 'model' ? i.response.join('') : i.text)).join('')].map((c) =>
          c.charCodeAt(0),
        ),
      );
    expect(trimToFit(history, 'p', 14, render)).toBeUndefined();
    const trimmed = trimToFit(history, 'p', 10, render);
    expect(trimmed?.dropped).toBe(1);
    expect(trimmed?.history).toEqual([history[0], ...history.slice(3)]);
    expect(trimmed?.fullTokens).toHaveLength(14);
    expect(trimmed?.tokens).toHaveLength(10);
    expect(trimToFit(history, 'p', 9, render)?.dropped).toBe(2);
    expect(trimToFit(history, 'p', 1, render)?.history).toEqual([history[0]]);
  });

  it('finds the single token range whose removal gives the trimmed rendering', () => {
    expect(removedRange(tokens([1, 2, 3, 4, 5]), tokens([1, 4, 5]))).toEqual({ start: 1, end: 3 });
    // The dropped exchange starts like the kept one: the earliest copy is kept.
    expect(removedRange(tokens([1, 7, 8, 7, 9]), tokens([1, 7, 9]))).toEqual({ start: 2, end: 4 });
    // Not a single removal (a token merged differently at the seam): no range.
    expect(removedRange(tokens([1, 2, 3, 4]), tokens([1, 6, 4]))).toBeUndefined();
    expect(removedRange(tokens([1, 2]), tokens([1, 2]))).toBeUndefined();
  });
});
