import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { describeIssues } from './describeIssues';

function issuesOf(schema: z.ZodType, value: unknown): z.ZodError {
  const parsed = schema.safeParse(value);
  if (parsed.success) throw new Error('expected the value to be refused');
  return parsed.error;
}

describe('describeIssues', () => {
  it('names the field, however deep, before what is wrong with it', () => {
    const schema = z.object({ messages: z.array(z.object({ text: z.string() })) });
    expect(describeIssues(issuesOf(schema, { messages: [{ text: 1 }] }))).toBe(
      'messages.0.text: Invalid input: expected string, received number',
    );
  });

  it('names the whole value when the problem is not in one field', () => {
    const error = issuesOf(z.object({}).strict(), 'hello');
    expect(describeIssues(error, 'arguments')).toMatch(/^arguments: /);
    expect(describeIssues(error)).toMatch(/^value: /);
  });

  it('lists three problems and counts the rest, so a fuzzed frame gives one short line', () => {
    const schema = z.object({ a: z.string(), b: z.string(), c: z.string(), d: z.string() });
    const message = describeIssues(issuesOf(schema, { a: 1, b: 2, c: 3, d: 4, e: 5 }));
    expect(message.split('; ').map((part) => part.split(':')[0])).toEqual([
      'a',
      'b',
      'c',
      'and 1 more',
    ]);
  });

  it('clips one issue that names a flood of unknown keys, so the line stays short', () => {
    const fuzzed = Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`key${i}x`, i]));
    const message = describeIssues(issuesOf(z.strictObject({}), fuzzed), 'arguments');
    expect(message).toMatch(/^arguments: Unrecognized keys?: /);
    expect(message.length).toBeLessThanOrEqual(160);
    expect(message.endsWith('…')).toBe(true);
  });
});
