/**
 * Import memory bench (#8 item 5): peak RSS of the `followup import … --json` CLI as a child process on large but
 * legitimate files (below the 20 MB limit), against the goal 150 MB + 10 × the file size. The files are the samples
 * repeated: the 002 compilation (many 府省等), the 003 table (one report with very many rows), the 001 plan. Output
 * goes to /dev/null; peak RSS is read by a preloaded hook (process.resourceUsage().maxRSS at exit).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const MB = 1024 * 1024;

interface MemoryFigure {
  file: string;
  megabytes: number;
  peakRssMegabytes: number;
  goalMegabytes: number;
  withinGoal: boolean;
  exitCode: number | null;
  seconds: number;
}

function repeated(sample: string, megabytes: number): Buffer {
  const one = Buffer.from(`${readFileSync(join(ROOT, 'samples', sample), 'utf8')}\n`);
  return Buffer.concat(Array.from({ length: Math.floor((megabytes * MB) / one.length) }, () => one));
}

export async function runImportMemoryBench(sizes: readonly number[] = [5, 19]): Promise<MemoryFigure[]> {
  const dir = mkdtempSync(join(tmpdir(), 'followup-memory-'));
  const figures: MemoryFigure[] = [];
  try {
    const cases = [
      ['002 compilation', '002_2a41778675c87b6f.part.txt'],
      ['003 L-R2 table', '003_21f51c2eed719b65.txt'],
      ['001 plan', '001_b3ce7628507eeec6.txt'],
    ] as const;
    for (const [label, sample] of cases) {
      for (const size of sizes) {
        const file = join(dir, `${sample}.${String(size)}mb.txt`);
        writeFileSync(file, repeated(sample, size));
        const rssFile = join(dir, 'rss');
        // The hook keeps the larger of the values it finds: start each case from nothing.
        rmSync(rssFile, { force: true });
        const started = performance.now();
        const r = spawnSync(process.execPath, ['--import', pathToFileURL(join(ROOT, 'scripts/rss-hook.mjs')).href, 'bin/followup.mjs', 'import', file, '--json'], {
          cwd: ROOT,
          env: { ...process.env, RSS_HOOK_FILE: rssFile },
          stdio: ['ignore', 'ignore', 'ignore'],
        });
        const megabytes = statSync(file).size / MB;
        const peak = Number(readFileSync(rssFile, 'utf8')) / 1024;
        const goal = 150 + 10 * megabytes;
        figures.push({
          file: `${label} × ${String(size)} MB`,
          megabytes: Math.round(megabytes * 10) / 10,
          peakRssMegabytes: Math.round(peak),
          goalMegabytes: Math.round(goal),
          withinGoal: peak <= goal,
          exitCode: r.status,
          seconds: Math.round((performance.now() - started) / 100) / 10,
        });
        rmSync(file);
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  console.log('\nImport memory (CLI child process, --json to /dev/null): peak RSS vs 150 MB + 10 × size');
  for (const f of figures) {
    console.log(`  ${f.file.padEnd(26)} ${String(f.megabytes).padStart(5)} MB  peak ${String(f.peakRssMegabytes).padStart(5)} MB  goal ${String(f.goalMegabytes).padStart(4)} MB  ${f.withinGoal ? 'ok' : 'OVER'}  (exit ${String(f.exitCode)}, ${String(f.seconds)} s)`);
  }
  return figures;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await runImportMemoryBench();
}
