/**
 * The web side of `npm start` (#10): the built app (dist/) with the local deployment settings, and the printable
 * report view, on the local service's origin. Shared by `npm start` and the tests that start its composition.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

import { LOCAL_TEAM_ID } from '../../emulator/http/teams.js';
import { readDivisions } from '../../graph/site-directory.js';
import type { AuthSettings } from '../../hosts/msal/load-msal.js';
import type { AppConfig } from '../../ui/app/services.js';
import { DEMO_ORG_CODE, DEMO_ROLE_GROUPS, type Embedded } from '../embedded.js';
import { chainHandlers, createAppServer } from './app-server.js';
import { DIST_DIR } from './build.js';
import { createReportPages } from './pages.js';

/** The app's settings for the local service: Graph on the same origin, the demo site, the local sign-in. */
export function localAppConfig(embedded: Embedded): AppConfig {
  return {
    // Relative: the page talks to the origin it was loaded from (localhost or 127.0.0.1 alike), as CSP connect-src 'self' wants.
    graphBaseUrl: '/v1.0',
    defaultSite: embedded.site.webUrl,
    defaultOrgCode: DEMO_ORG_CODE,
    roles: DEMO_ROLE_GROUPS,
    localSignIn: true,
    auth: localAuthSettings(embedded),
    // The local service's one team: reminders are posted to its division channels (and recorded).
    teamId: LOCAL_TEAM_ID,
  };
}

/**
 * MSAL against the local identity provider (#13): the demo app registration, the authority on the local origin, and
 * the metadata MSAL would download, given here so that it makes no discovery request. Scopes as on a tenant with
 * least privilege (docs/deploy.md): delegated Sites.Selected for Graph and for the SharePoint origin.
 */
export function localAuthSettings(embedded: Embedded): AuthSettings {
  const { oidc, url } = embedded.graph;
  const host = new URL(url).host;
  return {
    clientId: oidc.clientId,
    authority: oidc.authority(),
    knownAuthorities: [host],
    authorityMetadata: JSON.stringify(oidc.metadata()),
    cloudDiscoveryMetadata: JSON.stringify({
      tenant_discovery_endpoint: `${oidc.issuer()}/.well-known/openid-configuration`,
      'api-version': '1.1',
      metadata: [{ preferred_network: host, preferred_cache: host, aliases: [host] }],
    }),
    graphScopes: ['https://graph.microsoft.com/Sites.Selected'],
    sharePointScopes: ['Sites.Selected'],
  };
}

export function createEmbeddedWebApp(getEmbedded: () => Embedded | null, options: { distDir?: string; ready?: Promise<unknown> } = {}): (req: IncomingMessage, res: ServerResponse) => Promise<boolean> {
  const app = createAppServer({
    distDir: options.distDir ?? DIST_DIR,
    appConfig: () => {
      const e = getEmbedded();
      return e ? localAppConfig(e) : null;
    },
    ...(options.ready ? { ready: options.ready } : {}),
  });
  const reports = createReportPages(() => {
    const e = getEmbedded();
    return e ? { store: e.store, samples: e.samples, divisions: async () => (await readDivisions(e.connection, e.site)).divisions } : null;
  });
  return chainHandlers(app, reports);
}
