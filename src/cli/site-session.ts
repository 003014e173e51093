/**
 * A Graph connection to a site for a command (#12 commands `report` and `cycle`): the local demo site of npm start by
 * default (its certificate and a token for a demo user), or any site with GRAPH_BASE_URL / GRAPH_TOKEN. The same
 * steps `provision` and `audit` take, kept in one place for the commands that came after them.
 */
import { readFileSync } from 'node:fs';

import type { FetchOptions } from '@microsoft/microsoft-graph-client';
import { Agent } from 'undici';

import { AppError, GraphAccessError } from '../core/errors.js';
import { DEMO_SITE } from '../emulator/db.js';
import { DEMO_DIRECTORY, findUser } from '../emulator/directory.js';
import { createGraphClient, staticTokenProvider, type GraphConnection } from '../graph/create-graph-client.js';
import { parseSiteArg, type SiteRef } from '../graph/site.js';
import { localCaFile, localOrigin, localToken, probeUnreachable, unreachable } from './local-service.js';

const isLocal = (host: string): boolean => host === 'localhost' || host === '127.0.0.1' || host === '::1' || host === '[::1]';

export interface SiteSession {
  connection: GraphConnection;
  site: SiteRef | { id: string };
  /** `site … through …`, for messages. */
  target: string;
  /** The error line for a failure, with a hint when the service could not be reached. */
  describe(error: unknown): Promise<string>;
  close(): Promise<void>;
}

/**
 * Opens a session as `user` of the demo directory on the local service (default: the site owner), or with
 * GRAPH_TOKEN anywhere. @throws Error with a message for the user (bad --site, no token)
 */
export async function openSiteSession(siteArgOrUndefined: string | undefined, user?: string): Promise<SiteSession> {
  const origin = localOrigin();
  const siteArg = siteArgOrUndefined ?? `${origin}${DEMO_SITE.path}`;
  const site = parseSiteArg(siteArg);
  const host = 'hostname' in site ? site.hostname : (siteArg.split(',')[0] ?? '');
  const local = isLocal(host);
  const serviceOrigin = local && /^https:\/\//i.test(siteArg) ? new URL(siteArg).origin : origin;
  const baseUrl = process.env.GRAPH_BASE_URL ?? (local ? `${serviceOrigin}/v1.0` : 'https://graph.microsoft.com/v1.0');
  const ca = local || process.env.GRAPH_CA_FILE ? localCaFile() : null;
  const target = `site ${siteArg} through ${baseUrl}`;
  const dispatcher = ca?.found ? new Agent({ connect: { ca: readFileSync(ca.path, 'utf8') } }) : undefined;
  let token = process.env.GRAPH_TOKEN;
  if (!token && local) {
    const who = findUser(DEMO_DIRECTORY, user ?? DEMO_DIRECTORY.defaultUser);
    if (!who) throw new Error(`no demo user "${user}" (see the README's demo directory)`);
    token = (await localToken(who, new URL(baseUrl).origin)).token;
  }
  if (!token) throw new Error(`set GRAPH_TOKEN to a token of the acting user for ${target}.`);
  const connection = createGraphClient({ baseUrl, tokenProvider: staticTokenProvider(token), ...(dispatcher ? { fetchOptions: { dispatcher } as unknown as FetchOptions } : {}) });
  const trusted = ca ? `${ca.path}${ca.found ? '' : ' (missing)'}` : 'the system CAs';
  return {
    connection,
    site,
    target,
    describe: async (error) => {
      const why = error instanceof AppError ? `${error.code}: ${error.message}` : error instanceof Error ? error.message : String(error);
      const network = error instanceof GraphAccessError && error.status === undefined;
      const hint = unreachable(error, baseUrl, trusted) ?? (network ? await probeUnreachable(baseUrl, dispatcher, trusted) : null);
      return `${why}${hint ? `\n  ${hint}` : ''}`;
    },
    close: async () => {
      await dispatcher?.close();
    },
  };
}
