/**
 * The local Graph-compatible SharePoint-lists service (#3): `createLocalGraph({ dbPath, port })` serves Graph v1.0
 * (`/v1.0/...`, `/v1.0/$batch`), SharePoint REST for permissions (`/sites/followup/_api/web/...`) and local-only
 * helpers (`/_local/...`) over https on localhost, persisted in SQLite.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';

import { loadOrCreateCert } from './cert.js';
import { DEMO_SITE, openDatabase } from './db.js';
import type { FaultConfig, ThrottleSetting } from './http/faults.js';
import { createHttpHandler, type LocalGraphStats } from './http/server.js';
import type { OidcProvider } from './oidc/provider.js';
import { LocalGraphStore } from './store/store.js';

export { DEFAULT_DB_PATH, DB_ENV, resetDatabase, ROLE } from './db.js';
export { DEMO_DIRECTORY, type Directory, type DirectoryGroup, type DirectoryUser } from './directory.js';
export { contentSecurityPolicy, type CspOptions, CSP_ORIGINS, htmlSecurityHeaders, M365_FRAME_ANCESTORS } from './http/csp.js';
export { type FaultConfig, faultsFromEnv, throttleFromEnv, type ThrottleSetting } from './http/faults.js';
export type { LocalGraphStats } from './http/server.js';
export type { OidcProvider } from './oidc/provider.js';
export { DEMO_APP_NAME, DEMO_CLIENT_ID, DEMO_PERMISSIONS, registeredRedirectUris } from './oidc/registration.js';

export interface LocalGraphOptions {
  /** SQLite file path, or ':memory:'. */
  dbPath: string;
  /** 0 = any free port; default 3000. */
  port?: number;
  /** Where the self-signed certificate lives; default ./data/certs. */
  certDir?: string;
  faults?: Partial<FaultConfig>;
  /** Resource units per minute, per user or per app (`scope: 'app'`); default false (off). */
  throttle?: ThrottleSetting | false;
  /** The throttle's clock (ms); default Date.now (the deadline-day simulation passes virtual time). */
  throttleClock?: () => number;
  /** Default page size for item listings and delta; default 200. */
  pageSize?: number;
  /** Serves non-Graph paths (the web app on the same origin); return true when handled. */
  requestHandler?: (req: IncomingMessage, res: ServerResponse) => boolean | Promise<boolean>;
  /** The identity provider's token lifetimes in seconds (#13); default 1 h access, 24 h refresh. */
  oidc?: { accessTokenLifetimeSeconds?: number; refreshTokenLifetimeSeconds?: number };
}

export interface LocalGraph {
  url: string;
  graphUrl: string;
  port: number;
  ca: string;
  site: { id: string; hostname: 'localhost'; path: '/sites/followup'; webUrl: string };
  tokenFor(user?: string): string;
  /** The OpenID Connect identity provider at Entra's URL shapes (#13). */
  oidc: OidcProvider;
  setFaults(f: Partial<FaultConfig>): void;
  setThrottle(t: ThrottleSetting | false): void;
  stats(): LocalGraphStats;
  resetStats(): void;
  /** Test hook: forget the change log so every earlier delta token gets 410 (as an expired token would). */
  expireDeltaTokens(): void;
  close(): Promise<void>;
}

/** Starts the service; resolves once it listens. */
export async function createLocalGraph(options: LocalGraphOptions): Promise<LocalGraph> {
  const db = openDatabase(options.dbPath);
  const store = new LocalGraphStore(db);
  const { cert, key } = loadOrCreateCert(options.certDir ?? './data/certs');
  let origin = 'https://localhost:0';
  const http = createHttpHandler(store, () => origin, options);
  const { handler, api } = http;
  const sockets = new Set<Socket>();
  const makeServer = (): Server => {
    const s = createServer({ cert, key, keepAlive: true }, handler);
    s.keepAliveTimeout = 65_000;
    s.on('connection', (sock: Socket) => {
      sockets.add(sock);
      sock.on('close', () => sockets.delete(sock));
    });
    return s;
  };
  const server = makeServer();
  const listen = (s: Server, port: number, host: string): Promise<void> =>
    new Promise((resolve, reject) => {
      const onErr = (e: Error): void => reject(e);
      s.once('error', onErr);
      s.listen(port, host, () => {
        s.off('error', onErr);
        resolve();
      });
    });
  try {
    await listen(server, options.port ?? 3000, '127.0.0.1');
  } catch (e) {
    db.close();
    throw e;
  }
  const port = (server.address() as AddressInfo).port;
  // `localhost` may resolve to ::1 first; serve the loopback IPv6 address too when the host has one.
  let server6: Server | undefined = makeServer();
  try {
    await listen(server6, port, '::1');
  } catch {
    server6 = undefined;
  }
  origin = `https://localhost:${port}`;
  const site = store.sites.siteByPath(DEMO_SITE.hostname, DEMO_SITE.path) ?? store.sites.firstSite();

  let closed = false;
  return {
    url: origin,
    graphUrl: `${origin}/v1.0`,
    port,
    ca: cert,
    site: { id: api.json.siteId(site), hostname: 'localhost', path: '/sites/followup', webUrl: api.json.siteWebUrl(site) },
    tokenFor: http.tokenFor,
    oidc: http.oidc,
    setFaults: (f) => http.faults.set(f),
    setThrottle: (t) => http.throttle.set(t),
    stats: http.stats,
    resetStats: http.resetStats,
    expireDeltaTokens: () => store.delta.expireTokens(),
    close: async () => {
      if (closed) return;
      closed = true;
      const done = Promise.all([server, server6].filter((s): s is Server => s !== undefined).map((s) => new Promise<void>((r) => s.close(() => r()))));
      for (const s of sockets) s.destroy();
      await done;
      db.close();
    },
  };
}
