import { describe, expect, it } from 'vitest';
import { withoutPaths } from './publicMessage';

describe('withoutPaths', () => {
  it('shortens every absolute path to its file name and keeps the rest of the sentence', () => {
    expect(
      withoutPaths(
        'Model failed to load: /home/pi/.local/share/hearth/models/qwen.gguf (bad magic)',
      ),
    ).toBe('Model failed to load: qwen.gguf (bad magic)');
    expect(withoutPaths('ENOENT: open /tmp/a/b.json and /var/x/y')).toBe(
      'ENOENT: open b.json and y',
    );
  });

  it('leaves URLs, fractions and plain words alone', () => {
    const text = 'see http://192.168.1.5:8737/pair?code=x, 3/4 of a core, and/or later';
    expect(withoutPaths(text)).toBe(text);
  });
});
