/**
 * The set-up every browser test file shares: its app started once for the file (startE2eApp), a fresh browser context
 * per scenario collecting console and page errors, the local sign-in, and the axe scan for serious violations.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

import { AxeBuilder } from '@axe-core/playwright';
import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';

import type { Embedded } from '../../src/entries/embedded.js';
import { startE2eApp, type E2eApp } from './embedded-harness.js';

/** Where the browser tests put their screenshots (test-results/screenshots/). */
export const SHOTS = join(import.meta.dirname, '..', '..', 'test-results', 'screenshots');

export interface OpenedPage {
  page: Page;
  context: BrowserContext;
  /** Console errors and page errors, in order. */
  problems: string[];
  close(): Promise<void>;
}

export interface OpenOptions extends BrowserContextOptions {
  /** Console errors that are the point of the scenario (a refused request shows as a failed resource load). */
  expectedConsoleErrors?: RegExp;
  /** Installs a controllable clock (time flows as usual until the test runs it forward): background refresh timers. */
  clock?: boolean;
}

export interface E2eSession {
  readonly embedded: Embedded;
  readonly browser: Browser;
  /** The app's origin (https, localhost, port 0). */
  readonly base: string;
  /** A fresh browser context (its own sessionStorage), 1280×900 in ja-JP unless `options` says otherwise. */
  open(options?: OpenOptions): Promise<OpenedPage>;
  /** Signs in on the local sign-in page as the demo user with this display name, returning to `path`. */
  signIn(page: Page, name: string, path?: string): Promise<void>;
  /** `open` then `signIn`. */
  signedIn(name: string, path?: string, options?: OpenOptions): Promise<OpenedPage>;
}

/**
 * Starts the file's app in `beforeAll` (in a fresh folder named `prefix…`, dist/ checked as `npm start` does) and
 * stops it in `afterAll`. Call at the top level of an e2e file.
 */
export function useE2eApp(prefix: string): E2eSession {
  let app: E2eApp | undefined;
  const started = (): E2eApp => {
    if (!app) throw new Error(`the e2e app ${prefix} is not started: use it inside a test`);
    return app;
  };
  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    app = await startE2eApp(prefix, { build: true });
  });
  afterAll(async () => {
    await app?.close();
  });
  const session: E2eSession = {
    get embedded() {
      return started().embedded;
    },
    get browser() {
      return started().browser;
    },
    get base() {
      return started().embedded.graph.url;
    },
    async open(options = {}) {
      const { expectedConsoleErrors, clock, ...contextOptions } = options;
      const context = await started().browser.newContext({ ignoreHTTPSErrors: true, locale: 'ja-JP', viewport: { width: 1280, height: 900 }, ...contextOptions });
      const page = await context.newPage();
      if (clock) await page.clock.install();
      const problems: string[] = [];
      page.on('console', (m) => {
        if (m.type() === 'error' && !expectedConsoleErrors?.test(m.text())) problems.push(m.text());
      });
      page.on('pageerror', (e) => problems.push(e.message));
      return { page, context, problems, close: () => context.close() };
    },
    async signIn(page, name, path = '/') {
      await page.goto(`${session.base}/_local/signin?returnTo=${encodeURIComponent(path)}`);
      await page.getByRole('button', { name }).click();
      await page.getByTestId('signed-in-user').waitFor();
    },
    async signedIn(name, path = '/', options = {}) {
      const opened = await session.open(options);
      await session.signIn(opened.page, name, path);
      return opened;
    },
  };
  return session;
}

/** axe-core's serious and critical violations on the page, one line each with where (empty when there are none). */
export async function axeSerious(page: Page): Promise<string[]> {
  const result = await new AxeBuilder({ page }).analyze();
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.help} (${v.nodes.length}×: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}; e.g. ${v.nodes[0]?.html.slice(0, 300) ?? ''})`);
}
