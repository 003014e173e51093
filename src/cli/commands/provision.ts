/**
 * `followup provision [--site <site URL or host:/path>] [--dry-run]` (#4, #7): creates or upgrades the follow-up
 * lists on a site. Idempotent: prints what it created or upgraded, or that the site is up to date; exit 0 either way.
 * Without --site it provisions the demo site of the local service on https://localhost:$PORT.
 */
import { parseArgs } from 'node:util';

import { DEMO_DIRECTORY, findUser } from '../../emulator/directory.js';
import { provisionSite } from '../../graph/provision.js';
import type { Command } from '../command.js';
import { localToken } from '../local-service.js';
import { withGraphTarget } from '../site-session.js';
import { PROVISION_USAGE as USAGE } from '../usage.js';

/** The owner of the local demo site (who provisions it). */
function siteOwner(): NonNullable<ReturnType<typeof findUser>> {
  const user = findUser(DEMO_DIRECTORY, DEMO_DIRECTORY.defaultUser);
  if (!user) throw new Error('The demo directory has no default user.');
  return user;
}

export const provisionCommand: Command = async (argv) => {
  // Unknown options (parseArgs) and a bad PORT (UsageError) throw: main prints them with the usage, exit 2.
  const { values } = parseArgs({ args: argv, options: { site: { type: 'string' }, 'dry-run': { type: 'boolean' } } });
  const usage = (message: string): number => {
    process.stderr.write(`error: ${message}\n${USAGE}`);
    return 2;
  };
  return withGraphTarget({ site: values.site, usage, failed: (target) => `provisioning ${target}` }, async (to) => {
    let token = process.env.GRAPH_TOKEN;
    // The token must be valid where the requests go: the service behind the Graph URL.
    if (!token && to.local) token = (await localToken(siteOwner(), new URL(to.baseUrl).origin)).token;
    if (!token) {
      process.stderr.write(`error: set GRAPH_TOKEN to a token with Sites.Manage.All to provision ${to.target}.\n`);
      return 2;
    }
    const report = await provisionSite(to.connect(token), to.site, { dryRun: values['dry-run'] === true });
    process.stdout.write(`site ${report.site.webUrl} (${report.site.id})\n`);
    for (const w of report.warnings) process.stdout.write(`warning: ${w}\n`);
    if (report.applied.length === 0) process.stdout.write('up to date: nothing to create or upgrade\n');
    else for (const line of report.applied) process.stdout.write(`${values['dry-run'] ? 'would ' : ''}${line}\n`);
    return 0;
  });
};
