/**
 * A Graph connection to a site for a command: the local demo site of npm start by default (its certificate and a
 * token for a demo user), or any site with GRAPH_BASE_URL / GRAPH_TOKEN. `graphTarget` is the part every site command
 * shares (`provision`, `audit`, `doctor`); `openSiteSession` adds the token rule of `report`, `cycle` and `review`.
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

/**
 * Where a command's Graph requests go for `--site` (default: the local demo site of npm start on PORT): the Graph URL,
 * the certificate to trust, and the error line for a failure. What `provision`, `audit` and the commands built on
 * `openSiteSession` share; each command keeps its own token rule and messages.
 */
export interface GraphTarget {
  siteArg: string;
  site: SiteRef | { id: string };
  /** The site is on this machine (the local service): a demo user's token can be made. */
  local: boolean;
  baseUrl: string;
  /** `site … through …`, for messages. */
  target: string;
  /** A Graph connection with `token`, trusting the local certificate where it applies. */
  connect(token: string): GraphConnection;
  /** `fetch` trusting the same certificate (for requests outside the Graph client: SharePoint REST, raw reads). */
  fetch(url: string, init: RequestInit): Promise<Response>;
  /** The error line for a failure, with a hint when the service could not be reached. */
  describe(error: unknown): Promise<string>;
  close(): Promise<void>;
}

/** @throws Error naming what is wrong with `--site` (a usage error for the command). */
export function graphTarget(siteArgOrUndefined: string | undefined): GraphTarget {
  const origin = localOrigin();
  const siteArg = siteArgOrUndefined ?? `${origin}${DEMO_SITE.path}`;
  const site = parseSiteArg(siteArg);
  const host = 'hostname' in site ? site.hostname : (siteArg.split(',')[0] ?? '');
  const local = isLocal(host);
  // A local site URL names its port; host:/path and composite ids take PORT's.
  const serviceOrigin = local && /^https:\/\//i.test(siteArg) ? new URL(siteArg).origin : origin;
  const baseUrl = process.env.GRAPH_BASE_URL ?? (local ? `${serviceOrigin}/v1.0` : 'https://graph.microsoft.com/v1.0');
  // Trust the local service's certificate for localhost; a tenant's is trusted through the system's CAs.
  const ca = local || process.env.GRAPH_CA_FILE ? localCaFile() : null;
  const dispatcher = ca?.found ? new Agent({ connect: { ca: readFileSync(ca.path, 'utf8') } }) : undefined;
  const trusted = ca ? `${ca.path}${ca.found ? '' : ' (missing)'}` : 'the system CAs';
  return {
    siteArg,
    site,
    local,
    baseUrl,
    target: `site ${siteArg} through ${baseUrl}`,
    // undici's dispatcher rides in the fetch init (graph-client copies fetchOptions into it).
    connect: (token) => createGraphClient({ baseUrl, tokenProvider: staticTokenProvider(token), ...(dispatcher ? { fetchOptions: { dispatcher } as unknown as FetchOptions } : {}) }),
    fetch: (u, init) => fetch(u, { ...init, ...(dispatcher ? { dispatcher } : {}) } as RequestInit),
    describe: async (error) => {
      const why = error instanceof AppError ? `${error.code}: ${error.message}` : error instanceof Error ? error.message : String(error);
      // A failure with no HTTP status is the network's: say what happened on the way to the Graph URL.
      const network = error instanceof GraphAccessError && error.status === undefined;
      const hint = unreachable(error, baseUrl, trusted) ?? (network ? await probeUnreachable(baseUrl, dispatcher, trusted) : null);
      return `${why}${hint ? `\n  ${hint}` : ''}`;
    },
    close: async () => {
      await dispatcher?.close();
    },
  };
}

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
  const target = graphTarget(siteArgOrUndefined);
  try {
    let token = process.env.GRAPH_TOKEN;
    if (!token && target.local) {
      const who = findUser(DEMO_DIRECTORY, user ?? DEMO_DIRECTORY.defaultUser);
      if (!who) throw new Error(`no demo user "${user}" (see the README's demo directory)`);
      token = (await localToken(who, new URL(target.baseUrl).origin)).token;
    }
    if (!token) throw new Error(`set GRAPH_TOKEN to a token of the acting user for ${target.target}.`);
    return { connection: target.connect(token), site: target.site, target: target.target, describe: target.describe, close: target.close };
  } catch (error) {
    await target.close();
    throw error;
  }
}

interface Closing {
  /** `site … through …`, for messages. */
  target: string;
  describe(error: unknown): Promise<string>;
  close(): Promise<void>;
}

/** What a site command says when it cannot start (`usage`, exit 2) and what failed when it could (`failed(target)`). */
export interface SiteCommandMessages {
  site: string | undefined;
  usage: (message: string) => number;
  failed: (target: string) => string;
}

/**
 * A site command from opening its connection to closing it: one that cannot be opened (a bad `--site`, no token) is a
 * usage error (`usage`, exit 2); a failure of `run` is printed as `error: <failed(target)> failed — <why>` (exit 1).
 */
async function withClosing<S extends Closing>(open: () => S | Promise<S>, messages: SiteCommandMessages, run: (session: S) => Promise<number>): Promise<number> {
  let session: S;
  try {
    session = await open();
  } catch (error) {
    return messages.usage(error instanceof Error ? error.message : String(error));
  }
  try {
    return await run(session);
  } catch (error) {
    process.stderr.write(`error: ${messages.failed(session.target)} failed — ${await session.describe(error)}\n`);
    return 1;
  } finally {
    await session.close();
  }
}

/** `run` with a session as `user` (openSiteSession), for `report`, `cycle`: see withClosing. */
export function withSiteSession(options: SiteCommandMessages & { user?: string }, run: (session: SiteSession) => Promise<number>): Promise<number> {
  return withClosing(() => openSiteSession(options.site, options.user), options, run);
}

/** `run` with the site's GraphTarget (each command keeps its own token rule), for `provision`, `audit`: see withClosing. */
export function withGraphTarget(options: SiteCommandMessages, run: (to: GraphTarget) => Promise<number>): Promise<number> {
  return withClosing(() => graphTarget(options.site), options, run);
}
