// Preloaded into a child process by the memory bench: writes the peak RSS (kB) to $RSS_HOOK_FILE at exit. The CLI may
// run a large import in a child of its own (bin/followup.mjs); that child inherits this hook and exits first, so the
// file keeps the larger of the two peaks.
import { readFileSync, writeFileSync } from 'node:fs';

process.on('exit', () => {
  const file = process.env.RSS_HOOK_FILE;
  if (!file) return;
  let previous = 0;
  try {
    previous = Number(readFileSync(file, 'utf8')) || 0;
  } catch {
    // No earlier value: this is the first process to exit.
  }
  writeFileSync(file, String(Math.max(previous, process.resourceUsage().maxRSS)));
});
