// The microphone in real Chromium: speech made with flite is the fake
// microphone's sound. Tapping Talk opens it (Talk pressed, status "Listening",
// the level meter moving), the capture worklet's 100 ms frames of 16 kHz PCM
// reach Hearth over the page's WebSocket, and tapping Talk again ends the
// utterance, which Hearth's log shows arriving whole; the microphone is closed
// again. With the permission refused, Talk says so in one sentence.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { expect, openAsOwner, test } from './fixtures';
import { waitUntilReady } from './ui';

const chromium = process.env.HEARTH_CHROMIUM ?? '/usr/bin/chromium';
const baseArgs = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
];

// Made when the spec loads: the browser reads it as it launches, before any test runs.
const speechDir = mkdtempSync(join(tmpdir(), 'hearth-e2e-voice-'));
const speechWav = join(speechDir, 'speech.wav');
execFileSync('flite', [
  '-voice',
  'slt',
  '-t',
  'Hello Hearth. Please tell me a short story about a cat who sleeps by the fire.',
  '-o',
  speechWav,
]);
test.afterAll(() => rmSync(speechDir, { recursive: true, force: true }));

/** One binary WebSocket message the page sent, as the test's spy saw it. */
interface SentFrame {
  kind: number;
  flags: number;
  utterance: number;
  bytes: number;
  /** RMS of its samples, 0..1. */
  rms: number;
  /** When the page sent it (performance.now(), ms). */
  at: number;
}

declare global {
  interface Window {
    __audioFrames: SentFrame[];
    __micStreams: MediaStream[];
  }
}

/** Records every binary frame the page sends and every microphone stream it opens. */
async function spyOnAudio(page: Page): Promise<void> {
  await page.addInitScript(() => {
    window.__audioFrames = [];
    window.__micStreams = [];
    const send = WebSocket.prototype.send;
    WebSocket.prototype.send = function (data) {
      if (typeof data !== 'string') {
        const bytes = ArrayBuffer.isView(data)
          ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
          : new Uint8Array(data as ArrayBuffer);
        const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
        let sum = 0;
        const samples = (bytes.length - 8) >> 1;
        for (let i = 0; i < samples; i++) sum += view.getInt16(8 + i * 2, true) ** 2;
        window.__audioFrames.push({
          kind: bytes[0] ?? -1,
          flags: bytes[1] ?? -1,
          utterance: bytes.length >= 8 ? view.getUint32(4, true) : -1,
          bytes: bytes.length,
          rms: samples > 0 ? Math.sqrt(sum / samples) / 32767 : 0,
          at: performance.now(),
        });
      }
      return send.call(this, data);
    };
    const media = navigator.mediaDevices;
    if (media) {
      const getUserMedia = media.getUserMedia.bind(media);
      media.getUserMedia = async (constraints) => {
        const stream = await getUserMedia(constraints);
        window.__micStreams.push(stream);
        return stream;
      };
    }
  });
}

const frames = (page: Page) => page.evaluate(() => window.__audioFrames);

function voiceControls(page: Page) {
  return {
    talk: page.getByRole('button', { name: 'Talk', exact: true }),
    status: page.getByRole('status', { name: 'Voice' }),
    meter: page.locator('svg.talk-level'),
  };
}

// One browser for both cases (launch options are the worker's): the fake
// microphone plays the speech, and a permission prompt is refused. A context
// granted the microphone gets it without a prompt.
test.use({
  launchOptions: {
    executablePath: chromium,
    args: [
      ...baseArgs,
      '--use-fake-device-for-media-stream',
      `--use-file-for-fake-audio-capture=${speechWav}`,
      '--deny-permission-prompts',
    ],
  },
});

test.describe('with the microphone allowed', () => {
  test.use({ permissions: ['microphone'] });

  test('Talk streams the microphone to Hearth as 100 ms frames of 16 kHz PCM, and a second tap ends it', async ({
    page,
    hearth,
  }) => {
    const server = await hearth.start();
    // A page may use the microphone only if its Permissions-Policy lets it.
    const policy = (await fetch(`${server.url}/`)).headers.get('permissions-policy') ?? '';
    expect(
      policy,
      'src/main/server/securityHeaders.ts must allow the microphone to the page itself: microphone=(self)',
    ).not.toMatch(/microphone=\(\)/);
    await spyOnAudio(page);
    await openAsOwner(page, server);
    await waitUntilReady(page);
    const { talk, status, meter } = voiceControls(page);
    await expect(talk).toHaveAttribute('aria-pressed', 'false');
    await expect(status).toHaveText('');

    await talk.click();
    await expect(talk).toHaveAttribute('aria-pressed', 'true');
    await expect(status).toHaveText('Listening');
    // The meter follows the speech.
    await expect
      .poll(async () => Number(await meter.getAttribute('data-level')), { timeout: 10_000 })
      .toBeGreaterThan(0.01);
    // Two seconds of audio: twenty frames.
    await expect
      .poll(async () => (await frames(page)).length, { timeout: 10_000 })
      .toBeGreaterThan(20);

    await talk.click();
    await expect(talk).toHaveAttribute('aria-pressed', 'false');
    await expect(status).not.toHaveText('Listening');
    await expect(meter).toHaveAttribute('data-level', '0.000');

    // The utterance's frames: one id, start on the first, end on the last, full frames between.
    await expect
      .poll(async () => (await frames(page)).some((f) => (f.flags & 0b10) !== 0))
      .toBe(true);
    const sent = await frames(page);
    const first = sent[0];
    const last = sent.at(-1);
    expect(sent.every((f) => f.kind === 0xa1 && f.utterance === first?.utterance)).toBe(true);
    expect(sent.map((f) => f.flags)).toEqual([0b01, ...Array(sent.length - 2).fill(0), 0b10]);
    expect(sent.slice(0, -1).every((f) => f.bytes === 8 + 1600 * 2)).toBe(true);
    expect(last?.bytes).toBeLessThanOrEqual(8 + 1600 * 2);
    expect((last?.bytes ?? 0) % 2).toBe(0);
    // Real sound, not silence, in what was sent.
    expect(Math.max(...sent.map((f) => f.rms))).toBeGreaterThan(0.02);

    // 16,000 samples a second: the frames hold as much audio as the time over which they came.
    const samples = sent.reduce((n, f) => n + (f.bytes - 8) / 2, 0);
    const audioMs = (samples * 1000) / 16_000;
    const spanMs = (last?.at ?? 0) - (first?.at ?? 0) + 100;
    expect(audioMs).toBeGreaterThan(spanMs * 0.8);
    expect(audioMs).toBeLessThan(spanMs * 1.2);

    // Hearth took it whole: its length is exactly the samples sent.
    await expect
      .poll(() => server.logs().filter((l) => l.event_type === 'utterance_received').length)
      .toBe(1);
    const received = server.logs().find((l) => l.event_type === 'utterance_received');
    expect(received?.context).toMatchObject({
      why: 'ended',
      durationMs: Math.round(audioMs),
    });
    // No frame was refused (bad, or too many a second), and nothing was cut or dropped.
    const trouble = /^(ws_bad_frame|ws_flood|utterance_cut|utterance_dropped)$/;
    expect(server.logs().filter((l) => trouble.test(l.event_type ?? ''))).toEqual([]);

    // The microphone is open only while listening.
    await expect
      .poll(() =>
        page.evaluate(() =>
          window.__micStreams.flatMap((s) => s.getTracks()).map((t) => t.readyState),
        ),
      )
      .toEqual(['ended']);
  });
});

test.describe('with the permission refused', () => {
  test('Talk says in one sentence that the permission was refused, and stays off', async ({
    page,
    hearth,
  }) => {
    const server = await hearth.start();
    await openAsOwner(page, server);
    await waitUntilReady(page);
    const { talk, status } = voiceControls(page);
    await talk.click();
    await expect(page.getByRole('alert')).toHaveText('Microphone permission was refused.');
    await expect(talk).toHaveAttribute('aria-pressed', 'false');
    await expect(talk).toHaveAccessibleDescription('Microphone permission was refused.');
    await expect(status).toHaveText('');
  });
});
