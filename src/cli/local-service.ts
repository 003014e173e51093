/**
 * Finding the local service `npm start` runs, for `dev-token` and `provision` (#7): its origin from PORT, the
 * certificate to trust, and a token for a demo user. Nothing here creates anything: a command run outside the
 * project says where it looked instead of leaving a stray database behind.
 *
 * `npm start` always runs in the project folder (npm's working directory) and keeps its files in `./data` there; these
 * commands look in `./data` of the folder they run in (or FOLLOWUP_DB / GRAPH_CA_FILE), like the README's curl
 * example, and name the project folder when they find nothing.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

import Database from 'better-sqlite3';
import { Agent } from 'undici';

import { DB_ENV, DEFAULT_DB_PATH } from '../emulator/db.js';
import type { DirectoryUser } from '../emulator/directory.js';
import { DEMO_DIRECTORY } from '../emulator/directory.js';
import { signToken } from '../emulator/tokens.js';
import { UsageError } from './command.js';

export const DEFAULT_PORT = 3000;
/** The certificate npm start generates, relative to its folder. */
export const LOCAL_CERT = join('data', 'certs', 'localhost-cert.pem');
/** The project this CLI belongs to (src/cli/../..). */
export const PROJECT_DIR = resolve(import.meta.dirname, '..', '..');

/** PORT as npm start reads it (default 3000). @throws UsageError when it is not a port number */
export function localPort(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.PORT;
  if (raw === undefined || raw === '') return DEFAULT_PORT;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new UsageError(`PORT must be a port number (1–65535), got ${JSON.stringify(raw)}.`);
  return port;
}

/** `https://localhost:<PORT>`: where `npm start` serves when started with the same PORT. */
export const localOrigin = (env: NodeJS.ProcessEnv = process.env): string => `https://localhost:${localPort(env)}`;

/** A file npm start makes, where a command looks for it, and whether it is there. */
export interface LocalFile {
  path: string;
  found: boolean;
}

const localFile = (cwd: string, path: string): LocalFile => {
  const abs = resolve(cwd, path);
  return { path: abs, found: existsSync(abs) };
};

/** The PEM to trust for the local service: GRAPH_CA_FILE, else npm start's ./data/certs/localhost-cert.pem. */
export const localCaFile = (env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): LocalFile => localFile(cwd, env.GRAPH_CA_FILE || LOCAL_CERT);

/** The database: FOLLOWUP_DB, else ./data/followup.db. */
export const localDatabase = (env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): LocalFile => localFile(cwd, env[DB_ENV] || DEFAULT_DB_PATH);

/** Codes of the error and its causes (ECONNREFUSED, DEPTH_ZERO_SELF_SIGNED_CERT, …), outermost first. */
export function errorCodes(error: unknown): string[] {
  const codes: string[] = [];
  for (let e: unknown = error, depth = 0; e !== null && typeof e === 'object' && depth < 8; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && !codes.includes(code)) codes.push(code);
    // AggregateError (happy eyeballs: ::1 and 127.0.0.1) carries the real reasons in `errors`.
    const inner = (e as { errors?: unknown }).errors;
    if (Array.isArray(inner)) for (const x of inner) codes.push(...errorCodes(x).filter((c) => !codes.includes(c)));
  }
  return codes;
}

const TLS_CODES = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS/;

/** Why `url` could not be reached, in words, with what to do; null when the error is not a connection problem. */
export function unreachable(error: unknown, url: string, ca: string): string | null {
  const codes = errorCodes(error);
  if (codes.includes('ECONNREFUSED')) return `nothing answers at ${url} (connection refused): is npm start running with this PORT?`;
  if (codes.includes('ENOTFOUND') || codes.includes('EAI_AGAIN')) return `the host of ${url} is not known (${codes.join(', ')})`;
  if (codes.includes('ETIMEDOUT') || codes.includes('UND_ERR_CONNECT_TIMEOUT')) return `${url} did not answer in time`;
  const tls = codes.find((c) => TLS_CODES.test(c));
  if (tls) return `the certificate of ${url} is not trusted (${tls}; trusted: ${ca}): run this in the folder whose ./data/certs that service uses, or set GRAPH_CA_FILE to its certificate`;
  if (codes.includes('ECONNRESET') || codes.includes('UND_ERR_SOCKET')) return `${url} closed the connection (${codes.join(', ')})`;
  return null;
}

/**
 * Why `url` cannot be reached, found by connecting again (the Graph client keeps only "fetch failed" of a network
 * error, not its cause); null when it answers now.
 */
export async function probeUnreachable(url: string, dispatcher: Agent | undefined, ca: string): Promise<string | null> {
  try {
    const res = await fetch(url, { method: 'HEAD', ...(dispatcher ? { dispatcher } : {}), signal: AbortSignal.timeout(10_000) } as RequestInit);
    await res.body?.cancel();
    return null;
  } catch (error) {
    return unreachable(error, url, ca) ?? `${url}: ${errorCodes(error).join(', ') || (error instanceof Error ? error.message : String(error))}`;
  }
}

/** A token for `user` and where it came from (`from` is for the user: a URL or a database path). */
export interface LocalToken {
  token: string;
  from: string;
  /** What did not work before it (e.g. the service did not answer, so the database was used). */
  notes: string[];
}

/** Asks the running service at `origin` for a token (POST /_local/token), trusting `caFile`. */
async function tokenFromService(origin: string, user: DirectoryUser, caFile: string): Promise<string> {
  const dispatcher = new Agent({ connect: { ca: readFileSync(caFile, 'utf8') }, connectTimeout: 5_000 });
  try {
    const res = await fetch(`${origin}/_local/token`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ user: user.id }),
      dispatcher,
    } as RequestInit);
    const text = await res.text();
    if (!res.ok) throw new Error(`POST ${origin}/_local/token answered ${res.status}: ${text.slice(0, 200)}`);
    const body = JSON.parse(text) as { access_token?: unknown };
    if (typeof body.access_token !== 'string') throw new Error(`POST ${origin}/_local/token answered without access_token.`);
    return body.access_token;
  } finally {
    await dispatcher.close();
  }
}

/**
 * Signs a token with the secret of the database `file`: never created (fileMustExist), only read. Not opened
 * `readonly`: a read-only connection cannot remove the -wal/-shm files WAL mode creates, and would leave them behind.
 */
function tokenFromDatabase(file: string, user: DirectoryUser): string {
  const db = new Database(file, { fileMustExist: true });
  try {
    const row = db.prepare("SELECT value FROM meta WHERE key = 'token_secret'").get() as { value: string } | undefined;
    if (!row) throw new Error(`${file} has no token secret (not a database of the local service?).`);
    return signToken(row.value, DEMO_DIRECTORY, user);
  } finally {
    db.close();
  }
}

/**
 * A token for `user` valid at the local service on `origin`: asked of that service when it runs (then it is right
 * whatever database it serves), else signed with the secret of the local database (valid once npm start serves it).
 * @throws Error saying every place it looked when neither works
 */
export async function localToken(user: DirectoryUser, origin: string, env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): Promise<LocalToken> {
  const looked: string[] = [];
  const ca = localCaFile(env, cwd);
  if (!ca.found) {
    looked.push(`${origin}: not asked, no certificate to trust it at ${ca.path}${env.GRAPH_CA_FILE ? ' (GRAPH_CA_FILE)' : ''}`);
  } else {
    try {
      return { token: await tokenFromService(origin, user, ca.path), from: origin, notes: looked };
    } catch (error) {
      looked.push(`${origin}: ${unreachable(error, origin, ca.path) ?? (error instanceof Error ? error.message : String(error))}`);
    }
  }
  const db = localDatabase(env, cwd);
  if (!db.found) {
    looked.push(`no database at ${db.path}${env[DB_ENV] ? ` (${DB_ENV})` : ''}`);
  } else {
    try {
      return { token: tokenFromDatabase(db.path, user), from: db.path, notes: looked };
    } catch (error) {
      looked.push(`${db.path}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  throw new Error(
    `no local service or database to make a token with. Looked at:\n${looked.map((l) => `  - ${l}`).join('\n')}\n` +
      `Run this in the project folder (${PROJECT_DIR}), where npm start keeps ./data, after npm start with the same PORT;\n` +
      `or set PORT, ${DB_ENV} and GRAPH_CA_FILE to what that start uses.`,
  );
}
