// Every `followup` command answers --help on stdout with exit 0 (#7). The command list comes from `followup --help`
// itself, so a command added later is checked without touching this file.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');

function followup(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['bin/followup.mjs', ...args], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The command names `followup --help` lists under "commands:". */
function listedCommands(overview: string): string[] {
  const section = overview.split('commands:\n')[1]?.split('\n\n')[0] ?? '';
  return section.split('\n').map((l) => l.trim().split(/\s+/)[0] ?? '');
}

describe('followup --help', { timeout: 60_000 }, () => {
  const overview = followup('--help');
  const commands = listedCommands(overview.stdout);

  it('lists every command with a summary on stdout, exit 0 (also as help)', () => {
    expect(overview.code).toBe(0);
    expect(overview.stderr).toBe('');
    expect(overview.stdout).toMatch(/^usage: followup <command> \[options\]/);
    expect(commands).toEqual(expect.arrayContaining(['import', 'render', 'provision', 'dev-token']));
    const help = followup('help');
    expect([help.code, help.stdout]).toEqual([0, overview.stdout]);
  });

  it('answers <command> --help with that command\'s usage on stdout, exit 0', () => {
    for (const name of commands) {
      const r = followup(name, '--help');
      expect({ name, code: r.code, stderr: r.stderr }).toEqual({ name, code: 0, stderr: '' });
      expect(r.stdout).toMatch(new RegExp(`^usage: followup ${name}\\b`));
      // Every usage says what the exit codes mean.
      expect(r.stdout).toMatch(/\n\s*exit: 0\b/);
    }
  });

  it('takes -h and help <command> alike, and --help wins over arguments that would be a usage error', () => {
    const usage = followup('provision', '--help').stdout;
    expect(followup('provision', '-h')).toMatchObject({ code: 0, stdout: usage });
    expect(followup('help', 'provision')).toMatchObject({ code: 0, stdout: usage });
    expect(followup('provision', '--no-such-option', '--help')).toMatchObject({ code: 0, stdout: usage });
    // After `--`, --help is an argument (a file name for import), not a request for help.
    expect(followup('import', '--', '--help')).toMatchObject({ code: 1 });
  });

  it('keeps usage errors on stderr with exit 2', () => {
    const none = followup();
    expect([none.code, none.stdout]).toEqual([2, '']);
    expect(none.stderr).toBe(overview.stdout);
    expect(followup('constructor')).toMatchObject({ code: 2, stdout: '' });
    const unknown = followup('frobnicate');
    expect([unknown.code, unknown.stdout]).toEqual([2, '']);
    expect(unknown.stderr).toMatch(/^error: unknown command 'frobnicate'\nusage: followup <command>/);
    expect(followup('help', 'frobnicate').code).toBe(2);
    const bad = followup('dev-token', 'a', 'b');
    expect([bad.code, bad.stdout]).toEqual([2, '']);
    expect(bad.stderr).toContain('usage: followup dev-token [user]');
  });
});
