// Flat config. Layer boundaries from docs/style (11.1) are enforced with no-restricted-imports.
import { builtinModules } from 'node:module';

import js from '@eslint/js';
import jsxA11y from 'eslint-plugin-jsx-a11y';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const restrict = (...patterns) => ({ 'no-restricted-imports': ['error', { patterns: patterns.flat() }] });

// Code a browser bundle uses (#10): no Node APIs, no Node-only packages, no Node-only layers. `npm run test:build`
// fails on what slips through; this names the rule at the import.
const BROWSER_FILES = ['src/core/**/*.ts', 'src/data/**/*.ts', 'src/graph/**/*.ts', 'src/hosts/**/*.ts', 'src/ui/**/*.{ts,tsx}', 'src/entries/*.tsx', 'src/entries/browser/**/*.{ts,tsx}'];
const BROWSER_SAFE = [
  { group: ['node:*', ...builtinModules, ...builtinModules.map((m) => `${m}/*`)], message: 'Browser code: no Node built-in modules (#10).' },
  { group: ['undici', 'better-sqlite3', 'selfsigned', 'tsx'], message: 'Browser code: no Node-only packages (#10).' },
  { group: ['**/io/**', '**/cli/**', '**/emulator/**', '**/entries/web/**', '**/entries/embedded*', '**/entries/start*'], message: 'Browser code may not import src/io, src/cli, src/emulator or the Node entries (#10).' },
];

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', 'data/**', '.tsbuild/**', 'bench-results/**', 'samples/**', '.scratch/**', 'appPackage/build/**'] },
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
  // Browser scripts served as files (pages have no inline script under their CSP): plain JS, browser globals.
  { files: ['src/**/assets/*.js'], ...tseslint.configs.disableTypeChecked },
  { files: ['src/**/assets/*.js'], languageOptions: { globals: { ...globals.browser } } },
  {
    // Browsers start through test/support/browser.ts: it finds one on a machine without a system Chromium (#7).
    files: ['test/**/*.ts', 'scripts/**/*.ts'],
    ignores: ['test/support/browser.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: [{ name: 'playwright-core', importNames: ['chromium', 'firefox', 'webkit'], message: 'Launch with launchChromium() from test/support/browser.ts (system Chromium, else the npm one).' }] }],
    },
  },
  {
    files: BROWSER_FILES,
    languageOptions: { globals: { ...globals.browser } },
    rules: restrict(BROWSER_SAFE),
  },
  {
    files: ['src/core/**/*.ts'],
    rules: restrict(BROWSER_SAFE, [
      { group: ['**/graph/**', '**/hosts/**', '**/ui/**', '**/io/**', '**/emulator/**', '**/entries/**', '**/cli/**'], message: 'src/core is pure: it may not import other layers.' },
      { group: ['@microsoft/*', 'react', 'react-dom', '@fluentui/*'], message: 'src/core is pure: no SDKs, no React.' },
    ]),
  },
  {
    files: ['src/graph/**/*.ts'],
    rules: restrict(BROWSER_SAFE, [{ group: ['**/hosts/**', '**/ui/**', '**/emulator/**'], message: 'graph may import core only.' }]),
  },
  {
    files: ['src/hosts/**/*.ts'],
    rules: restrict(BROWSER_SAFE, [
      { group: ['**/graph/**', '**/ui/**', '@microsoft/microsoft-graph-client', 'react', 'react-dom', '@fluentui/*'], message: 'hosts may import core only (style guide 11.1).' },
      // teams-js is loaded lazily by the entry and passed in, so a standalone page never downloads it.
      { group: ['@microsoft/teams-js'], message: 'hosts/teams receives teams-js from the entry (TeamsSdk); import it only with import() in src/entries.' },
    ]),
  },
  {
    files: ['src/ui/**/*.{ts,tsx}'],
    rules: {
      ...restrict(BROWSER_SAFE, [
        { group: ['**/graph/**', '@microsoft/microsoft-graph-client', '@microsoft/teams-js', '**/hosts/teams/**', '**/hosts/browser/**', '**/hosts/excel/**'], message: 'ui imports core and the HostBridge type only; services come through hooks (style guide 11.1).' },
      ]),
      'no-restricted-globals': ['error', 'Office', 'Excel', 'microsoftTeams'],
    },
  },
  {
    files: ['src/**/*.{ts,tsx}'],
    ignores: ['src/hosts/**', 'src/entries/**'],
    rules: { 'no-restricted-globals': ['error', 'Office', 'Excel', 'microsoftTeams'] },
  },
  {
    files: ['src/ui/**/*.{ts,tsx}', 'src/entries/**/*.tsx'],
    ...reactHooks.configs.flat['recommended-latest'],
  },
  {
    files: ['src/ui/**/*.tsx', 'src/entries/**/*.tsx'],
    ...jsxA11y.flatConfigs.recommended,
  },
  {
    files: ['src/data/**/*.ts'],
    rules: restrict(BROWSER_SAFE, [
      { group: ['**/graph/**', '**/hosts/**', '**/ui/**', '**/entries/**'], message: 'src/data (the UI data layer) may import core only: stores come in through RowsSource.' },
      { group: ['react', 'react-dom', '@microsoft/*', '@fluentui/*'], message: 'src/data is framework-free: React binds to it through thin hooks in src/ui.' },
    ]),
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
