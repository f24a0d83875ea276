import { resolve } from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'electron-vite';

export default defineConfig({
  main: {
    build: {
      rollupOptions: {
        // index.js is the Electron kiosk; serve.js runs the same services under plain Node.
        input: {
          index: resolve(import.meta.dirname, 'src/main/electron/index.ts'),
          serve: resolve(import.meta.dirname, 'src/main/serve.ts'),
          // Worker entry points must be separate files so worker_threads can load them.
          'workers/coreLoad': resolve(import.meta.dirname, 'src/main/threads/workers/coreLoad.mjs'),
        },
      },
    },
  },
  preload: {
    build: {
      rollupOptions: {
        input: { index: resolve(import.meta.dirname, 'src/preload/index.ts') },
        // A sandboxed preload can only be CommonJS.
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve(import.meta.dirname, 'src/renderer'),
    build: {
      // electron-vite leaves bundles unminified; the renderer is also what phones
      // download over Wi-Fi, so it is minified (JS and CSS).
      minify: true,
      rollupOptions: { input: { index: resolve(import.meta.dirname, 'src/renderer/index.html') } },
    },
    plugins: [react()],
  },
});
