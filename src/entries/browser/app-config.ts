/** Reads `app-config.json` (beside the pages) into AppConfig, with a clear error for a missing or bad file. */
import { ValidationError } from '../../core/errors.js';
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
  };
}

export async function loadAppConfig(fetchImpl: (url: string) => Promise<Response>, baseUrl: string): Promise<AppConfig> {
  const url = new URL(APP_CONFIG_PATH, baseUrl).toString();
  const res = await fetchImpl(url);
  if (!res.ok) throw new Error(`${APP_CONFIG_PATH}: ${res.status} ${res.statusText} (${url})`);
  return parseAppConfig(await res.json(), baseUrl);
}
