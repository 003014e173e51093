/**
 * `npm start` and `followup` as child processes, the way a user runs them (#7): each in a working directory of the
 * test's choosing (so ./data/certs lands there, never in the project), with its own environment.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

import { Agent } from 'undici';

export const ROOT = join(import.meta.dirname, '..', '..');
/** tsx's loader by absolute URL: `--import tsx` would resolve from the working directory, which has no node_modules. */
const TSX = pathToFileURL(createRequire(join(ROOT, 'package.json')).resolve('tsx')).href;

export interface Ran {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** The environment for a child: ours without PORT, FOLLOWUP_DB or GRAPH_*, plus `env`. */
export function childEnv(env: Record<string, string | undefined>): NodeJS.ProcessEnv {
  const base = { ...process.env };
  for (const k of ['PORT', 'FOLLOWUP_DB', 'GRAPH_BASE_URL', 'GRAPH_TOKEN', 'GRAPH_CA_FILE']) delete base[k];
  return { ...base, ...env };
}

/** Runs `bin/followup.mjs args` in `cwd` to completion (asynchronously: a service in this process may answer it). */
export function followup(args: string[], options: { cwd?: string; env?: Record<string, string | undefined> } = {}): Promise<Ran> {
  return new Promise((resolve) => {
    execFile(process.execPath, [join(ROOT, 'bin', 'followup.mjs'), ...args], { cwd: options.cwd ?? ROOT, env: childEnv(options.env ?? {}), timeout: 60_000 }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : null;
      resolve({ code, signal: error?.signal ?? null, stdout, stderr });
    });
  });
}

export interface StartedApp {
  child: ChildProcess;
  /** `https://localhost:<port>` as it printed. */
  url: string;
  stdout(): string;
  stderr(): string;
  /** Resolves when the process has exited. */
  exited: Promise<Ran>;
  /** fetch against the app, trusting its certificate. */
  fetch(path: string, init?: RequestInit): Promise<Response>;
  /** Sends `signal` (default SIGTERM) and waits for the exit. */
  stop(signal?: NodeJS.Signals): Promise<Ran>;
}

/**
 * Runs `npm start`'s entry (`src/entries/start.ts`) in `cwd`. Resolves once it prints "Ctrl+C stops." (the app
 * serves), or with the process's result when it exits first (a refused start).
 */
export function runStart(cwd: string, env: Record<string, string | undefined>, args: string[] = []): Promise<StartedApp | Ran> {
  const child = spawn(process.execPath, ['--import', TSX, join(ROOT, 'src', 'entries', 'start.ts'), ...args], { cwd, env: childEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.setEncoding('utf8').on('data', (c: string) => (out += c));
  child.stderr.setEncoding('utf8').on('data', (c: string) => (err += c));
  const exited = new Promise<Ran>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal, stdout: out, stderr: err })));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`npm start did not come up within 90 s.\nstdout: ${out}\nstderr: ${err}`));
    }, 90_000);
    const onData = (): void => {
      const m = /web app: +(https:\/\/localhost:\d+)\//.exec(out);
      if (!m?.[1] || !out.includes('Ctrl+C stops.')) return;
      clearTimeout(timer);
      child.stdout.off('data', onData);
      const url = m[1];
      const dispatcher = new Agent({ connect: { ca: readFileSync(join(cwd, 'data', 'certs', 'localhost-cert.pem'), 'utf8') } });
      resolve({
        child,
        url,
        stdout: () => out,
        stderr: () => err,
        exited,
        fetch: (path, init) => fetch(`${url}${path}`, { ...init, dispatcher } as RequestInit),
        stop: async (signal = 'SIGTERM') => {
          if (child.exitCode === null && child.signalCode === null) child.kill(signal);
          const r = await exited;
          if (!dispatcher.destroyed) await dispatcher.destroy();
          return r;
        },
      });
    };
    child.stdout.on('data', onData);
    void exited.then((r) => {
      clearTimeout(timer);
      resolve(r);
    });
  });
}

export const isStarted = (r: StartedApp | Ran): r is StartedApp => 'url' in r;
