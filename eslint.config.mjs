// ESLint flat config (npm run lint): typescript-eslint's recommended rules for the TypeScript, ESLint's for
// the plain JavaScript of scripts/. Formatting is Prettier's (.prettierrc.json), not ESLint's.
//
// The project compiles with TypeScript 7 (the native compiler, package `typescript`), which has no JavaScript
// API; typescript-eslint parses with the JavaScript API of TypeScript 6, installed as `typescript-for-lint`.
// Requests for 'typescript' made by typescript-eslint's own packages are answered with that one.
import { createRequire } from 'node:module';
import Module from 'node:module';
import js from '@eslint/js';
import globals from 'globals';

const require = createRequire(import.meta.url);
const lintTypescript = require.resolve('typescript-for-lint');
const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, parent, ...rest) {
  if (
    request === 'typescript' &&
    parent?.filename &&
    /[\\/]node_modules[\\/](@typescript-eslint|typescript-eslint|ts-api-utils)[\\/]/.test(parent.filename)
  ) {
    return lintTypescript;
  }
  return resolve.call(this, request, parent, ...rest);
};
const { default: tseslint } = await import('typescript-eslint');

export default tseslint.config(
  {
    ignores: [
      'dist/',
      'node_modules/',
      '.node-red-user/',
      '.ci-cache/',
      'resources/',
      'test-output/',
      'test/fake-tapi32/',
      'bench/results.json',
    ],
  },
  js.configs.recommended,
  {
    files: ['**/*.ts'],
    extends: [tseslint.configs.recommended],
    rules: {
      // The house convention: a leading _ marks a parameter or binding that is deliberately unused.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_' }],
      // Node-RED's constructor idiom: `const node = this`.
      '@typescript-eslint/no-this-alias': ['error', { allowedNames: ['node'] }],
    },
  },
  {
    // Tests and the bench reach untyped things (the test helper, the browser page's globals): any is allowed there.
    // They also load providers lazily, as openTapi does, and Node-RED from NODE_RED_PREFIX: require is allowed.
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off', '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    languageOptions: { globals: { ...globals.node } },
  },
);
