/** `followup provision` — placeholder until the #4 follow-up store work lands. */
import type { Command } from '../command.js';

export const provisionCommand: Command = async () => {
  process.stderr.write('followup provision: not available yet (#4 follow-up store)\n');
  return 2;
};
