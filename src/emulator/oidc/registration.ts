/**
 * The demo app registration of the local identity provider (#13): what an administrator creates in Microsoft Entra
 * for the product (docs/deploy.md), played locally. One public (SPA) client; its redirect URIs are the pages of the
 * local origin; its delegated permissions are the ones the product asks for, admin-consented.
 */

/** The demo app registration's client id (`npm start` prints it as `client id: <guid>`). */
export const DEMO_CLIENT_ID = '4f1c9a52-7d3e-4b8a-9c61-2e5f0a7b3d18';
export const DEMO_APP_NAME = '取組計画等のフォローアップ (ローカル デモ)';

/** The resource every Graph scope belongs to; bare scope names (`Sites.Selected`) mean Graph, as in Entra. */
export const GRAPH_RESOURCE = 'https://graph.microsoft.com';

/** OpenID Connect scopes: no resource, no access token of their own. */
export const OIDC_SCOPES: ReadonlySet<string> = new Set(['openid', 'profile', 'email', 'offline_access']);

/**
 * Delegated permissions configured on the registration and consented by the administrator, per resource
 * (docs/deploy.md "Permissions"). The SharePoint resource is the local origin, as `https://<tenant>.sharepoint.com` is on
 * a tenant. A scope outside these is refused with `invalid_scope` (a tenant would ask for consent instead).
 */
export const DEMO_PERMISSIONS = {
  graph: ['Sites.Selected', 'Sites.Read.All', 'Sites.ReadWrite.All', 'Sites.Manage.All', 'Sites.FullControl.All', 'User.Read'],
  sharepoint: ['Sites.Selected', 'AllSites.Read', 'AllSites.Write', 'AllSites.Manage', 'AllSites.FullControl'],
} as const;

/** The paths of the local origin registered as SPA redirect URIs (the app's pages; exact match, as in Entra). */
export const DEMO_REDIRECT_PATHS: readonly string[] = ['/', '/tab.html', '/config.html', '/taskpane.html', '/auth/redirect.html', '/auth/dialog.html'];

/** The registered redirect URIs for an origin. */
export function registeredRedirectUris(origin: string): string[] {
  return DEMO_REDIRECT_PATHS.map((p) => `${origin}${p}`);
}

/** A resource and the scope names asked of it. */
export interface ScopeRequest {
  /** `https://graph.microsoft.com`, or the SharePoint (local) origin. */
  resource: string;
  /** Bare permission names, e.g. `Sites.Selected`; `.default` expanded to every consented one. */
  permissions: string[];
}

export type ParsedScopes = { ok: true; oidc: string[]; resource: ScopeRequest | null; requested: string[] } | { ok: false; reason: string };

/**
 * Splits a `scope` parameter into OpenID scopes and one resource's permissions (Entra issues an access token for one
 * resource at a time; scopes of two resources in one request are refused, AADSTS28000).
 */
export function parseScopes(raw: string, sharePointOrigin: string): ParsedScopes {
  const requested = raw.split(' ').filter((s) => s !== '');
  if (requested.length === 0) return { ok: false, reason: "The request must contain a 'scope' parameter." };
  const oidc: string[] = [];
  let resource: string | null = null;
  const permissions: string[] = [];
  for (const s of requested) {
    if (OIDC_SCOPES.has(s.toLowerCase())) {
      oidc.push(s.toLowerCase());
      continue;
    }
    let res: string;
    let name: string;
    const slash = s.lastIndexOf('/');
    if (/^https:\/\//i.test(s) && slash > 'https://'.length) {
      res = s.slice(0, slash).replace(/\/+$/, '').toLowerCase();
      name = s.slice(slash + 1);
    } else {
      res = GRAPH_RESOURCE;
      name = s;
    }
    const known = res === GRAPH_RESOURCE ? DEMO_PERMISSIONS.graph : res === sharePointOrigin.toLowerCase() ? DEMO_PERMISSIONS.sharepoint : null;
    if (!known) return { ok: false, reason: `The resource '${res}' is not known in this directory. Known: ${GRAPH_RESOURCE}, ${sharePointOrigin}.` };
    if (resource !== null && resource !== res) return { ok: false, reason: `The scopes ask for two resources (${resource} and ${res}): ask for one resource per token.` };
    resource = res;
    if (name === '.default') permissions.push(...known);
    else {
      const match = (known as readonly string[]).find((k) => k.toLowerCase() === name.toLowerCase());
      if (!match) return { ok: false, reason: `The application asked for scope '${s}', which is not among the consented permissions of ${res} (${known.join(', ')}).` };
      permissions.push(match);
    }
  }
  return { ok: true, oidc, resource: resource === null ? null : { resource, permissions: [...new Set(permissions)] }, requested };
}
