// The browser choice of test/support/browser.ts (#7); the launch itself is proven by the e2e project, with and
// without a system Chromium (/work/shared/tools/without-chromium).
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { describeBrowser, findSystemChromium, type ChromiumExecutable } from './browser.js';

let dir: string;
let fake: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'browser-choice-'));
  mkdirSync(join(dir, 'bin'));
  fake = join(dir, 'bin', 'chromium');
  writeFileSync(fake, '#!/bin/sh\n');
  chmodSync(fake, 0o755);
  writeFileSync(join(dir, 'bin', 'chromium-browser'), 'not executable');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const absent = (): string => join(dir, 'no-such-chromium');

describe('findSystemChromium', () => {
  it('takes CHROMIUM_PATH first, and refuses one that is not an executable file', () => {
    expect(findSystemChromium({ CHROMIUM_PATH: fake, PATH: '' }, absent())).toMatchObject({ executablePath: fake, source: 'CHROMIUM_PATH' });
    expect(() => findSystemChromium({ CHROMIUM_PATH: join(dir, 'bin', 'chromium-browser') })).toThrow(`CHROMIUM_PATH=${join(dir, 'bin', 'chromium-browser')} is not an executable file`);
    expect(() => findSystemChromium({ CHROMIUM_PATH: join(dir, 'bin') })).toThrow('is not an executable file');
  });

  it('then the system path, then chromium on PATH, else null (the npm Chromium)', () => {
    expect(findSystemChromium({ PATH: join(dir, 'bin') }, fake)).toMatchObject({ executablePath: fake, source: 'system', label: `system Chromium ${fake}` });
    expect(findSystemChromium({ PATH: `/nonexistent:${join(dir, 'bin')}` }, absent())).toMatchObject({ executablePath: fake, label: `system Chromium ${fake} (PATH)` });
    // A non-executable chromium-browser on PATH does not count.
    rmSync(fake);
    try {
      expect(findSystemChromium({ PATH: join(dir, 'bin') }, absent())).toBeNull();
    } finally {
      writeFileSync(fake, '#!/bin/sh\n');
      chmodSync(fake, 0o755);
    }
  });
});

describe('describeBrowser', () => {
  const npm: ChromiumExecutable = { executablePath: '/x/chromium', source: 'npm', label: 'Chromium of the npm package @sparticuz/chromium 147.0.0 (no system Chromium)', env: {} };

  it('says which browser ran and that missing CJK fonts only matter for screenshots', () => {
    expect(describeBrowser(npm, '147.0.7727.0', { present: false, families: [] })).toBe(
      'browser: Chromium 147.0.7727.0, Chromium of the npm package @sparticuz/chromium 147.0.0 (no system Chromium); CJK fonts: none (fc-list :lang=ja is empty): the tests still pass, but screenshots draw Japanese as empty boxes; install fonts-noto-cjk before taking any',
    );
    expect(describeBrowser(npm, '147.0.7727.0', { present: true, families: ['Noto Sans CJK JP', 'Noto Serif CJK JP', 'IPAGothic', 'X'] })).toContain(
      'CJK fonts: present (Noto Sans CJK JP, Noto Serif CJK JP, IPAGothic, …): screenshots show Japanese',
    );
    expect(describeBrowser(npm, '1', { present: null, families: [] })).toContain('CJK fonts: unknown (no fc-list)');
  });
});
