import { readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'electron-vite';
import type { Plugin } from 'vite';

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
          'workers/hashFile': resolve(import.meta.dirname, 'src/main/models/workers/hashFile.mjs'),
          'workers/vad': resolve(import.meta.dirname, 'src/main/voice/workers/vad.mjs'),
          'workers/recognizer': resolve(
            import.meta.dirname,
            'src/main/voice/workers/recognizer.mjs',
          ),
          'workers/tts': resolve(import.meta.dirname, 'src/main/voice/workers/tts.mjs'),
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
    plugins: [react(), precompress()],
  },
});

/**
 * Writes a .gz and a .br beside each built text file, compressed as hard as
 * they go, once at build time: the server sends them as they are (a phone's
 * first load over plain HTTP gets gzip), and never compresses per request.
 */
function precompress(): Plugin {
  const gzipFile = promisify(gzip);
  const brotliFile = promisify(brotliCompress);
  let outDir = '';
  return {
    name: 'hearth:precompress',
    apply: 'build',
    configResolved(config) {
      outDir = config.build.outDir;
    },
    async writeBundle(_options, bundle) {
      const names = Object.keys(bundle).filter((name) => /\.(html|js|css|svg|json)$/.test(name));
      await Promise.all(
        names.map(async (name) => {
          const path = join(outDir, name);
          const content = await readFile(path);
          const [gz, br] = await Promise.all([
            gzipFile(content, { level: constants.Z_BEST_COMPRESSION }),
            brotliFile(content, {
              params: {
                [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
                [constants.BROTLI_PARAM_SIZE_HINT]: content.length,
              },
            }),
          ]);
          await Promise.all([writeFile(`${path}.gz`, gz), writeFile(`${path}.br`, br)]);
        }),
      );
    },
  };
}
