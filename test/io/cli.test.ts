/**
 * The real `followup` CLI as a child process (#2): JSON on stdout parses as the documented ImportResult, the summary
 * goes to stderr, and the exit codes are the ones the README promises (0 clean, 3 errors, 1 nothing imported, 2 usage).
 */
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { ImportResult } from '../../src/core/model/schema.js';
import { SEED_000, SEED_004, seedText } from './tsv/seeds.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

function followup(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['bin/followup.mjs', ...args], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

let dir = '';
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'followup-cli-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('followup import (child process)', { timeout: 30_000 }, () => {
  it('prints 000 as ImportResult JSON with the stable names and a summary on stderr, exit 0', () => {
    const r = followup('import', `samples/${SEED_000}`, '--json');
    expect(r.code).toBe(0);
    const parsed = ImportResult.parse(JSON.parse(r.stdout));
    expect(parsed.reports.map((x) => [x.organization, x.fiscalYear, x.layout, x.rows.length])).toEqual([
      ['総務省', 2023, 'L-R5-FOCUS', 2],
      ['総務省', 2023, 'L-R5-OVERVIEW', 15],
    ]);
    const indicator = parsed.reports[1]?.rows.find((row) => row.title === '男性職員の育児休業取得率');
    expect(indicator).toMatchObject({ kind: 'indicator', source: { file: SEED_000, line: 25 } });
    expect(indicator?.indicatorValues[1]).toMatchObject({
      category: null,
      valueKind: 'current',
      valuePercent: 66.3,
      valueText: '66.3%',
      qualifier: null,
      asOfStart: '2022-04-01',
      asOfEnd: '2023-03-31',
    });
    const focus = parsed.reports[0]?.rows[0];
    expect(focus).toMatchObject({ kind: 'focus', title: 'モチベーションの向上', focusItem: 'モチベーションの向上', status: null, reasonNotPlanned: null });
    expect(focus?.guidelineRefs[0]).toMatchObject({ nodeId: 'G2024:Ⅱ-3', resolution: 'exact' });
    expect(r.stderr).toContain(`${SEED_000}: L-R5-OVERVIEW 総務省 令和5年度 (FY2023) — 15 rows (initiative 8, indicator 4, survey 3), 10 issues`);
    expect(r.stderr).toContain('reports: 2, plans: 0, issues: 10 (error 0, warning 8, info 2)');
    // Each listed issue gives the Japanese and the English message.
    expect(r.stderr).toContain(`[warning] ${SEED_000}:38:0 cells STRAY_FRAGMENT: ${SEED_000} 38行目: 表の行として解釈できない断片「ほかの」を無視しました。`);
    expect(r.stderr).toMatch(/STRAY_FRAGMENT: .*\n {6}\S.*ほかの/);
  });

  it('without --json prints nothing on stdout', () => {
    const r = followup('import', `samples/${SEED_004}`);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`${SEED_004}: L-R7 外務省 令和7年度 (FY2025) — 17 rows (initiative 8, indicator 5, survey 4), 1 issues`);
  });

  it('exits 3 and names file, line, field and reason for 令和0年13月 and 120% in a 数値 cell', () => {
    const file = join(dir, 'edited-004.txt');
    writeFileSync(file, seedText(SEED_004).replace('現状：42.3%(令和5年度)\t', '現状：120%(令和0年13月)\t'));
    const r = followup('import', file, '--json');
    expect(r.code).toBe(3);
    const issues = ImportResult.parse(JSON.parse(r.stdout)).reports[0]?.issues.filter((i) => i.severity === 'error');
    expect(issues?.map((i) => [i.code, i.file, i.line, i.field, i.rowKey])).toEqual([
      ['PERCENT_OUT_OF_RANGE', 'edited-004.txt', 15, 'indicatorValues', 'L-R7/数値/男性職員の育児休業取得率'],
      ['INVALID_DATE', 'edited-004.txt', 15, 'indicatorValues', 'L-R7/数値/男性職員の育児休業取得率'],
    ]);
    expect(r.stderr).toContain('[error] edited-004.txt:15:2 indicatorValues');
  });

  it('exits 1 with one clear file issue for an empty file, a directory, a missing file and an unrelated document', () => {
    const empty = join(dir, 'empty.txt');
    writeFileSync(empty, '');
    const sub = join(dir, 'sub');
    mkdirSync(sub);
    for (const [path, code] of [
      [empty, 'EMPTY_FILE'],
      [sub, 'NOT_A_FILE'],
      [join(dir, 'missing.txt'), 'FILE_NOT_FOUND'],
      ['README.md', 'UNKNOWN_DOCUMENT'],
    ] as const) {
      const r = followup('import', path, '--json');
      expect(r.code, path).toBe(1);
      const parsed = ImportResult.parse(JSON.parse(r.stdout));
      expect(parsed.issues.map((i) => [i.severity, i.code])).toEqual([['error', code]]);
      expect(r.stderr).toContain(code);
      expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
    }
  });

  it('exits 2 with the usage on a usage error, never a stack trace', () => {
    for (const args of [[], ['import'], ['import', '--bogus', 'x'], ['render', `samples/${SEED_004}`], ['nonsense']]) {
      const r = followup(...args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toContain('usage:');
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
  });
});

describe('followup import refuses what is not a document, before reading it (#8 item 5)', { timeout: 60_000 }, () => {
  /** Runs the CLI asynchronously (the test process must stay responsive: it serves the socket below). */
  const run = (...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string; ms: number }> =>
    new Promise((resolve) => {
      const started = Date.now();
      const child = spawn(process.execPath, ['bin/followup.mjs', ...args], { cwd: ROOT });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
      // A FIFO read would block for ever: kill after 30 s so the assertion, not the runner, reports it.
      const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      child.on('close', (code) => {
        clearTimeout(timer);
        resolve({ code, stdout, stderr, ms: Date.now() - started });
      });
    });

  it('/dev/zero, a FIFO, a socket and a sparse 21 MB file: exit 1, one clear issue each, no hang', async () => {
    const fifo = join(dir, 'pipe');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    const sock = join(dir, 'cli.sock');
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(sock, resolve));
    const sparse = join(dir, 'sparse.txt');
    closeSync(openSync(sparse, 'w'));
    expect(spawnSync('truncate', ['-s', String(21 * 1024 * 1024), sparse]).status).toBe(0);
    try {
      for (const [path, code, what] of [
        ['/dev/zero', 'NOT_A_REGULAR_FILE', 'a character device'],
        [fifo, 'NOT_A_REGULAR_FILE', 'a named pipe (FIFO)'],
        [sock, 'NOT_A_REGULAR_FILE', 'a socket'],
        [sparse, 'FILE_TOO_LARGE', 'the limit is 20.0 MB'],
      ] as const) {
        const r = await run('import', path, '--json');
        expect(r.code, path).toBe(1);
        const parsed = ImportResult.parse(JSON.parse(r.stdout));
        expect(parsed.issues.map((i) => [i.severity, i.code, i.value])).toEqual([['error', code, path]]);
        expect(r.stderr).toContain(`${code}: ${path}: `);
        expect(r.stderr).toContain(what);
        expect(r.stderr).not.toMatch(/\n\s+at /);
      }
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it('imports the documents of a batch and refuses the FIFO among them (exit 3)', async () => {
    const fifo = join(dir, 'pipe2');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    const r = await run('import', `samples/${SEED_004}`, fifo, '--json');
    expect(r.code).toBe(3);
    const parsed = ImportResult.parse(JSON.parse(r.stdout));
    expect(parsed.reports.map((x) => x.layout)).toEqual(['L-R7']);
    expect(parsed.issues.map((i) => i.code)).toEqual(['NOT_A_REGULAR_FILE']);
  });
});

describe('followup render (child process)', { timeout: 30_000 }, () => {
  it('says what is wrong before the usage (ja + en), exit 2', () => {
    const cases: [string[], string][] = [
      [['render', `samples/${SEED_004}`], 'error: --layout を指定してください（L-R2, L-R5-FOCUS, L-R5-OVERVIEW, L-R6-COMPILATION, L-R7）。 / --layout is required'],
      [['render', `samples/${SEED_004}`, '--layout', 'L-R7', '--format', 'pdf'], 'error: --format pdf には対応していません（tsv, html）。 / unsupported --format pdf (tsv, html).'],
      [['render', `samples/${SEED_004}`, '--layout', 'L-R9'], 'error: --layout L-R9 は不明です'],
      [['render', '--layout', 'L-R7'], 'error: 描画する文書ファイルを指定してください。 / give the document file to render.'],
    ];
    for (const [args, line] of cases) {
      const r = followup(...args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr.split('\n')[0]).toContain(line);
      expect(r.stderr).toContain('usage:');
    }
  });

  it('writes 004 back as TSV whose data lines equal the source after whitespace normalisation', () => {
    const r = followup('render', `samples/${SEED_004}`, '--layout', 'L-R7');
    expect(r.code).toBe(0);
    const norm = (t: string): string[] => t.split('\n').map((l) => l.replace(/\s+/g, ' ').trim());
    const got = norm(r.stdout);
    const want = norm(seedText(SEED_004));
    expect(got.filter((l) => l.startsWith('数値'))).toEqual(want.filter((l) => l.startsWith('数値')));
  });

  it('writes HTML with a table when asked', () => {
    const r = followup('render', `samples/${SEED_004}`, '--layout', 'L-R7', '--format', 'html');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('<table');
    expect(r.stdout).toContain('男性職員の育児休業取得率');
  });

  it('exits 1 when the document has no report in the asked layout', () => {
    const r = followup('render', `samples/${SEED_004}`, '--layout', 'L-R2');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('has no report in layout L-R2');
  });
});
