// Hearth's own voice coming back into the microphone, as from a speaker in the
// same room. Chromium's fake microphone plays one file from launch and cannot
// be given the page's own output, so the page's microphone is replaced from its
// second opening on (the first is the real fake device, which says the prompt):
// getUserMedia then returns a stream made in the speech player's own
// AudioContext, fed by the player's output at `gain`. What the test adds later
// (sayIntoMicrophone) goes into the same stream, and nowhere else: it is not
// played. The browser's echo canceller is not in this path (nothing of a
// synthetic stream is processed), so this shows Hearth's own guard alone.
import type { Page } from '@playwright/test';
import './voiceAudio';

declare global {
  interface Window {
    /** The microphones made from the page's output, newest last. */
    __echoMicrophones: MediaStreamAudioDestinationNode[];
  }
}

/** Replaces the page's microphone, from its second opening on, with its own output at `gain`. */
export async function echoMicrophone(page: Page, gain: number): Promise<void> {
  await page.addInitScript((roomGain: number) => {
    window.__echoMicrophones = [];
    const media = navigator.mediaDevices;
    const getUserMedia = media.getUserMedia.bind(media);
    let opened = 0;
    media.getUserMedia = async (constraints) => {
      opened++;
      const output = window.__outputs[0];
      if (opened === 1 || !output) return getUserMedia(constraints);
      const context = output.context as AudioContext;
      const room = context.createGain();
      room.gain.value = roomGain;
      const microphone = context.createMediaStreamDestination();
      microphone.channelCount = 1;
      output.connect(room);
      room.connect(microphone);
      window.__echoMicrophones.push(microphone);
      return microphone.stream;
    };
  }, gain);
}

/**
 * Plays every speech frame the page received (the answers' audio, in order)
 * into the newest replaced microphone at `gain`, not to the speakers.
 * Resolves with its length in ms once it has started.
 */
export async function sayIntoMicrophone(page: Page, gain: number): Promise<number> {
  return page.evaluate((sayGain: number) => {
    const microphone = window.__echoMicrophones.at(-1);
    const frames = window.__speech;
    const rate = frames[0]?.sampleRate;
    if (!microphone || !rate) throw new Error('no replaced microphone, or no speech received');
    const context = microphone.context;
    const total = frames.reduce((n, f) => n + f.samples, 0);
    const buffer = context.createBuffer(1, total, rate);
    const channel = buffer.getChannelData(0);
    let at = 0;
    for (const frame of frames) {
      const view = new DataView(frame.bytes.buffer, frame.bytes.byteOffset);
      for (let i = 0; i < frame.samples; i++)
        channel[at++] = view.getInt16(24 + i * 2, true) / 32768;
    }
    const source = context.createBufferSource();
    source.buffer = buffer;
    const level = context.createGain();
    level.gain.value = sayGain;
    source.connect(level);
    level.connect(microphone);
    source.start();
    return buffer.duration * 1000;
  }, gain);
}
