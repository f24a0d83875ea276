// A worker that fails: its exception must reach the owner with its stack.
import { setTimeout } from 'node:timers';
import { threadInput } from '../../main/threads/workerSide.mjs';

function explodeDeepInside(what) {
  throw new RangeError(`worker failed on purpose: ${what}`);
}

const input = threadInput();
if (input && input.beforeOnline) explodeDeepInside('at load');
setTimeout(() => explodeDeepInside('later'), 10);
