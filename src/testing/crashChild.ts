// Run by hearthService.crash.test.ts in a child process: converses with the fixture
// model, then streams a long, slowed answer until the parent kills it with SIGKILL.
// Usage: node --import tsx src/testing/crashChild.ts <dataDir>
import { subscription } from '../shared/emitter';
import { appConfig } from './serviceFakes';
import { composeTestCore } from './testCore';

const dataDir = process.argv[2];
if (!dataDir) throw new Error('usage: crashChild.ts <dataDir>');
const config = appConfig(dataDir, { HEARTH_MAX_TOKENS: '300' });
let slow = false;
const app = composeTestCore(config, {
  saveIntervalMs: 100,
  // The second answer is slowed so it is still streaming when the kill comes.
  throttle: {
    threadCap: () => undefined,
    tokenDelayMs: () => (slow ? 20 : 0),
    holdReason: () => null,
    onChange: () => subscription(() => {}),
  },
});
const { events } = app;
await app.start();
await app.engine.whenSettled();
const ctx = { clientId: 'kiosk', role: 'owner' as const };
const conversation = await app.handlers.newConversation({}, ctx);
const finished = (messageId: string) =>
  new Promise<void>((resolve) =>
    events.subscribe((event) => {
      if (event.type === 'message' && event.message.id === messageId && event.message.stats) {
        resolve();
      }
    }),
  );
const first = await app.handlers.sendPrompt(
  { conversationId: conversation.id, text: 'Once upon a time' },
  ctx,
);
await finished(first.assistantMessageId);
slow = true;
const second = await app.handlers.sendPrompt(
  { conversationId: conversation.id, text: 'Tell me a very long story' },
  ctx,
);
process.stdout.write(
  `${JSON.stringify({ conversationId: conversation.id, messageId: second.assistantMessageId })}\n`,
);
// Streams until killed.
