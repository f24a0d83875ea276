// ESLint rule `hearth/layers`: each folder may import only the folders listed for
// it, the way VS Code's code-import-patterns keeps its layers apart. Relative
// imports are resolved to a path in the repository and matched to the nearest
// layer above them. Tests (*.test.*, src/testing) may import any layer; nothing
// else may import src/testing or bench/.
import { dirname, relative, resolve } from 'node:path';

/** Layer folder -> folders it may import (besides itself). Order does not matter. */
export const LAYERS = {
  'src/shared': [],
  'src/main/base': ['src/shared'],
  // Leaving the kiosk: the PIN, its gate and the port the Electron side fills in.
  'src/main/kioskExit': ['src/shared', 'src/main/base'],
  'src/main/config': ['src/shared', 'src/main/base', 'src/main/kioskExit'],
  'src/main/contracts': ['src/shared', 'src/main/base', 'src/main/config'],
  'src/main/threads': ['src/shared', 'src/main/base', 'src/main/contracts', 'src/main/config'],
  'src/main/storage': ['src/shared', 'src/main/base', 'src/main/contracts', 'src/main/config'],
  'src/main/conversations': [
    'src/shared',
    'src/main/base',
    'src/main/contracts',
    'src/main/config',
    'src/main/storage',
  ],
  'src/main/inference': [
    'src/shared',
    'src/main/base',
    'src/main/contracts',
    'src/main/config',
    'src/main/threads',
  ],
  'src/main/thermal': [
    'src/shared',
    'src/main/base',
    'src/main/contracts',
    'src/main/config',
    'src/main/threads',
  ],
  'src/main/models': [
    'src/shared',
    'src/main/base',
    'src/main/contracts',
    'src/main/config',
    'src/main/threads',
  ],
  // Voice engines: voice activity detection, speech to text and text to speech.
  'src/main/voice': [
    'src/shared',
    'src/main/base',
    'src/main/contracts',
    'src/main/config',
    'src/main/threads',
  ],
  // Voice model downloads reuse the language models' downloader (transfer, lock,
  // integrity) and the voice floor's child-process owner (tar runs there).
  'src/main/voice/models': [
    'src/shared',
    'src/main/base',
    'src/main/contracts',
    'src/main/config',
    'src/main/threads',
    'src/main/rpc',
    'src/main/models',
    'src/main/voice',
  ],
  // The `npm run model` entry point hands the voice model commands to models/commands.ts.
  'src/main/models/cli.ts': [
    'src/shared',
    'src/main/base',
    'src/main/config',
    'src/main/models',
    'src/main/voice/models',
  ],
  'src/main/pairing': ['src/shared', 'src/main/base', 'src/main/contracts', 'src/main/config'],
  'src/main/rpc': ['src/shared', 'src/main/base', 'src/main/contracts', 'src/main/config'],
  'src/main/clients': [
    'src/shared',
    'src/main/base',
    'src/main/contracts',
    'src/main/config',
    'src/main/rpc',
  ],
  // A prompt and its answer, from the command to the saved message.
  'src/main/chat': [
    'src/shared',
    'src/main/base',
    'src/main/contracts',
    'src/main/config',
    'src/main/rpc',
    'src/main/inference',
    'src/main/conversations',
  ],
  // The model in use: download, copy, check and switch to one.
  'src/main/modelSetup': [
    'src/shared',
    'src/main/base',
    'src/main/contracts',
    'src/main/config',
    'src/main/threads',
    'src/main/rpc',
    'src/main/inference',
    'src/main/models',
  ],
  'src/main/settings': [
    'src/shared',
    'src/main/base',
    'src/main/contracts',
    'src/main/config',
    'src/main/kioskExit',
    'src/main/rpc',
    'src/main/inference',
  ],
  // A handler for every command, over the features above.
  'src/main/commands': [
    'src/shared',
    'src/main/base',
    'src/main/contracts',
    'src/main/config',
    'src/main/kioskExit',
    'src/main/rpc',
    'src/main/inference',
    'src/main/conversations',
    'src/main/models',
    'src/main/chat',
    'src/main/modelSetup',
    'src/main/settings',
  ],
  'src/main/server': [
    'src/shared',
    'src/main/base',
    'src/main/contracts',
    'src/main/config',
    'src/main/rpc',
    'src/main/clients',
    'src/main/pairing',
  ],
  'src/main/runtime': [
    'src/shared',
    'src/main/base',
    'src/main/contracts',
    'src/main/config',
    'src/main/kioskExit',
    'src/main/threads',
    'src/main/storage',
    'src/main/conversations',
    'src/main/inference',
    'src/main/thermal',
    'src/main/models',
    'src/main/rpc',
    'src/main/clients',
    'src/main/chat',
    'src/main/modelSetup',
    'src/main/settings',
    'src/main/commands',
    'src/main/server',
    'src/main/pairing',
    'src/main/voice',
  ],
  'src/main/electron': [
    'src/shared',
    'src/main/base',
    'src/main/contracts',
    'src/main/config',
    'src/main/kioskExit',
    'src/main/rpc',
    'src/main/clients',
    'src/main/server',
    'src/main/runtime',
  ],
  // The headless entry point, src/main/serve.ts.
  'src/main': ['src/shared', 'src/main/base', 'src/main/config', 'src/main/runtime'],
  'src/preload': ['src/shared'],
  'src/renderer': ['src/shared'],
  'src/testing': ['src/shared', 'src/main'],
};

const TEST_ONLY = ['src/testing'];

function layerOf(path) {
  let best;
  for (const layer of Object.keys(LAYERS)) {
    if ((path === layer || path.startsWith(`${layer}/`)) && (!best || layer.length > best.length)) {
      best = layer;
    }
  }
  return best;
}

function within(path, folder) {
  return path === folder || path.startsWith(`${folder}/`);
}

export const layersRule = {
  meta: {
    type: 'problem',
    docs: { description: 'Each layer imports only the layers below it' },
    schema: [],
  },
  create(context) {
    const root = context.cwd;
    const file = relative(root, context.filename).split('\\').join('/');
    const from = layerOf(file);
    const isTest = /\.test\.[cm]?tsx?$/.test(file) || within(file, 'src/testing');
    if (!from) return {};
    const check = (node, spec) => {
      if (typeof spec !== 'string' || !spec.startsWith('.')) return;
      const target = relative(root, resolve(dirname(context.filename), spec))
        .split('\\')
        .join('/');
      if (within(target, 'bench')) {
        context.report({ node, message: `${from} may not import benchmark code (${target}).` });
        return;
      }
      if (TEST_ONLY.some((t) => within(target, t)) && !isTest) {
        context.report({
          node,
          message: `Production code may not import test helpers (${target}); only tests may.`,
        });
        return;
      }
      const to = layerOf(target);
      if (!to || to === from || within(target, from) || isTest) return;
      if (LAYERS[from].some((allowed) => within(target, allowed))) return;
      context.report({
        node,
        message: `${from} may not import ${to} (allowed: ${LAYERS[from].join(', ') || 'nothing'}).`,
      });
    };
    return {
      ImportDeclaration: (node) => check(node, node.source.value),
      ExportNamedDeclaration: (node) => node.source && check(node, node.source.value),
      ExportAllDeclaration: (node) => check(node, node.source.value),
      ImportExpression: (node) => node.source.type === 'Literal' && check(node, node.source.value),
    };
  },
};

export default { rules: { layers: layersRule } };
