/**
 * `followup provision [--site <site URL or host:/path>] [--dry-run]` (#4, #7): creates or upgrades the follow-up
 * lists on a site. Idempotent: prints what it created or upgraded, or that the site is up to date; exit 0 either way.
 * Without --site it provisions the demo site of the local service on https://localhost:$PORT.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

import type { FetchOptions } from '@microsoft/microsoft-graph-client';
import { Agent } from 'undici';

import { AppError, GraphAccessError } from '../../core/errors.js';
import { DEMO_SITE } from '../../emulator/db.js';
import { DEMO_DIRECTORY, findUser } from '../../emulator/directory.js';
import { createGraphClient, staticTokenProvider } from '../../graph/create-graph-client.js';
import { provisionSite } from '../../graph/provision.js';
import { parseSiteArg } from '../../graph/site.js';
import type { Command } from '../command.js';
import { localCaFile, localOrigin, localToken, probeUnreachable, unreachable } from '../local-service.js';
import { PROVISION_USAGE as USAGE } from '../usage.js';

const isLocal = (host: string): boolean => host === 'localhost' || host === '127.0.0.1' || host === '::1' || host === '[::1]';

/** The owner of the local demo site (who provisions it). */
function siteOwner(): NonNullable<ReturnType<typeof findUser>> {
  const user = findUser(DEMO_DIRECTORY, DEMO_DIRECTORY.defaultUser);
  if (!user) throw new Error('The demo directory has no default user.');
  return user;
}

export const provisionCommand: Command = async (argv) => {
  // Unknown options (parseArgs) and a bad PORT (UsageError) throw: main prints them with the usage, exit 2.
  const { values } = parseArgs({ args: argv, options: { site: { type: 'string' }, 'dry-run': { type: 'boolean' } } });
  const origin = localOrigin();
  const siteArg = values.site ?? `${origin}${DEMO_SITE.path}`;
  let site: ReturnType<typeof parseSiteArg>;
  try {
    site = parseSiteArg(siteArg);
  } catch (error) {
    process.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n${USAGE}`);
    return 2;
  }
  const host = 'hostname' in site ? site.hostname : (siteArg.split(',')[0] ?? '');
  const local = isLocal(host);
  // A local site URL names its port; host:/path and composite ids take PORT's.
  const serviceOrigin = local && /^https:\/\//i.test(siteArg) ? new URL(siteArg).origin : origin;
  const baseUrl = process.env.GRAPH_BASE_URL ?? (local ? `${serviceOrigin}/v1.0` : 'https://graph.microsoft.com/v1.0');
  // Trust the local service's certificate for localhost; a tenant's is trusted through the system's CAs.
  const ca = local || process.env.GRAPH_CA_FILE ? localCaFile() : null;
  const target = `site ${siteArg} through ${baseUrl}`;
  let dispatcher: Agent | undefined;
  try {
    dispatcher = ca?.found ? new Agent({ connect: { ca: readFileSync(ca.path, 'utf8') } }) : undefined;
    let token = process.env.GRAPH_TOKEN;
    // The token must be valid where the requests go: the service behind the Graph URL.
    if (!token && local) token = (await localToken(siteOwner(), new URL(baseUrl).origin)).token;
    if (!token) {
      process.stderr.write(`error: set GRAPH_TOKEN to a token with Sites.Manage.All to provision ${target}.\n`);
      return 2;
    }
    const connection = createGraphClient({
      baseUrl,
      tokenProvider: staticTokenProvider(token),
      // undici's dispatcher rides in the fetch init (graph-client copies fetchOptions into it).
      ...(dispatcher ? { fetchOptions: { dispatcher } as unknown as FetchOptions } : {}),
    });
    const report = await provisionSite(connection, site, { dryRun: values['dry-run'] === true });
    process.stdout.write(`site ${report.site.webUrl} (${report.site.id})\n`);
    for (const w of report.warnings) process.stdout.write(`warning: ${w}\n`);
    if (report.applied.length === 0) process.stdout.write('up to date: nothing to create or upgrade\n');
    else for (const line of report.applied) process.stdout.write(`${values['dry-run'] ? 'would ' : ''}${line}\n`);
    return 0;
  } catch (error) {
    const why = error instanceof AppError ? `${error.code}: ${error.message}` : error instanceof Error ? error.message : String(error);
    // A failure with no HTTP status is the network's: say what happened on the way to the Graph URL.
    const network = error instanceof GraphAccessError && error.statusCode === undefined;
    const trusted = ca ? `${ca.path}${ca.found ? '' : ' (missing)'}` : 'the system CAs';
    const hint = unreachable(error, baseUrl, trusted) ?? (network ? await probeUnreachable(baseUrl, dispatcher, trusted) : null);
    process.stderr.write(`error: provisioning ${target} failed — ${why}${hint ? `\n  ${hint}` : ''}\n`);
    return 1;
  } finally {
    await dispatcher?.close();
  }
};
