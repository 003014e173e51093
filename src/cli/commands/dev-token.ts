/**
 * `followup dev-token [user]` — prints a bearer token for a demo user of the local Graph service (#3).
 * Opens ./data/followup.db (or $FOLLOWUP_DB), creating it if needed, because the signing secret lives there.
 */
import type { Command } from '../command.js';
import { DB_ENV, DEFAULT_DB_PATH, getMeta, openDatabase } from '../../emulator/db.js';
import { DEMO_DIRECTORY, findUser } from '../../emulator/directory.js';
import { signToken } from '../../emulator/tokens.js';

export const devTokenCommand: Command = async (argv) => {
  if (argv.length > 1 || argv[0] === '--help' || argv[0] === '-h') {
    process.stderr.write(`usage: followup dev-token [user]\n  user: UPN or short id (default ${DEMO_DIRECTORY.defaultUser}, the site owner)\n  users: ${DEMO_DIRECTORY.users.map((u) => u.id).join(', ')}\n`);
    return 2;
  }
  const user = findUser(DEMO_DIRECTORY, argv[0] ?? DEMO_DIRECTORY.defaultUser);
  if (!user) {
    process.stderr.write(`error: unknown user '${argv[0] ?? ''}'. Known users: ${DEMO_DIRECTORY.users.map((u) => `${u.id} (${u.displayName})`).join(', ')}\n`);
    return 2;
  }
  const db = openDatabase(process.env[DB_ENV] ?? DEFAULT_DB_PATH);
  try {
    const secret = getMeta(db, 'token_secret');
    if (!secret) throw new Error('The database has no token secret.');
    process.stdout.write(`${signToken(secret, DEMO_DIRECTORY, user)}\n`);
  } finally {
    db.close();
  }
  return 0;
};
