import { describe, expect, it } from 'vitest';
import type { Message } from '../../shared/api';
import type { CallOutcome } from '../../shared/wire';
import { fixedUuid } from '../../testing/ids';
import { OutstandingPrompts } from './outstandingPrompts';

const CONVERSATION = fixedUuid(1);

function answer(n: number, status: Message['status']): Message {
  return { id: fixedUuid(100 + n), role: 'assistant', text: '', status, createdAt: 1 };
}
function sent(n: number, status: Message['status'] = 'queued'): CallOutcome {
  const assistantMessage = answer(n, status);
  return {
    ok: true,
    value: { userMessage: { ...assistantMessage, role: 'user' }, assistantMessage },
  };
}
const ended = (n: number, status: Message['status'] = 'complete') =>
  ({ type: 'message', conversationId: CONVERSATION, message: answer(n, status) }) as const;

describe('OutstandingPrompts', () => {
  it('counts a prompt from the moment it is sent until its answer reaches a final status', () => {
    const prompts = new OutstandingPrompts();
    prompts.sending();
    expect(prompts.count).toBe(1);
    prompts.settled(CONVERSATION, sent(1));
    expect(prompts.count).toBe(1);
    prompts.observe(ended(1, 'streaming'));
    expect(prompts.count).toBe(1);
    prompts.observe(ended(1, 'stopped'));
    expect(prompts.count).toBe(0);
  });

  it('does not count a prompt that was refused', () => {
    const prompts = new OutstandingPrompts();
    prompts.sending();
    prompts.settled(CONVERSATION, {
      ok: false,
      error: { code: 'busy', message: 'still answering' },
    });
    expect(prompts.count).toBe(0);
  });

  it('does not count an answer that ended before its prompt call returned', () => {
    const prompts = new OutstandingPrompts();
    prompts.sending();
    // The model failed at once: the final message came before the call's result.
    prompts.observe(ended(1, 'error'));
    prompts.settled(CONVERSATION, sent(1));
    expect(prompts.count).toBe(0);
  });

  it('frees the answers of a deleted conversation, which never announce their end', () => {
    const prompts = new OutstandingPrompts();
    prompts.sending();
    prompts.settled(CONVERSATION, sent(1));
    prompts.sending();
    prompts.settled(fixedUuid(2), sent(2));
    prompts.observe({ type: 'conversationDeleted', conversationId: CONVERSATION });
    expect(prompts.count).toBe(1);
  });
});
