/**
 * A large legitimate document (#8 item 5): `followup import` runs it in a child with a heap sized from the file, so
 * the peak stays under 150 MB + 10 × its size, and prints exactly what an in-process import prints.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

import { afterAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'followup-large-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('followup import of a large file', () => {
  it('stays under the memory goal and prints the same JSON as without the heap cap', () => {
    const one = `${readFileSync(join(ROOT, 'samples/003_21f51c2eed719b65.txt'), 'utf8')}\n`;
    const file = join(dir, 'big.txt');
    writeFileSync(file, one.repeat(Math.ceil((3 * 1024 * 1024) / Buffer.byteLength(one))));
    const megabytes = readFileSync(file).length / (1024 * 1024);
    const rss = join(dir, 'rss');
    const run = (env: Record<string, string>) =>
      spawnSync(process.execPath, ['--import', pathToFileURL(join(ROOT, 'scripts/rss-hook.mjs')).href, 'bin/followup.mjs', 'import', file, '--json'], {
        cwd: ROOT,
        env: { ...process.env, RSS_HOOK_FILE: rss, ...env },
        encoding: 'utf8',
        maxBuffer: 512 * 1024 * 1024,
        timeout: 120_000,
      });
    const capped = run({});
    const peakMb = Number(readFileSync(rss, 'utf8')) / 1024;
    rmSync(rss);
    const plain = run({ FOLLOWUP_HEAP_SET: '1' });
    expect(capped.status).toBe(0);
    expect(peakMb).toBeLessThan(150 + 10 * megabytes);
    expect(capped.stdout.length).toBeGreaterThan(1_000_000);
    expect(capped.stdout).toBe(plain.stdout);
  });
});
