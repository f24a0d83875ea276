// 16-bit samples from one rate to another by linear interpolation: enough for
// the recognizer test to hear a 22.05 kHz voice at the 16 kHz it listens at.
export function resample(pcm: Int16Array, from: number, to: number): Int16Array {
  if (from === to || pcm.length === 0) return pcm;
  const length = Math.max(1, Math.round((pcm.length * to) / from));
  const out = new Int16Array(length);
  const step = from / to;
  for (let i = 0; i < length; i++) {
    const at = i * step;
    const left = Math.min(pcm.length - 1, Math.floor(at));
    const right = Math.min(pcm.length - 1, left + 1);
    const fraction = at - left;
    out[i] = Math.round((pcm[left] ?? 0) * (1 - fraction) + (pcm[right] ?? 0) * fraction);
  }
  return out;
}
