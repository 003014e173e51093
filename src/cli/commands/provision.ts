/**
 * `followup provision --site <site URL or host:/path>` (#4): creates or upgrades the follow-up lists on a site.
 * Idempotent: prints what it created or upgraded, or that the site is up to date; exit 0 either way.
 *
 * Environment:
 *   GRAPH_BASE_URL  Graph root with version (default: the site's origin + /v1.0 for localhost sites,
 *                   https://graph.microsoft.com/v1.0 otherwise)
 *   GRAPH_TOKEN     bearer token; for the local service one is minted for the site owner like `followup dev-token`
 *   GRAPH_CA_FILE   PEM to trust (default for localhost: ./data/certs/localhost-cert.pem, the local service's cert)
 */
import { existsSync, readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

import type { FetchOptions } from '@microsoft/microsoft-graph-client';
import { Agent } from 'undici';

import { AppError } from '../../core/errors.js';
import { DB_ENV, DEFAULT_DB_PATH, getMeta, openDatabase } from '../../emulator/db.js';
import { DEMO_DIRECTORY, findUser } from '../../emulator/directory.js';
import { signToken } from '../../emulator/tokens.js';
import { createGraphClient, staticTokenProvider } from '../../graph/create-graph-client.js';
import { provisionSite } from '../../graph/provision.js';
import { parseSiteArg } from '../../graph/site.js';
import type { Command } from '../command.js';

const USAGE = `usage: followup provision --site <site URL or host:/path> [--dry-run]
  e.g. followup provision --site https://localhost:3000/sites/followup
       followup provision --site localhost:/sites/followup
       GRAPH_BASE_URL=https://graph.microsoft.com/v1.0 GRAPH_TOKEN=… followup provision --site contoso.sharepoint.com:/sites/wlb
`;

const LOCAL_CERT = './data/certs/localhost-cert.pem';
const isLocal = (host: string): boolean => host === 'localhost' || host === '127.0.0.1' || host === '::1';

/** Mints a token for the local service's site owner (same as `followup dev-token`). */
function localToken(): string {
  const user = findUser(DEMO_DIRECTORY, DEMO_DIRECTORY.defaultUser);
  if (!user) throw new Error('The demo directory has no default user.');
  const db = openDatabase(process.env[DB_ENV] ?? DEFAULT_DB_PATH);
  try {
    const secret = getMeta(db, 'token_secret');
    if (!secret) throw new Error('The local database has no token secret; start the local service once (npm start).');
    return signToken(secret, DEMO_DIRECTORY, user);
  } finally {
    db.close();
  }
}

export const provisionCommand: Command = async (argv) => {
  let values: { site?: string; 'dry-run'?: boolean };
  try {
    values = parseArgs({ args: argv, options: { site: { type: 'string' }, 'dry-run': { type: 'boolean' } } }).values;
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n${USAGE}`);
    return 2;
  }
  if (!values.site) {
    process.stderr.write(USAGE);
    return 2;
  }
  let site: ReturnType<typeof parseSiteArg>;
  try {
    site = parseSiteArg(values.site);
  } catch (error) {
    process.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n${USAGE}`);
    return 2;
  }
  const host = 'hostname' in site ? site.hostname : (values.site.split(',')[0] ?? '');
  const local = isLocal(host);
  const siteOrigin = /^https:\/\//i.test(values.site) ? new URL(values.site).origin : undefined;
  const baseUrl = process.env.GRAPH_BASE_URL ?? (local ? `${siteOrigin ?? 'https://localhost:3000'}/v1.0` : 'https://graph.microsoft.com/v1.0');
  const caFile = process.env.GRAPH_CA_FILE ?? (local && existsSync(LOCAL_CERT) ? LOCAL_CERT : undefined);
  const dispatcher = caFile ? new Agent({ connect: { ca: readFileSync(caFile, 'utf8') } }) : undefined;
  try {
    const token = process.env.GRAPH_TOKEN ?? (local ? localToken() : undefined);
    if (!token) {
      process.stderr.write('error: set GRAPH_TOKEN to a token with Sites.Manage.All for a tenant site.\n');
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
    process.stderr.write(`error: provisioning failed — ${why}\n`);
    return 1;
  } finally {
    await dispatcher?.close();
  }
};
