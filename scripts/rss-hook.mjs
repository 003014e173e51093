// Preloaded into a child process by the memory bench: writes the process's peak RSS (kB) to $RSS_HOOK_FILE at exit.
import { writeFileSync } from 'node:fs';

process.on('exit', () => {
  if (process.env.RSS_HOOK_FILE) writeFileSync(process.env.RSS_HOOK_FILE, String(process.resourceUsage().maxRSS));
});
