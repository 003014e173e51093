/**
 * Delegated scopes, enforced the way Graph and SharePoint do (#13): a request needs a level (read, write, manage,
 * fullcontrol) and the token must carry a scope that grants it — `Sites.Read.All` < `Sites.ReadWrite.All` <
 * `Sites.Manage.All` < `Sites.FullControl.All` for Graph, `AllSites.Read|Write|Manage|FullControl` for SharePoint — or
 * `Sites.Selected` plus a grant for the token's app on that site at that level (`POST /sites/{id}/permissions`). The
 * user's own SharePoint rights still apply on top (delegated access = the intersection; store/permissions.ts).
 * Sources: https://learn.microsoft.com/graph/permissions-selected-overview, the per-API permission tables
 * (list-create: Sites.Manage.All; listitem-create/update/delete: Sites.ReadWrite.All; listitem-list: Sites.Read.All;
 * site-post-permissions: Sites.FullControl.All).
 */
import { GraphHttpError } from './errors.js';

export type AccessLevel = 'read' | 'write' | 'manage' | 'fullcontrol';
export const ACCESS_LEVELS: readonly AccessLevel[] = ['read', 'write', 'manage', 'fullcontrol'];
const RANK: Readonly<Record<AccessLevel, number>> = { read: 1, write: 2, manage: 3, fullcontrol: 4 };

/** What the token says about the app and its delegated permissions. */
export interface TokenScopes {
  /** The `scp` claim, split. */
  scp: ReadonlySet<string>;
  /** `azp`/`appid`: the app the token was issued to (null for the local sign-in's tokens). */
  appId: string | null;
}

const BROAD: Readonly<Record<string, AccessLevel>> = {
  'Sites.Read.All': 'read',
  'Sites.ReadWrite.All': 'write',
  'Sites.Manage.All': 'manage',
  'Sites.FullControl.All': 'fullcontrol',
  'AllSites.Read': 'read',
  'AllSites.Write': 'write',
  'AllSites.Manage': 'manage',
  'AllSites.FullControl': 'fullcontrol',
};

export const atLeast = (have: AccessLevel | null, need: AccessLevel): boolean => have !== null && RANK[have] >= RANK[need];

/** The broad scope each level needs, per resource, for messages. */
const NEEDED: Readonly<Record<'graph' | 'sharepoint', Record<AccessLevel, string>>> = {
  graph: { read: 'Sites.Read.All (or higher)', write: 'Sites.ReadWrite.All (or higher)', manage: 'Sites.Manage.All (or Sites.FullControl.All)', fullcontrol: 'Sites.FullControl.All' },
  sharepoint: { read: 'AllSites.Read (or higher)', write: 'AllSites.Write (or higher)', manage: 'AllSites.Manage (or AllSites.FullControl)', fullcontrol: 'AllSites.FullControl' },
};

/**
 * Checks that the token allows `need` on a site; `grantOf(appId)` is the app's Sites.Selected grant there.
 * @throws GraphHttpError 403 accessDenied naming what is missing.
 */
export function requireScope(t: TokenScopes | undefined, need: AccessLevel, grantOf: (appId: string) => AccessLevel | null, what: string, resource: 'graph' | 'sharepoint' = 'graph'): void {
  if (t === undefined) return;
  let broad: AccessLevel | null = null;
  for (const s of t.scp) {
    const l = BROAD[s];
    if (l && atLeast(l, need) && !atLeast(broad, l)) broad = l;
  }
  if (broad !== null) return;
  if (t.scp.has('Sites.Selected')) {
    const grant = t.appId === null ? null : grantOf(t.appId);
    if (atLeast(grant, need)) return;
    throw new GraphHttpError(
      403,
      'accessDenied',
      `Access denied: ${what} needs '${need}' access. The token carries Sites.Selected, and the app ${t.appId ?? '(unknown)'} has ${grant === null ? 'no grant' : `only a '${grant}' grant`} on this site: an administrator grants it with POST /sites/{site-id}/permissions {"roles":["${need === 'manage' ? 'manage' : need}"]} (docs/deploy.md).`,
    );
  }
  const scopes = [...t.scp].join(' ') || '(none)';
  throw new GraphHttpError(403, 'accessDenied', `Access denied: ${what} needs ${NEEDED[resource][need]} or Sites.Selected with a '${need}' grant on the site; the token's scopes are: ${scopes}.`);
}
