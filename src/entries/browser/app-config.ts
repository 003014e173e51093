/** Reads `app-config.json` (beside the pages) into AppConfig, with a clear error for a missing or bad file. */
import { ValidationError } from '../../core/errors.js';
import type { AuthSettings } from '../../hosts/msal/load-msal.js';
import type { AppConfig } from '../../ui/app/services.js';

export const APP_CONFIG_PATH = 'app-config.json';

/** Parses the settings; a relative `graphBaseUrl` (`/v1.0`) is resolved against `baseUrl` (the page's address). */
export function parseAppConfig(raw: unknown, baseUrl: string): AppConfig {
  const o = (raw ?? {}) as Record<string, unknown>;
  const roles = (o.roles ?? {}) as Record<string, unknown>;
  const str = (v: unknown): string | null => (typeof v === 'string' && v.trim() !== '' ? v : null);
  const given = str(o.graphBaseUrl);
  const graphBaseUrl = given === null ? null : new URL(given, baseUrl).toString().replace(/\/+$/, '');
  const issues = [];
  if (!graphBaseUrl || !/^https:\/\//.test(graphBaseUrl)) issues.push({ field: 'graphBaseUrl', value: o.graphBaseUrl, reason: 'graphBaseUrl must be an https URL such as https://graph.microsoft.com/v1.0' });
  const secretariat = str(roles.secretariat);
  const reviewers = str(roles.reviewers);
  if (!secretariat || !reviewers) issues.push({ field: 'roles', value: o.roles, reason: 'roles.secretariat and roles.reviewers must name the SharePoint groups of those roles' });
  if (issues.length > 0 || !graphBaseUrl || !secretariat || !reviewers) throw new ValidationError(issues.map((i) => ({ ...i, row: APP_CONFIG_PATH })));
  return {
    graphBaseUrl,
    defaultSite: str(o.defaultSite),
    defaultOrgCode: str(o.defaultOrgCode),
    roles: { secretariat, reviewers },
    localSignIn: o.localSignIn === true,
    auth: parseAuth(o.auth, baseUrl),
    teamId: str(o.teamId),
  };
}

/** The `auth` block (#13); a relative authority (`/<tenant>`) is resolved against the page, like graphBaseUrl. */
export function parseAuth(raw: unknown, baseUrl: string): AuthSettings | null {
  if (raw === undefined || raw === null) return null;
  const a = raw as Record<string, unknown>;
  const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string' && x !== '') : []);
  const clientId = typeof a.clientId === 'string' ? a.clientId : '';
  const authority = typeof a.authority === 'string' ? new URL(a.authority, baseUrl).toString().replace(/\/+$/, '') : '';
  const issues = [];
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(clientId)) issues.push({ field: 'auth.clientId', value: a.clientId, reason: 'auth.clientId must be the app registration\'s application (client) id, a GUID' });
  if (!/^https:\/\//.test(authority)) issues.push({ field: 'auth.authority', value: a.authority, reason: 'auth.authority must be an https URL such as https://login.microsoftonline.com/<tenant id>' });
  const graphScopes = strings(a.graphScopes);
  if (graphScopes.length === 0) issues.push({ field: 'auth.graphScopes', value: a.graphScopes, reason: 'auth.graphScopes must name at least one Graph scope, e.g. https://graph.microsoft.com/Sites.Selected' });
  if (issues.length > 0) throw new ValidationError(issues.map((i) => ({ ...i, row: APP_CONFIG_PATH })));
  return {
    clientId,
    authority,
    knownAuthorities: strings(a.knownAuthorities),
    authorityMetadata: typeof a.authorityMetadata === 'string' ? a.authorityMetadata : null,
    cloudDiscoveryMetadata: typeof a.cloudDiscoveryMetadata === 'string' ? a.cloudDiscoveryMetadata : null,
    graphScopes,
    sharePointScopes: strings(a.sharePointScopes),
  };
}

export async function loadAppConfig(fetchImpl: (url: string) => Promise<Response>, baseUrl: string): Promise<AppConfig> {
  const url = new URL(APP_CONFIG_PATH, baseUrl).toString();
  const res = await fetchImpl(url);
  if (!res.ok) throw new Error(`${APP_CONFIG_PATH}: ${res.status} ${res.statusText} (${url})`);
  return parseAppConfig(await res.json(), baseUrl);
}
