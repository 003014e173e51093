// Starts the local Graph service in-process and talks to it with raw fetch over undici (#3).
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';

import Database from 'better-sqlite3';
import { Agent, Client, type Dispatcher } from 'undici';

import { createLocalGraph, type LocalGraph, type LocalGraphOptions } from '../../src/emulator/index.js';

export interface Res { status: number; headers: Headers; body: any } // eslint-disable-line @typescript-eslint/no-explicit-any -- tests read arbitrary Graph JSON

export interface Harness {
  g: LocalGraph;
  dir: string;
  sitePath: string;
  /** Graph call; path relative to /v1.0 unless absolute. `as` = demo user id, null = no token. */
  call(method: string, path: string, opts?: { as?: string | null; body?: unknown; headers?: Record<string, string>; raw?: string }): Promise<Res>;
  /** SharePoint REST call under /sites/followup/_api/web. */
  sp(method: string, path: string, opts?: { as?: string; headers?: Record<string, string>; body?: unknown }): Promise<Res>;
  /**
   * A request whose path is sent byte for byte (no URL normalisation: malformed %-encoding, backslashes), with a
   * string, Buffer or streamed (chunked) body.
   */
  raw(method: string, path: string, opts?: { headers?: Record<string, string>; body?: string | Buffer | Readable }): Promise<Res>;
  /** With `fileDb`: a digest of what is stored (items, versions, lists, columns, permissions), read from the file. */
  digest(): string;
  dbPath: string;
  close(): Promise<void>;
}

/** SHA-256 over every row of the tables that hold stored data and permissions, read with a separate connection. */
export function databaseDigest(dbPath: string): string {
  const db = new Database(dbPath, { readonly: true, fileMustExist: true });
  try {
    const hash = createHash('sha256');
    const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name IN ('items', 'versions', 'lists', 'columns', 'role_assignments', 'role_definitions', 'principals', 'group_members', 'sites') ORDER BY name").all() as { name: string }[]).map((t) => t.name);
    for (const t of tables) {
      hash.update(`#${t}\n`);
      const rows = (db.prepare(`SELECT * FROM ${t}`).raw().all() as unknown[][]).map((r) => JSON.stringify(r)).sort();
      for (const row of rows) hash.update(`${row}\n`);
    }
    return hash.digest('hex');
  } finally {
    db.close();
  }
}

/** Starts a service on port 0 with a temp cert dir; `dbPath` defaults to ':memory:' (a temp file with `fileDb`). */
export async function startHarness(opts: Partial<LocalGraphOptions> & { fileDb?: boolean } = {}): Promise<Harness> {
  const dir = mkdtempSync(join(tmpdir(), 'lg-test-'));
  const { fileDb, ...graphOpts } = opts;
  const dbPath = fileDb ? join(dir, 'data', 'followup.db') : ':memory:';
  const g = await createLocalGraph({ dbPath, port: 0, certDir: join(dir, 'certs'), ...graphOpts });
  const agent = new Agent({ connect: { ca: g.ca } });
  const client = new Client(g.url, { connect: { ca: g.ca } });
  const send = async (url: string, method: string, token: string | undefined, headers: Record<string, string>, body: string | undefined): Promise<Res> => {
    const h: Record<string, string> = { ...headers };
    if (token) h.Authorization = `Bearer ${token}`;
    if (body !== undefined && !Object.keys(h).some((k) => k.toLowerCase() === 'content-type')) h['Content-Type'] = 'application/json';
    const r = await fetch(url, { method, headers: h, body, dispatcher: agent } as RequestInit);
    const text = await r.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // Non-JSON bodies (HTML pages) are returned as text.
    }
    return { status: r.status, headers: r.headers, body: parsed };
  };
  const tokenOf = (as: string | null | undefined): string | undefined => (as === null ? undefined : g.tokenFor(as));
  return {
    g,
    dir,
    sitePath: `/sites/${g.site.id}`,
    call: (method, path, o = {}) =>
      send(path.startsWith('https://') ? path : `${g.graphUrl}${path}`, method, tokenOf(o.as), o.headers ?? {}, o.raw ?? (o.body === undefined ? undefined : JSON.stringify(o.body))),
    sp: (method, path, o = {}) =>
      send(`${g.url}/sites/followup/_api/web${path}`, method, g.tokenFor(o.as), { Accept: 'application/json;odata=nometadata', ...(o.headers ?? {}) }, o.body === undefined ? undefined : JSON.stringify(o.body)),
    raw: async (method, path, o = {}) => {
      const r = await client.request({ method: method as Dispatcher.HttpMethod, path, headers: o.headers ?? {}, body: o.body ?? null });
      const text = await r.body.text();
      let parsed: unknown = text;
      try {
        parsed = text ? JSON.parse(text) : undefined;
      } catch {
        // Non-JSON bodies are returned as text.
      }
      return { status: r.statusCode, headers: new Headers(Object.entries(r.headers).flatMap(([k, v]) => (v === undefined ? [] : [[k, Array.isArray(v) ? v.join(', ') : v] as [string, string]]))), body: parsed };
    },
    digest: () => {
      if (!fileDb) throw new Error('digest() needs startHarness({ fileDb: true })');
      return databaseDigest(dbPath);
    },
    dbPath,
    close: async () => {
      await g.close();
      await agent.close();
      await client.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Asserts Graph's error shape and returns the code. */
export function errorCode(r: Res): string {
  const e = r.body?.error;
  if (!e || typeof e.code !== 'string' || typeof e.message !== 'string' || typeof e.innerError?.['request-id'] !== 'string' || typeof e.innerError?.date !== 'string') {
    throw new Error(`Not a Graph error body (status ${r.status}): ${JSON.stringify(r.body)}`);
  }
  return e.code as string;
}
