// Flat config. Layer boundaries from docs/style (11.1) are enforced with no-restricted-imports.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const restrict = (patterns) => ({ 'no-restricted-imports': ['error', { patterns }] });

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', 'data/**', '.tsbuild/**', 'bench-results/**', 'samples/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: { ...globals.node },
      ecmaVersion: 2022,
      sourceType: 'module',
      // Type information for the promise and throw rules below (style guide 11.7).
      parserOptions: { projectService: { allowDefaultProject: ['*.js', 'scripts/*.mjs', 'bin/*.mjs'] }, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/only-throw-error': 'error',
      '@typescript-eslint/prefer-promise-reject-errors': 'error',
      // Tests use `it`, never `test` (style guide 11.5).
      'no-restricted-syntax': ['error', { selector: "CallExpression[callee.name='test'], CallExpression[callee.object.name='test']", message: 'Use `it`, not `test`.' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-template-curly-in-string': 'error',
      'prefer-promise-reject-errors': 'error',
      'no-control-regex': 'off',
      'no-irregular-whitespace': 'off',
    },
  },
  {
    // Browsers start through test/support/browser.ts: it finds one on a machine without a system Chromium (#7).
    files: ['test/**/*.ts', 'scripts/**/*.ts'],
    ignores: ['test/support/browser.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: [{ name: 'playwright-core', importNames: ['chromium', 'firefox', 'webkit'], message: 'Launch with launchChromium() from test/support/browser.ts (system Chromium, else the npm one).' }] }],
    },
  },
  {
    files: ['src/core/**/*.ts'],
    rules: restrict([
      { group: ['**/graph/**', '**/hosts/**', '**/ui/**', '**/io/**', '**/emulator/**', '**/entries/**', '**/cli/**'], message: 'src/core is pure: it may not import other layers.' },
      { group: ['@microsoft/*', 'react', 'react-dom', 'better-sqlite3', 'node:*', 'fs', 'path', 'http', 'https'], message: 'src/core is pure: no SDKs, no Node APIs.' },
    ]),
  },
  {
    files: ['src/graph/**/*.ts'],
    rules: restrict([{ group: ['**/hosts/**', '**/ui/**', '**/emulator/**'], message: 'graph may import core only.' }]),
  },
  {
    files: ['src/io/**/*.ts'],
    rules: restrict([{ group: ['**/graph/**', '**/hosts/**', '**/ui/**', '**/emulator/**'], message: 'io may import core only.' }]),
  },
  {
    files: ['src/emulator/**/*.ts'],
    rules: restrict([
      { group: ['**/graph/**', '@microsoft/microsoft-graph-client'], message: 'The emulator must not share the client\'s Graph mapping (a shared bug would hide itself).' },
    ]),
  },
);
