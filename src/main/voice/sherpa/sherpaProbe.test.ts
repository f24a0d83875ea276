// The probe's refusals, whatever runs it: the real worker reads its config from
// the arguments (a utility process has no stdin), and each way a run can end
// is said in one sentence, the same for Node's child_process and Electron's
// utilityProcess.
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useCleanups } from '../../../testing/cleanups';
import type { ScriptProcessPort, ScriptRun } from '../../contracts/scriptProcess';
import { voiceWorker } from '../voiceWorkers';
import { probeArgs, probeSherpaModel } from './sherpaProbe';

const cleanups = useCleanups();

describe('probing a sherpa-onnx model', () => {
  it('hands the config to the real worker as an argument', async () => {
    const dir = cleanups.scratchDir();
    const model = join(dir, 'not-a-model.onnx');
    writeFileSync(model, randomBytes(4096));
    const tokens = join(dir, 'tokens.txt');
    writeFileSync(tokens, 'a 0\nb 1\n');
    // sherpa names the file it could not read: the path can only have come from the config.
    await expect(
      probeSherpaModel({
        module: voiceWorker('recognizer'),
        config: { modelConfig: { whisper: { encoder: model, decoder: model }, tokens } },
        modelName: 'Whisper tiny.en',
      }),
    ).rejects.toThrow(new RegExp(`^Whisper tiny\\.en could not be loaded: .*${model}.*\\.$`));
  });

  const exited = (run: Partial<ScriptRun>): ScriptRun => ({
    ended: 'exited',
    code: 0,
    signal: null,
    stdout: '',
    stderr: '',
    ...run,
  });
  it.each<[string, () => Promise<ScriptRun>, string]>([
    ['ran over its time', async () => exited({ ended: 'timedOut' }), 'it took over 2 s'],
    ['was cancelled', async () => exited({ ended: 'aborted' }), 'loading was cancelled'],
    [
      'could not start',
      () => Promise.reject(new Error('spawn EACCES')),
      'the probe could not start (spawn EACCES)',
    ],
    [
      'exited with a native error (Electron gives no signal)',
      async () =>
        exited({ code: 255, stderr: "offline-whisper.cc:Init:12 'n_mels' does not exist.\n" }),
      "sherpa-onnx exited (code 255): 'n_mels' does not exist",
    ],
    [
      'was killed by a signal',
      async () => exited({ code: null, signal: 'SIGABRT', stderr: 'what(): bad file\n' }),
      'sherpa-onnx crashed (SIGABRT): bad file',
    ],
    [
      'said why the model failed',
      async () => exited({ stdout: 'noise\n{"ok":false,"message":"No such file."}\n' }),
      'No such file',
    ],
  ])('says in one sentence that the probe %s', async (_how, outcome, why) => {
    const calls: unknown[][] = [];
    const scriptProcesses: ScriptProcessPort = {
      run: (...args) => {
        calls.push(args);
        return outcome();
      },
    };
    await expect(
      probeSherpaModel({
        module: new URL('file:///app/workers/tts.js'),
        config: { a: 'ü' },
        modelName: 'Amy',
        timeoutMs: 2000,
        scriptProcesses,
      }),
    ).rejects.toThrow(new Error(`Amy could not be loaded: ${why}.`));
    expect(calls[0]?.slice(0, 2)).toEqual(['/app/workers/tts.js', probeArgs({ a: 'ü' })]);
    expect(JSON.parse(Buffer.from(probeArgs({ a: 'ü' })[1] ?? '', 'base64').toString())).toEqual({
      a: 'ü',
    });
  });

  it('returns the sample rate of a model that ran, and never starts when already cancelled', async () => {
    const scriptProcesses: ScriptProcessPort = {
      run: async () => exited({ stdout: '{"ok":true,"sampleRate":22050}\n' }),
    };
    const options = { module: voiceWorker('tts'), config: {}, modelName: 'Amy', scriptProcesses };
    expect(await probeSherpaModel(options)).toEqual({ sampleRate: 22050 });
    let runs = 0;
    await expect(
      probeSherpaModel({
        ...options,
        signal: AbortSignal.abort(),
        scriptProcesses: { run: async () => (runs++, exited({})) },
      }),
    ).rejects.toThrow('Amy could not be loaded: loading was cancelled.');
    expect(runs).toBe(0);
  });
});
