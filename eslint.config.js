import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import tseslint from 'typescript-eslint';
import hearth from './scripts/lint/plugin.mjs';

export default tseslint.config(
  { ignores: ['out', 'dist', 'coverage', 'node_modules', 'test-results', 'playwright-report'] },
  js.configs.recommended,
  ...tseslint.configs.strict,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  {
    // Layers by folder: scripts/lint/layers.mjs lists what each folder may import.
    files: ['src/**/*.{ts,tsx}'],
    plugins: { hearth },
    rules: { 'hearth/layers': 'error' },
  },
  {
    // No import cycles, type-only ones included, inside a folder as well as across
    // folders (the layer rule sees only imports that cross a layer): scripts/lint/noCycle.mjs.
    files: ['src/**/*.{ts,tsx}', 'bench/**/*.ts', 'scripts/**/*.{mjs,ts}', 'e2e/**/*.ts'],
    plugins: { hearth },
    rules: { 'hearth/no-cycle': 'error' },
  },
  {
    // Codes, tokens, PINs and secrets are compared in constant time: scripts/lint/secretCompare.mjs.
    files: [
      'src/main/pairing/**/*.ts',
      'src/main/server/**/*.ts',
      'src/main/kioskExit/kioskPin*.ts',
    ],
    ignores: ['**/*.test.ts'],
    rules: { 'hearth/secret-compare': 'error' },
  },
  {
    // Services are plain Node; only the Electron adapter may touch electron.
    files: ['src/main/**/*.ts'],
    ignores: ['src/main/electron/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: [{ name: 'electron', message: 'Only src/main/electron may import electron.' }] },
      ],
    },
  },
  {
    files: ['src/renderer/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      'no-restricted-imports': [
        'error',
        {
          paths: [
            { name: 'electron', message: 'The renderer talks to main only through its transport.' },
          ],
          patterns: [
            {
              group: ['**/main/**', '**/preload/**'],
              message: 'The renderer never imports src/main.',
            },
            { group: ['node:*'], message: 'The renderer runs in a browser.' },
          ],
        },
      ],
    },
  },
  {
    files: ['src/shared/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: ['electron'],
          patterns: ['**/main/**', '**/renderer/**', '**/preload/**', 'node:*'],
        },
      ],
    },
  },
);
