// Engine discovery on this machine, which has the Debian packages pocketsphinx,
// pocketsphinx-en-us and flite, and with a PATH and model folder that lack them.
import { copyFileSync, truncateSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { voiceEngineReport } from '../../shared/voice';
import { useCleanups } from '../../testing/cleanups';
import { findVoiceEngines } from './engines';
import { vadModelPath } from './vadModel';

const cleanups = useCleanups();

describe('findVoiceEngines', () => {
  it('finds the VAD model, pocketsphinx and flite where they are installed', async () => {
    const report = await findVoiceEngines();
    expect(report).toEqual({
      vad: { present: true },
      stt: { engine: 'pocketsphinx' },
      tts: { engine: 'flite' },
    });
    expect(voiceEngineReport.parse(report)).toEqual(report);
  });

  it('reports speech engines missing from PATH as none, naming the apt packages', async () => {
    const report = await findVoiceEngines({ env: { PATH: '/nonexistent:/usr/games' } });
    expect(report.stt).toEqual({
      engine: 'none',
      error: expect.stringContaining('pocketsphinx is not installed') as string,
      install: 'sudo apt install pocketsphinx pocketsphinx-en-us',
    });
    expect(report.tts).toEqual({
      engine: 'none',
      error: expect.stringContaining('flite is not installed') as string,
      install: 'sudo apt install flite',
    });
    // The VAD needs no program: it is still there.
    expect(report.vad).toEqual({ present: true });
    expect(voiceEngineReport.parse(report)).toEqual(report);
  });

  it('reports a missing pocketsphinx model and a damaged VAD model, each saying what is wrong', async () => {
    const dir = cleanups.scratchDir('hearth-engines-');
    const damaged = join(dir, 'silero.onnx');
    copyFileSync(vadModelPath(), damaged);
    truncateSync(damaged, 4096);
    const report = await findVoiceEngines({ pocketsphinxModelDir: dir, vadModelPath: damaged });
    expect(report.vad.present).toBe(false);
    expect(report.vad.error).toMatch(/silero\.onnx is damaged or not the pinned one/);
    expect(report.stt.engine).toBe('none');
    expect(report.stt.error).toMatch(/English model is missing/);
    expect(report.stt.install).toBe('sudo apt install pocketsphinx pocketsphinx-en-us');
    expect(report.tts.engine).toBe('flite');
  });
});
