/**
 * `npm start` serves a current build of the browser pages (#10). dist/build-info.json lists every source file the
 * bundle was made from with its SHA-1 (plus webpack.config.js, package-lock.json and the HTML template); the build
 * is stale when any of them changed or disappeared, or the build was not a production one. Checking costs one read
 * and one hash per input (~70 small files, a few milliseconds), so it runs on every start.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

export const ROOT_DIR = join(import.meta.dirname, '..', '..', '..');
export const DIST_DIR = join(ROOT_DIR, 'dist');

export interface BuildInfo {
  builtAt: string;
  mode: string;
  inputs: Record<string, string>;
  pages: Record<string, { initialJs: { file: string; bytes: number; gzipBytes: number }[]; bytes: number; gzipBytes: number }>;
  lazyJs: string[];
}

/** Reads dist/build-info.json, or null when there is no (readable) build. */
export function readBuildInfo(distDir = DIST_DIR): BuildInfo | null {
  try {
    return JSON.parse(readFileSync(join(distDir, 'build-info.json'), 'utf8')) as BuildInfo;
  } catch {
    // No build yet, or an interrupted one: either way the caller builds.
    return null;
  }
}

/** Why the build must be redone, or null when it is current. */
export function staleReason(root = ROOT_DIR, distDir = join(root, 'dist')): string | null {
  const info = readBuildInfo(distDir);
  if (!info) return 'no build in dist/';
  if (info.mode !== 'production') return `dist/ holds a ${info.mode} build`;
  for (const page of ['tab.html', 'config.html']) if (!existsSync(join(distDir, page))) return `dist/${page} is missing`;
  for (const [file, hash] of Object.entries(info.inputs)) {
    let now: string;
    try {
      now = createHash('sha1').update(readFileSync(join(root, file))).digest('hex');
    } catch {
      return `${file} was removed`;
    }
    if (now !== hash) return `${file} changed`;
  }
  return null;
}

/** Runs `webpack --mode production` in a child process (its output goes to `log`). @throws Error when it fails */
export function runBuild(root = ROOT_DIR, log: (chunk: string) => void = (c) => process.stderr.write(c)): Promise<void> {
  const cli = createRequire(join(root, 'package.json')).resolve('webpack-cli/bin/cli.js');
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, '--mode', 'production'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const collect = (b: Buffer): void => {
      output += b.toString('utf8');
      log(b.toString('utf8'));
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`webpack failed (exit ${code}):\n${output.slice(-4000)}`))));
  });
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/**
 * Runs `fn` holding the build lock (a file with the holder's pid): two starts, or a start and a test, never run
 * webpack into the same dist/ at once. A lock whose holder died is taken over.
 */
async function withBuildLock<T>(root: string, fn: () => Promise<T>): Promise<T> {
  const dir = join(root, 'node_modules', '.cache');
  mkdirSync(dir, { recursive: true });
  const lock = join(dir, 'followup-build.lock');
  for (;;) {
    try {
      const fd = openSync(lock, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      let holder = NaN;
      try {
        holder = Number(readFileSync(lock, 'utf8'));
      } catch {
        // Released between our attempt and this read: try again.
        continue;
      }
      if (!Number.isInteger(holder) || holder <= 0 || !alive(holder)) rmSync(lock, { force: true });
      else await new Promise((r) => setTimeout(r, 500));
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(lock, { force: true });
  }
}

/** Builds when the build is missing or stale; resolves to what was done. Concurrent callers build once. */
export async function ensureBuild(options: { root?: string; log?: (line: string) => void } = {}): Promise<{ built: boolean; reason: string | null }> {
  const root = options.root ?? ROOT_DIR;
  if (staleReason(root) === null) return { built: false, reason: null };
  return withBuildLock(root, async () => {
    // Another process may have built it while this one waited for the lock.
    const reason = staleReason(root);
    if (reason === null) return { built: false, reason: null };
    options.log?.(`building the web app (${reason})…\n`);
    await runBuild(root, options.log ?? (() => {}));
    return { built: true, reason };
  });
}
