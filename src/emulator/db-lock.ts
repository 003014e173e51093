/**
 * One process serves a database at a time (#7). `npm start` and the standalone runner take this lock before they
 * reset or open the database and hold it until they exit, so `--reset` can no longer delete a database under a
 * running service, and a second service cannot open it (each service caches lists, permissions and the change
 * sequence in memory: two over one file would hand out clashing delta tokens and stale permissions).
 *
 * The lock is an OS lock, not a pid file: SQLite's own file lock (a RESERVED lock, `BEGIN IMMEDIATE`, held for the
 * life of the process) on `<db>.lock`. The kernel drops it when the process dies however it dies (kill -9, a crash,
 * a power cut), so a stale lock cannot exist; nothing has to guess whether a recorded pid is still ours (pids are
 * reused, and are meaningless across containers sharing a volume). The lock file itself is never deleted: removing a
 * lock file that another process may be opening is how two processes end up "holding" two different files.
 *
 * Who holds it is told in `<db>.lock.json` ({ pid, command, url, started }), written only by the holder, after it has
 * the lock; it is for messages only. The lock alone decides.
 */
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

import Database from 'better-sqlite3';

export interface DatabaseHolder {
  pid: number;
  /** What holds it, e.g. `npm start`. */
  command: string;
  /** Where it serves, once it listens. */
  url?: string;
  /** ISO time the lock was taken. */
  started: string;
}

export interface DatabaseLock {
  /** Records where the holder serves (called once it listens). */
  setUrl(url: string): void;
  /** Releases the lock (exiting releases it too). */
  release(): void;
}

/** The database is held by another process (or another service in this one). */
export class DatabaseInUseError extends Error {
  readonly code = 'database-in-use';
  constructor(
    readonly dbPath: string,
    readonly holder: DatabaseHolder | null,
  ) {
    super(`The database ${dbPath} is in use by ${describeHolder(holder)}.`);
    this.name = 'DatabaseInUseError';
  }
}

const lockPath = (dbPath: string): string => `${resolve(dbPath)}.lock`;
const infoPath = (dbPath: string): string => `${lockPath(dbPath)}.json`;

/** `npm start (pid 1234, https://localhost:3130/, since 2025-…)`, or a plain description when nothing is recorded. */
export function describeHolder(holder: DatabaseHolder | null): string {
  if (!holder) return 'another process (it has not recorded which yet)';
  return `${holder.command} (pid ${holder.pid}${holder.url ? `, ${holder.url}` : ''}, since ${holder.started})`;
}

/** What `<db>.lock.json` says; null when absent or unreadable. Only meaningful while the lock is held. */
export function readHolder(dbPath: string): DatabaseHolder | null {
  try {
    const value = JSON.parse(readFileSync(infoPath(dbPath), 'utf8')) as Partial<DatabaseHolder>;
    if (typeof value.pid !== 'number' || typeof value.command !== 'string' || typeof value.started !== 'string') return null;
    return { pid: value.pid, command: value.command, started: value.started, ...(typeof value.url === 'string' ? { url: value.url } : {}) };
  } catch {
    // Missing or half-written by a holder that just took the lock: the message then says it is not recorded yet.
    return null;
  }
}

function writeHolder(dbPath: string, holder: DatabaseHolder): void {
  const target = infoPath(dbPath);
  const temp = `${target}.${process.pid}.tmp`;
  writeFileSync(temp, `${JSON.stringify(holder)}\n`, { mode: 0o600 });
  renameSync(temp, target);
}

const isBusy = (error: unknown): boolean =>
  typeof error === 'object' && error !== null && 'code' in error && (error.code === 'SQLITE_BUSY' || error.code === 'SQLITE_LOCKED');

/**
 * Takes the lock on `dbPath` for this process, or throws DatabaseInUseError naming the holder. Never waits.
 * `:memory:` databases are private to their connection and need no lock.
 */
export function lockDatabase(dbPath: string, command: string): DatabaseLock {
  if (dbPath === ':memory:') return { setUrl: () => undefined, release: () => undefined };
  mkdirSync(dirname(resolve(dbPath)), { recursive: true });
  // timeout 0: a held lock is an answer, not something to wait for.
  const db = new Database(lockPath(dbPath), { timeout: 0 });
  try {
    // Nothing is ever written: no journal file beside the lock.
    db.pragma('journal_mode = MEMORY');
    db.exec('BEGIN IMMEDIATE');
  } catch (error) {
    db.close();
    if (isBusy(error)) throw new DatabaseInUseError(dbPath, readHolder(dbPath));
    throw error;
  }
  const holder: DatabaseHolder = { pid: process.pid, command, started: new Date().toISOString() };
  writeHolder(dbPath, holder);
  let held = true;
  return {
    setUrl: (url) => {
      if (held) writeHolder(dbPath, { ...holder, url });
    },
    release: () => {
      if (!held) return;
      held = false;
      // The record first: once the lock is free, a new holder writes its own.
      rmSync(infoPath(dbPath), { force: true });
      db.exec('ROLLBACK');
      db.close();
    },
  };
}

/**
 * What a start refused by DatabaseInUseError prints: who holds the database, where, and what to do instead.
 * `start` and `resetCommand` are the commands to suggest (`npm start`, `npm start -- --reset`), `port` the one this
 * start was asked for.
 */
export function inUseMessage(error: DatabaseInUseError, options: { reset: boolean; start: string; resetCommand: string; port: number }): string {
  const who = describeHolder(error.holder);
  const other = options.port === 3000 || options.port === 0 ? 3100 : options.port + 1;
  const lines = options.reset
    ? [
        `followup: not resetting ${error.dbPath}: it is in use by ${who}. Deleting it now would lose that service's data.`,
        `  Stop that process first (Ctrl+C in its terminal), then run ${options.resetCommand} again.`,
      ]
    : [
        `followup: the database ${error.dbPath} is already served by ${who}.`,
        `  ${error.holder?.url ? `Use ${error.holder.url}, or stop` : 'Stop'} that process first, or give this start its own database and port:`,
        `  FOLLOWUP_DB=./data/other.db PORT=${other} ${options.start}`,
      ];
  return `${lines.join('\n')}\n`;
}

/** lockDatabase for a start-up script: on DatabaseInUseError prints inUseMessage and exits 1. */
export function lockDatabaseOrExit(dbPath: string, command: string, options: { reset: boolean; start: string; resetCommand: string; port: number }): DatabaseLock {
  try {
    return lockDatabase(dbPath, command);
  } catch (error) {
    if (!(error instanceof DatabaseInUseError)) throw error;
    process.stderr.write(inUseMessage(error, options));
    process.exit(1);
  }
}
