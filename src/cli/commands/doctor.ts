/**
 * `followup doctor [--site <site URL>]` (#13): checks a tenant or the local service (token, site, lists, delta,
 * permissions, throttling) and prints one verdict per line. Exit 0 when nothing fails, 1 when something does, 2 on a
 * usage error. Without --site it checks the demo site of the local service on https://localhost:$PORT.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

import type { FetchOptions } from '@microsoft/microsoft-graph-client';
import { Agent } from 'undici';

import { DEMO_SITE } from '../../emulator/db.js';
import { DEMO_DIRECTORY, findUser } from '../../emulator/directory.js';
import { createGraphClient, staticTokenProvider } from '../../graph/create-graph-client.js';
import { parseSiteArg } from '../../graph/site.js';
import type { Command } from '../command.js';
import { doctorExitCode, formatChecks, runDoctor } from '../doctor.js';
import { localCaFile, localOrigin, localToken, unreachable } from '../local-service.js';
import { DOCTOR_USAGE as USAGE } from '../usage.js';

const isLocal = (host: string): boolean => host === 'localhost' || host === '127.0.0.1' || host === '[::1]';

export const doctorCommand: Command = async (argv) => {
  const { values } = parseArgs({ args: argv, options: { site: { type: 'string' } } });
  const origin = localOrigin();
  const siteArg = values.site ?? `${origin}${DEMO_SITE.path}`;
  let url: URL;
  try {
    url = new URL(siteArg);
    if (url.protocol !== 'https:') throw new Error('the site URL must be https');
    parseSiteArg(siteArg);
  } catch (error) {
    process.stderr.write(`error: --site ${siteArg}: ${error instanceof Error ? error.message : String(error)}\n${USAGE}`);
    return 2;
  }
  const local = isLocal(url.hostname);
  const baseUrl = process.env.GRAPH_BASE_URL ?? (local ? `${url.origin}/v1.0` : 'https://graph.microsoft.com/v1.0');
  const ca = local || process.env.GRAPH_CA_FILE ? localCaFile() : null;
  const dispatcher = ca?.found ? new Agent({ connect: { ca: readFileSync(ca.path, 'utf8') } }) : undefined;
  try {
    let token = process.env.GRAPH_TOKEN ?? null;
    let spToken = process.env.SHAREPOINT_TOKEN ?? null;
    if (!token && local) {
      const owner = findUser(DEMO_DIRECTORY, DEMO_DIRECTORY.defaultUser);
      if (owner) token = (await localToken(owner, url.origin)).token;
      // The local service's SharePoint REST accepts the local sign-in's tokens.
      spToken ??= token;
    }
    if (!token) {
      process.stderr.write(`error: set GRAPH_TOKEN to a Graph access token to check ${siteArg} (docs/deploy.md).\n${USAGE}`);
      return 2;
    }
    const fetchImpl = (u: string, init: RequestInit): Promise<Response> => fetch(u, { ...init, ...(dispatcher ? { dispatcher } : {}) } as RequestInit);
    const connection = createGraphClient({ baseUrl, tokenProvider: staticTokenProvider(token), ...(dispatcher ? { fetchOptions: { dispatcher } as unknown as FetchOptions } : {}) });
    const path = url.pathname.replace(/\/+$/, '');
    const checks = await runDoctor({ graphBaseUrl: baseUrl, site: { hostname: url.hostname, path }, siteUrl: `${url.origin}${path}`, graphToken: token, sharePointToken: spToken, connection, fetch: fetchImpl });
    process.stdout.write(`followup doctor — ${url.origin}${path} through ${baseUrl}\n${formatChecks(checks)}\n`);
    return doctorExitCode(checks);
  } catch (error) {
    const trusted = ca ? `${ca.path}${ca.found ? '' : ' (missing)'}` : 'the system CAs';
    process.stderr.write(`error: doctor could not reach ${baseUrl}: ${error instanceof Error ? error.message : String(error)}${unreachable(error, baseUrl, trusted) ? `\n  ${unreachable(error, baseUrl, trusted) ?? ''}` : ''}\n`);
    return 1;
  } finally {
    await dispatcher?.close();
  }
};
