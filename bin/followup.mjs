#!/usr/bin/env node
// `npx followup …`: runs the TypeScript CLI through tsx (a runtime dependency), so no build step is needed.
import { spawnSync } from 'node:child_process';
import { statSync } from 'node:fs';

import { register } from 'tsx/esm/api';

// Large documents (#8 item 5: peak memory under 150 MB + 10 × the file's size): V8 grows its heap lazily and lets
// garbage from parsing pile up far above what is live, so a command that reads big files runs in a child with a heap
// cap sized from the files (live data stays well below it: measured in `npm run bench -- memory`). Small files (every
// real document is under 100 KB) run here, without the second start.
const READS_FILES = new Set(['import', 'render', 'sync-xlsx']);
const RESPAWN_ABOVE_BYTES = 2 * 1024 * 1024;
const [command, ...rest] = process.argv.slice(2);
if (command !== undefined && READS_FILES.has(command) && process.env.FOLLOWUP_HEAP_SET !== '1') {
  let bytes = 0;
  for (const arg of rest) {
    try {
      const s = statSync(arg);
      if (s.isFile()) bytes += s.size;
    } catch {
      // Not a path (an option or a value): the command itself reports missing files.
    }
  }
  if (bytes > RESPAWN_ABOVE_BYTES) {
    const mb = Math.ceil(bytes / (1024 * 1024));
    const flags = [`--max-old-space-size=${128 + 8 * mb}`, '--max-semi-space-size=2'];
    const child = spawnSync(process.execPath, [...flags, ...process.execArgv, process.argv[1], ...process.argv.slice(2)], {
      stdio: 'inherit',
      env: { ...process.env, FOLLOWUP_HEAP_SET: '1' },
    });
    process.exit(child.status ?? (child.signal ? 1 : 0));
  }
}

register();
await import('../src/cli/main.ts');
