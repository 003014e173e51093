/**
 * `followup doctor [--site <site URL>]` (#13): checks a tenant or the local service (token, site, lists, delta,
 * permissions, throttling) and prints one verdict per line. Exit 0 when nothing fails, 1 when something does, 2 on a
 * usage error. Without --site it checks the demo site of the local service on https://localhost:$PORT. The Graph URL,
 * the certificate to trust and the unreachable-service hint come from `graphTarget`, as for provision and audit.
 */
import { parseArgs } from 'node:util';

import { DEMO_DIRECTORY, findUser } from '../../emulator/directory.js';
import type { Command } from '../command.js';
import { doctorExitCode, formatChecks, runDoctor } from '../doctor.js';
import { localToken } from '../local-service.js';
import { graphTarget, type GraphTarget } from '../site-session.js';
import { DOCTOR_USAGE as USAGE } from '../usage.js';

export const doctorCommand: Command = async (argv) => {
  const { values } = parseArgs({ args: argv, options: { site: { type: 'string' } } });
  let to: GraphTarget;
  let url: URL;
  try {
    to = graphTarget(values.site);
    // SharePoint REST lives under the site's own URL: doctor needs it (not host:/path or a site id).
    if (!/^https:\/\//i.test(to.siteArg)) throw new Error('the site URL must be https (https://host/sites/name)');
    url = new URL(to.siteArg);
  } catch (error) {
    process.stderr.write(`error: --site ${values.site ?? ''}: ${error instanceof Error ? error.message : String(error)}\n${USAGE}`);
    return 2;
  }
  try {
    let token = process.env.GRAPH_TOKEN ?? null;
    let spToken = process.env.SHAREPOINT_TOKEN ?? null;
    if (!token && to.local) {
      const owner = findUser(DEMO_DIRECTORY, DEMO_DIRECTORY.defaultUser);
      if (owner) token = (await localToken(owner, new URL(to.baseUrl).origin)).token;
      // The local service's SharePoint REST accepts the local sign-in's tokens.
      spToken ??= token;
    }
    if (!token) {
      process.stderr.write(`error: set GRAPH_TOKEN to a Graph access token to check ${to.siteArg} (docs/deploy.md).\n${USAGE}`);
      return 2;
    }
    const path = url.pathname.replace(/\/+$/, '');
    const checks = await runDoctor({ graphBaseUrl: to.baseUrl, site: { hostname: url.hostname, path }, siteUrl: `${url.origin}${path}`, graphToken: token, sharePointToken: spToken, connection: to.connect(token), fetch: to.fetch });
    process.stdout.write(`followup doctor — ${url.origin}${path} through ${to.baseUrl}\n${formatChecks(checks)}\n`);
    return doctorExitCode(checks);
  } catch (error) {
    process.stderr.write(`error: doctor could not check ${to.target} — ${await to.describe(error)}\n`);
    return 1;
  } finally {
    await to.close();
  }
};
