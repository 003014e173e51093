// The database lock (#7) in one process; across processes and SIGKILL: test/integration/entries/start-lock.int.test.ts.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { DatabaseInUseError, inUseMessage, lockDatabase, readHolder } from '../../src/emulator/db-lock.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'db-lock-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const inUse = (dbPath: string): DatabaseInUseError => {
  try {
    lockDatabase(dbPath, 'second').release();
  } catch (error) {
    if (error instanceof DatabaseInUseError) return error;
    throw error;
  }
  throw new Error('the second lock was granted');
};

describe('lockDatabase', () => {
  it('grants one holder at a time, names it, and is free again once released', () => {
    const db = join(dir, 'nested', 'followup.db');
    const lock = lockDatabase(db, 'npm start');
    // The folder is created (the database's own folder may not exist yet); the database itself is not touched.
    expect(existsSync(`${db}.lock`)).toBe(true);
    expect(existsSync(db)).toBe(false);
    expect(inUse(db).holder).toMatchObject({ pid: process.pid, command: 'npm start' });
    expect(inUse(db).holder?.url).toBeUndefined();
    lock.setUrl('https://localhost:3130/');
    const error = inUse(db);
    expect(error.message).toMatch(new RegExp(`^The database .*followup\\.db is in use by npm start \\(pid ${process.pid}, https://localhost:3130/, since \\d{4}-`));
    lock.release();
    expect(readHolder(db)).toBeNull();
    const again = lockDatabase(db, 'npm start');
    again.release();
    // Releasing twice is harmless.
    again.release();
  });

  it('needs no lock for :memory: databases', () => {
    const a = lockDatabase(':memory:', 'a');
    const b = lockDatabase(':memory:', 'b');
    a.release();
    b.release();
  });
});

describe('inUseMessage', () => {
  it('tells a refused --reset what to do, and a second start how to run beside the first', () => {
    const error = new DatabaseInUseError('./data/followup.db', { pid: 42, command: 'npm start', url: 'https://localhost:3130/', started: '2025-01-01T00:00:00.000Z' });
    const options = { start: 'npm start', resetCommand: 'npm start -- --reset', port: 3130 };
    expect(inUseMessage(error, { ...options, reset: true })).toBe(
      'followup: not resetting ./data/followup.db: it is in use by npm start (pid 42, https://localhost:3130/, since 2025-01-01T00:00:00.000Z). Deleting it now would lose that service\'s data.\n' +
        '  Stop that process first (Ctrl+C in its terminal), then run npm start -- --reset again.\n',
    );
    expect(inUseMessage(error, { ...options, reset: false })).toBe(
      'followup: the database ./data/followup.db is already served by npm start (pid 42, https://localhost:3130/, since 2025-01-01T00:00:00.000Z).\n' +
        '  Use https://localhost:3130/, or stop that process first, or give this start its own database and port:\n' +
        '  FOLLOWUP_DB=./data/other.db PORT=3131 npm start\n',
    );
    expect(inUseMessage(new DatabaseInUseError('x.db', null), { ...options, reset: false })).toContain('already served by another process (it has not recorded which yet).\n  Stop that process first');
  });
});
