// A client in a process of its own, so what it costs is not counted against the
// server's event loop: it says hello, sends every frame of a file as fast as the
// socket takes them, and writes down every reply until it has the number expected.
// Usage: node frameSender.mjs <ws url> <frames.json> <replies.json> <repo root> <expected>
import { Buffer } from 'node:buffer';
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import process from 'node:process';
import { clearTimeout, setTimeout } from 'node:timers';

const [url, input, output, root, expectedText] = process.argv.slice(2);
const WebSocket = createRequire(`${root}/package.json`)('ws');
const expected = Number(expectedText);
/** @type {{ text?: string; base64?: string }[]} */
const frames = JSON.parse(readFileSync(input, 'utf8'));
const replies = [];
const socket = new WebSocket(url);

const finish = (code) => {
  writeFileSync(output, JSON.stringify({ replies, closeCode: code }));
  process.exit(0);
};
const deadline = setTimeout(() => finish(-1), 60_000);
socket.on('message', (data) => {
  replies.push(String(data));
  if (replies.length >= expected) {
    clearTimeout(deadline);
    socket.close();
  }
});
socket.on('close', (code) => finish(code));
socket.on('error', () => {});
socket.on('open', () => {
  socket.send(JSON.stringify({ t: 'hello' }));
  for (const frame of frames) {
    socket.send(frame.base64 === undefined ? frame.text : Buffer.from(frame.base64, 'base64'));
  }
});
