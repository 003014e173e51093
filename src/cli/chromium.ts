/**
 * The one way tests, benchmarks and `followup report --out x.pdf` (#12) get a headless Chromium (#7): a system Chromium when there is one, else the
 * Chromium the npm package `@sparticuz/chromium` ships, so `npm install && npm test` passes on a machine that has
 * never had a browser. No vitest import: scripts (`scripts/bench`) use it too.
 *
 * Order: `CHROMIUM_PATH` (an error when set but not executable: it was asked for), `/usr/bin/chromium`, `chromium` or
 * `chromium-browser` on PATH, then the npm package. The npm Chromium is a brotli-packed headless shell; it is
 * unpacked once per package version into `node_modules/.cache/followup-chromium/<version>` (about 200 MB, 2–3 s),
 * into a staging folder first and renamed into place, so an interrupted or concurrent first run never leaves a
 * half-written binary that later runs would trust (the package itself unpacks straight into /tmp/chromium).
 */
import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { delimiter, dirname, join, resolve } from 'node:path';
import { brotliDecompressSync } from 'node:zlib';

import { chromium, type Browser } from 'playwright-core';

/**
 * Flags for every launch. The first four keep Chromium from phoning home: on a closed network its connections are
 * refused and slow the start. `--no-sandbox`: CI and containers run as root. The package's own `args` are not used:
 * they include `--disable-web-security` and `--allow-running-insecure-content`, which would make every test of our
 * pages' CSP and same-origin rules pass for the wrong reason.
 */
export const CHROMIUM_FLAGS = [
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-gpu',
  '--no-sandbox',
] as const;

export const SYSTEM_CHROMIUM = '/usr/bin/chromium';
const PATH_NAMES = ['chromium', 'chromium-browser'];
const NPM_PACKAGE = '@sparticuz/chromium';

export interface ChromiumExecutable {
  executablePath: string;
  /** Where it came from: `CHROMIUM_PATH`, the system (`/usr/bin/chromium` or PATH), or the npm package. */
  source: 'CHROMIUM_PATH' | 'system' | 'npm';
  /** Human words for the test output, e.g. `system Chromium /usr/bin/chromium`. */
  label: string;
  /** Extra environment for the browser process (bundled libraries when the system lacks them). */
  env: Record<string, string>;
}

const isExecutableFile = (path: string): boolean => {
  try {
    if (!statSync(path).isFile()) return false;
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    // Missing, a whiteout, or not executable: not a browser we can start.
    return false;
  }
};

/** The first `chromium`/`chromium-browser` on PATH, or null. */
function onPath(env: NodeJS.ProcessEnv): string | null {
  for (const dir of (env.PATH ?? '').split(delimiter).filter(Boolean)) {
    for (const name of PATH_NAMES) {
      const candidate = join(dir, name);
      if (isExecutableFile(candidate)) return candidate;
    }
  }
  return null;
}

/**
 * The system Chromium to use, or null when there is none (throws when CHROMIUM_PATH names something unusable).
 * `systemPath` is for tests (default /usr/bin/chromium).
 */
export function findSystemChromium(env: NodeJS.ProcessEnv = process.env, systemPath: string = SYSTEM_CHROMIUM): ChromiumExecutable | null {
  const asked = env.CHROMIUM_PATH;
  if (asked !== undefined && asked !== '') {
    if (!isExecutableFile(asked)) throw new Error(`CHROMIUM_PATH=${asked} is not an executable file; unset it to use ${SYSTEM_CHROMIUM}, PATH or the npm Chromium.`);
    return { executablePath: asked, source: 'CHROMIUM_PATH', label: `Chromium from CHROMIUM_PATH ${asked}`, env: {} };
  }
  if (isExecutableFile(systemPath)) return { executablePath: systemPath, source: 'system', label: `system Chromium ${systemPath}`, env: {} };
  const found = onPath(env);
  return found ? { executablePath: found, source: 'system', label: `system Chromium ${found} (PATH)`, env: {} } : null;
}

/** The npm package's folder (its `exports` hide package.json, so go up from the entry point). */
function npmPackageDir(): string {
  // createRequire, not import.meta.resolve: vitest's module runner does not support the latter.
  const entry = createRequire(import.meta.url).resolve(NPM_PACKAGE);
  let dir = dirname(entry);
  while (!existsSync(join(dir, 'package.json')) || !existsSync(join(dir, 'bin'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error(`Cannot find the folder of ${NPM_PACKAGE} above ${entry}.`);
    dir = up;
  }
  return dir;
}

/** Shared libraries the binary needs that the system lacks (`ldd` says "not found"); null when ldd cannot tell. */
function missingLibraries(executable: string, env: Record<string, string>): string[] | null {
  const r = spawnSync('ldd', [executable], { encoding: 'utf8', env: { ...process.env, ...env } });
  if (r.error || r.status !== 0) return null;
  return r.stdout
    .split('\n')
    .filter((l) => l.includes('not found'))
    .map((l) => l.trim().split(/\s/)[0] ?? l.trim());
}

/** Unpacks `name` under `root` once: into `root/name.<pid>.tmp` by `fill`, then renamed, so readers never see half. */
async function unpackOnce(root: string, name: string, ready: string, fill: (staging: string) => Promise<void> | void): Promise<string> {
  const final = join(root, name);
  if (existsSync(join(final, ready))) return final;
  mkdirSync(root, { recursive: true });
  const staging = join(root, `${name}.${process.pid}.tmp`);
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  try {
    await fill(staging);
    if (!existsSync(join(staging, ready))) throw new Error(`Unpacking ${name} produced no ${ready}.`);
    rmSync(final, { recursive: true, force: true });
    renameSync(staging, final);
  } catch (error) {
    rmSync(staging, { recursive: true, force: true });
    // Another process may have won the race: its complete copy is as good as ours.
    if (existsSync(join(final, ready))) return final;
    throw error;
  }
  return final;
}

/** The npm package's Chromium, unpacked into node_modules/.cache (see the file comment). */
export async function npmChromium(): Promise<ChromiumExecutable> {
  const pkgDir = npmPackageDir();
  const version = (JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')) as { version: string }).version;
  // pkgDir is …/node_modules/@sparticuz/chromium: the cache sits beside it in …/node_modules/.cache.
  const cacheRoot = resolve(pkgDir, '..', '..', '.cache', 'followup-chromium');
  const dir = await unpackOnce(cacheRoot, version, 'chromium', async (staging) => {
    const { default: sparticuz } = await import('@sparticuz/chromium');
    // executablePath() unpacks into os.tmpdir(), which reads TMPDIR on each call. Every such call happens before its
    // first await, so TMPDIR is restored at once and nothing else in this process sees the staging folder.
    const previous = process.env.TMPDIR;
    process.env.TMPDIR = staging;
    let unpacked: Promise<string>;
    try {
      unpacked = sparticuz.executablePath();
    } finally {
      if (previous === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = previous;
    }
    const path = await unpacked;
    if (resolve(path) !== join(staging, 'chromium')) throw new Error(`${NPM_PACKAGE} unpacked to ${path}, expected ${join(staging, 'chromium')}.`);
  });
  const executablePath = join(dir, 'chromium');
  const label = `Chromium of the npm package ${NPM_PACKAGE} ${version} (no system Chromium)`;
  const missing = missingLibraries(executablePath, {});
  if (missing !== null && missing.length === 0) return { executablePath, source: 'npm', label, env: {} };
  // The package ships the NSS and expat libraries it links against (for Amazon Linux); use them when the system has
  // none (or when ldd is missing and we cannot tell).
  const libs = await unpackOnce(cacheRoot, `${version}-lib`, 'lib', (staging) => {
    const tar = brotliDecompressSync(readFileSync(join(pkgDir, 'bin', 'al2023.tar.br')));
    const r = spawnSync('tar', ['-x', '-C', staging], { input: tar });
    if (r.error || r.status !== 0) throw new Error(`Cannot unpack the bundled libraries: ${r.error?.message ?? r.stderr.toString()}`);
  });
  const libDir = join(libs, 'lib');
  const env = { LD_LIBRARY_PATH: [libDir, process.env.LD_LIBRARY_PATH].filter(Boolean).join(delimiter) };
  const still = missingLibraries(executablePath, env);
  if (still !== null && still.length > 0) throw new Error(`${executablePath} needs ${still.join(', ')}, which neither the system nor ${NPM_PACKAGE} provides.`);
  return { executablePath, source: 'npm', label: `${label}, with its bundled ${missing === null ? 'libraries' : missing.join(', ')}`, env };
}

/** The Chromium to launch: the system's when there is one, else the npm package's. */
export async function findChromium(env: NodeJS.ProcessEnv = process.env): Promise<ChromiumExecutable> {
  return findSystemChromium(env) ?? (await npmChromium());
}

export interface CjkFonts {
  /** Whether any installed font covers Japanese (fontconfig `:lang=ja`); null when fc-list is missing. */
  present: boolean | null;
  families: string[];
}

/** Fonts that can draw Japanese, as fontconfig (which Chromium on Linux uses) sees them. */
export function cjkFonts(): CjkFonts {
  const r = spawnSync('fc-list', [':lang=ja', 'family'], { encoding: 'utf8' });
  if (r.error || r.status !== 0) return { present: null, families: [] };
  // Japanese faces (JP) first: those are the ones our pages ask for.
  const families = [...new Set(r.stdout.split('\n').flatMap((l) => l.split(',')[0]?.trim() || []))].sort((a, b) => Number(b.includes('JP')) - Number(a.includes('JP')) || a.localeCompare(b));
  return { present: families.length > 0, families };
}

/** One line for the test output: which browser ran and whether Japanese can be drawn. */
export function describeBrowser(executable: ChromiumExecutable, version: string, fonts: CjkFonts): string {
  const fontWords =
    fonts.present === true
      ? `present (${fonts.families.slice(0, 3).join(', ')}${fonts.families.length > 3 ? ', …' : ''}): screenshots show Japanese`
      : fonts.present === false
        ? 'none (fc-list :lang=ja is empty): the tests still pass, but screenshots draw Japanese as empty boxes; install fonts-noto-cjk before taking any'
        : 'unknown (no fc-list): screenshots need a Japanese font such as fonts-noto-cjk';
  return `browser: Chromium ${version}, ${executable.label}; CJK fonts: ${fontWords}`;
}

export interface LaunchedChromium {
  browser: Browser;
  executable: ChromiumExecutable;
  fonts: CjkFonts;
  /** See describeBrowser. */
  summary: string;
}

/** Launches headless Chromium (see findChromium) with CHROMIUM_FLAGS. The caller closes `browser`. */
export async function launchChromium(env: NodeJS.ProcessEnv = process.env): Promise<LaunchedChromium> {
  const executable = await findChromium(env);
  let browser: Browser;
  try {
    browser = await chromium.launch({
      executablePath: executable.executablePath,
      args: [...CHROMIUM_FLAGS],
      headless: true,
      ...(Object.keys(executable.env).length > 0 ? { env: { ...process.env, ...executable.env } } : {}),
    });
  } catch (error) {
    throw new Error(`Could not launch ${executable.label}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  const fonts = cjkFonts();
  return { browser, executable, fonts, summary: describeBrowser(executable, browser.version(), fonts) };
}
