/**
 * Site and list addressing (platform facts A1): `/sites/{hostname}:/{server-relative-path}` → composite site id.
 * Accepts `https://host/sites/x`, `host:/sites/x` or a composite id `host,guid,guid`.
 */
import type { Client } from '@microsoft/microsoft-graph-client';

import { NotFoundError, ValidationError } from '../core/errors.js';
import { getJson } from './paging.js';

export interface SiteRef {
  hostname: string;
  /** Server-relative path, e.g. `/sites/followup`; empty for the root site. */
  path: string;
}

export interface ResolvedSite {
  id: string;
  webUrl: string;
}

/** Parses a site argument; a composite id comes back as `{ id }`. @throws ValidationError for anything else */
export function parseSiteArg(arg: string): SiteRef | { id: string } {
  const s = arg.trim();
  if (/^https:\/\//i.test(s)) {
    const u = new URL(s);
    return { hostname: u.hostname, path: u.pathname.replace(/\/+$/, '') };
  }
  const m = /^([^/:,\s]+):(\/.*)?$/.exec(s);
  if (m) return { hostname: m[1] as string, path: (m[2] ?? '').replace(/\/+$/, '') };
  if (/^[^,\s/]+,[0-9a-f-]+,[0-9a-f-]+$/i.test(s)) return { id: s };
  throw new ValidationError([{ field: 'site', value: arg, reason: `Not a site URL, host:/path or site id: ${arg}` }]);
}

/**
 * Resolves a site to its id and web URL (1 request; retried like every read, network errors included).
 * @throws NotFoundError, PermissionError, GraphAccessError
 */
export async function resolveSite(client: Client, site: string | SiteRef | { id: string }, signal?: AbortSignal): Promise<ResolvedSite> {
  const ref = typeof site === 'string' ? parseSiteArg(site) : site;
  const path = 'id' in ref ? `/sites/${ref.id}` : ref.path === '' ? `/sites/${ref.hostname}` : `/sites/${ref.hostname}:${ref.path}`;
  const body = (await getJson(client, `${path}?$select=id,webUrl`, `GET site ${'id' in ref ? ref.id : `${ref.hostname}:${ref.path}`}`, signal)) as { id?: unknown; webUrl?: unknown };
  if (typeof body.id !== 'string' || typeof body.webUrl !== 'string') throw new NotFoundError(`GET ${path}: the answer has no site id/webUrl`);
  return { id: body.id, webUrl: body.webUrl };
}
