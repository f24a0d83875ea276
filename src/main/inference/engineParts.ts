// Builds the engine's parts and connects them: the loader opens the sessions and
// hands llama.cpp to the throttle, the throttle slows and re-starts the queue,
// and the queue runs answers on the loaded model. It also fixes the order in
// which they are torn down.
import { DisposableStore } from '../../shared/lifecycle';
import { noThrottle } from '../contracts/throttle';
import { AnswerQueue } from './answerQueue';
import { runAnswer } from './answerRun';
import type { EngineOptions } from './engineConfig';
import { ModelLoader } from './modelLoader';
import { SESSION_SLOTS, SessionSlots } from './sessionSlots';
import { SlotStates } from './stateCache/slotStates';
import { ThrottleBinding } from './throttleBinding';

export interface EngineParts {
  loader: ModelLoader;
  slots: SessionSlots;
  throttle: ThrottleBinding;
  answers: AnswerQueue;
  /** Everything above, disposed in a safe order. */
  owned: DisposableStore;
}

export interface EnginePartsOptions extends EngineOptions {
  /** False once the engine is being disposed: no answer may start. */
  isOpen(): boolean;
  /** The model came or went, an answer started or ended, or the thread cap changed. */
  onLoadChange(): void;
}

export function buildEngineParts(options: EnginePartsOptions): EngineParts {
  const { config, logger, baseThreads, isOpen, onLoadChange } = options;
  const slots = new SessionSlots({
    systemPrompt: config.systemPrompt,
    logger,
    states: options.stateCache && new SlotStates(options.stateCache, logger),
    idleSaveMs: options.stateIdleSaveMs,
  });
  const throttle: ThrottleBinding = new ThrottleBinding({
    throttle: options.throttle ?? noThrottle,
    logger,
    baseThreads,
    onSlowed: () => answers.markSlowed(),
    onChange: () => {
      answers.update();
      onLoadChange();
    },
  });
  const loader = new ModelLoader({
    config,
    logger,
    fetchRemoteModel: options.fetchRemoteModel,
    threads: baseThreads,
    sequences: SESSION_SLOTS,
    dispatchSchedule: throttle.dispatchSchedule,
    onLoaded: (loaded) => {
      slots.open(loaded, loader.modelPath);
      throttle.attach(loaded.llama);
      onLoadChange();
    },
    // A switch frees the model the sessions live on: the running answer ends
    // first ('interrupted', its text kept); queued prompts wait for the new model.
    onUnloading: async () => {
      await answers.interruptRunning();
      slots.detach();
      slots.dispose();
      onLoadChange();
    },
  });
  const answers: AnswerQueue = new AnswerQueue({
    logger,
    canStart: () => isOpen() && loader.status().state === 'ready',
    holdReason: () => throttle.holdReason(),
    onBusyChange: onLoadChange,
    run: (answer) =>
      runAnswer(answer, {
        config,
        logger,
        slots,
        model: () => loader.loaded,
        capped: () => throttle.capped,
      }),
  });
  // Disposed newest first: stop following the throttle, end the answers, stop
  // loading, save the states of the conversations in the sessions, then free the
  // sessions before the context and model they live on.
  const owned = new DisposableStore();
  owned.defer(onLoadChange);
  owned.add(loader);
  owned.add(slots);
  owned.defer(() => slots.saveAll());
  owned.defer(() => loader.stop());
  owned.add(answers);
  owned.add(throttle);
  return { loader, slots, throttle, answers, owned };
}
