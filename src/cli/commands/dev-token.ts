/** `followup dev-token` — placeholder until the #3 local Graph service work lands. */
import type { Command } from '../command.js';

export const devTokenCommand: Command = async () => {
  process.stderr.write('followup dev-token: not available yet (#3 local Graph service)\n');
  return 2;
};
