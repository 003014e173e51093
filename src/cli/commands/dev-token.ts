/**
 * `followup dev-token [user]` — prints a bearer token for a demo user of the local Graph service (#3, #7).
 * Asks the service on https://localhost:$PORT; when none answers, signs one with its database's secret. It only
 * opens a database that exists, so run outside the project it creates nothing and says where it looked.
 */
import { DEMO_DIRECTORY, findUser } from '../../emulator/directory.js';
import type { Command } from '../command.js';
import { localOrigin, localToken } from '../local-service.js';
import { DEV_TOKEN_USAGE as USAGE } from '../usage.js';

export const devTokenCommand: Command = async (argv) => {
  if (argv.length > 1 || argv.some((a) => a.startsWith('-'))) {
    process.stderr.write(`error: dev-token takes one user at most, got ${argv.join(' ')}\n${USAGE}`);
    return 2;
  }
  const user = findUser(DEMO_DIRECTORY, argv[0] ?? DEMO_DIRECTORY.defaultUser);
  if (!user) {
    process.stderr.write(`error: unknown user '${argv[0] ?? ''}'. Known users: ${DEMO_DIRECTORY.users.map((u) => `${u.id} (${u.displayName})`).join(', ')}\n`);
    return 2;
  }
  // A bad PORT throws UsageError: main prints it with the usage, exit 2.
  const origin = localOrigin();
  try {
    const { token, from, notes } = await localToken(user, origin);
    process.stdout.write(`${token}\n`);
    if (from !== origin) process.stderr.write(`note: signed with the secret of ${from} (${notes.join('; ')})\n`);
    return 0;
  } catch (error) {
    process.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
};
