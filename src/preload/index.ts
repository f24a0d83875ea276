// The preload bridge: the only way the kiosk page reaches main. It exposes two
// functions as window.hearth and never ipcRenderer itself, so the page cannot
// send on any other channel. Built as CommonJS (out/preload/index.cjs) because a
// sandboxed preload cannot be an ES module.
import { contextBridge, ipcRenderer } from 'electron';
import { createBridge } from './bridge';

contextBridge.exposeInMainWorld(
  'hearth',
  createBridge({
    send: (channel, frame) => ipcRenderer.send(channel, frame),
    on: (channel, handler) => ipcRenderer.on(channel, handler),
    removeListener: (channel, handler) => ipcRenderer.removeListener(channel, handler),
  }),
);
