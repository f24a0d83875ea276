import { describe, expect, test } from 'vitest';
import { fileNameFromUrl, hubUriToUrl, refusalFor, resolveSource } from './source';

describe('refusalFor', () => {
  test.each([
    'https://huggingface.co/a/b/resolve/x/m.gguf',
    'http://127.0.0.1:8080/m.gguf',
    'http://localhost/m.gguf',
    'http://[::1]:9000/m.gguf',
  ])('allows %s', (url) => {
    expect(refusalFor(url)).toBeNull();
  });

  test.each([
    [
      'http://example.com/m.gguf',
      'only https addresses are allowed (plain http only to this computer)',
    ],
    [
      'http://192.168.1.10/m.gguf',
      'only https addresses are allowed (plain http only to this computer)',
    ],
    [
      'http://127.0.0.1.example.com/m.gguf',
      'only https addresses are allowed (plain http only to this computer)',
    ],
    ['ftp://example.com/m.gguf', 'only https addresses are allowed, not ftp'],
    ['file:///etc/passwd', 'only https addresses are allowed, not file'],
    ['not a url', 'that is not a web address'],
  ])('refuses %s', (url, reason) => {
    expect(refusalFor(url)).toBe(reason);
  });
});

describe('hf: URIs', () => {
  test('map the file form to the hub at the given revision', () => {
    expect(hubUriToUrl('hf:owner/repo/sub dir/m.gguf#abc123', {})).toBe(
      'https://huggingface.co/owner/repo/resolve/abc123/sub%20dir/m.gguf',
    );
    expect(hubUriToUrl('huggingface:owner/repo/m.gguf', {})).toBe(
      'https://huggingface.co/owner/repo/resolve/main/m.gguf',
    );
  });

  test("follow node-llama-cpp's endpoint variables, and are refused when they lead to plain http elsewhere", () => {
    expect(resolveSource('hf:o/r/m.gguf#v', { HF_ENDPOINT: 'http://127.0.0.1:9' }).url).toBe(
      'http://127.0.0.1:9/o/r/resolve/v/m.gguf',
    );
    expect(() => resolveSource('hf:o/r/m.gguf', { MODEL_ENDPOINT: 'http://mirror.lan/' })).toThrow(
      'only https addresses are allowed (plain http only to this computer) (the hub endpoint is http://mirror.lan/)',
    );
  });

  test('the quantization form must name the file instead', () => {
    expect(() => hubUriToUrl('hf:bartowski/Qwen2.5-0.5B-Instruct-GGUF:Q4_K_M', {})).toThrow(
      'name the file in the hf: address, as hf:<owner>/<repo>/<file>.gguf#<revision>',
    );
  });
});

describe('fileNameFromUrl', () => {
  test('keeps a plain .gguf name and makes odd characters safe', () => {
    expect(fileNameFromUrl('https://h/x/Qwen2.5-0.5B-Q4_K_M.gguf?download=true')).toBe(
      'Qwen2.5-0.5B-Q4_K_M.gguf',
    );
    expect(fileNameFromUrl('https://h/x/my%20model.gguf')).toBe('my_model.gguf');
    expect(fileNameFromUrl('https://h/x/..%2F..%2Fescape.gguf')).toBe('_.._escape.gguf');
  });

  test('refuses what is not a single .gguf file', () => {
    expect(() => fileNameFromUrl('https://h/x/model.bin')).toThrow(
      'the address does not name a .gguf file',
    );
    expect(() => fileNameFromUrl('https://h/x/m-00001-of-00003.gguf')).toThrow(/split models/);
  });
});
