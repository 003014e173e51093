/**
 * Paging (platform facts A4): follow `@odata.nextLink` unchanged until it is absent; a page may be empty. Never the
 * `Prefer: HonorNonIndexedQueriesWarningMayFailRandomly` header: every query filters on indexed columns only.
 * Retries are the client's (./retry-middleware.ts): a page is a read, retried by the one policy, unless the caller
 * asks for `once` (a background refresh: sent once, its scheduler backs off instead).
 */
import type { Client } from '@microsoft/microsoft-graph-client';

import { RETRY_NEVER } from './retry-middleware.js';
import { toAppError } from './to-app-error.js';

export interface Page<T> {
  value: T[];
  nextLink?: string;
  deltaLink?: string;
}

/** GETs a path relative to the version root, or an absolute link, and returns the JSON body. @throws AppError */
export async function getJson(client: Client, pathOrLink: string, what: string, signal?: AbortSignal, once = false): Promise<unknown> {
  try {
    const request = once ? client.api(pathOrLink).middlewareOptions([RETRY_NEVER]) : client.api(pathOrLink);
    return (await (signal ? request.option('signal', signal) : request).get()) as unknown;
  } catch (error) {
    throw toAppError(error, what);
  }
}

/** Reads one page (a path relative to the version root, or an absolute nextLink/deltaLink). */
export async function getPage<T>(client: Client, pathOrLink: string, what: string, signal?: AbortSignal, once = false): Promise<Page<T>> {
  return toPage<T>(await getJson(client, pathOrLink, what, signal, once));
}

/** Reads a collection answer (also a `$batch` sub-response body) as a page. */
export function toPage<T>(body: unknown): Page<T> {
  const b = (body ?? {}) as { value?: unknown; '@odata.nextLink'?: unknown; '@odata.deltaLink'?: unknown };
  return {
    value: Array.isArray(b.value) ? (b.value as T[]) : [],
    ...(typeof b['@odata.nextLink'] === 'string' ? { nextLink: b['@odata.nextLink'] } : {}),
    ...(typeof b['@odata.deltaLink'] === 'string' ? { deltaLink: b['@odata.deltaLink'] } : {}),
  };
}

/** Follows nextLinks from `first` and returns every item plus the final deltaLink, if any. */
export async function collectPages<T>(client: Client, first: Page<T>, what: string, signal?: AbortSignal, once = false): Promise<{ items: T[]; deltaLink?: string; pages: number }> {
  const items = [...first.value];
  let page = first;
  let pages = 1;
  while (page.nextLink) {
    page = await getPage<T>(client, page.nextLink, `${what} (page ${pages + 1})`, signal, once);
    items.push(...page.value);
    pages++;
  }
  return { items, pages, ...(page.deltaLink ? { deltaLink: page.deltaLink } : {}) };
}

/** Reads every item of a collection: the first page, then every nextLink. */
export async function getAll<T>(client: Client, path: string, what: string, signal?: AbortSignal): Promise<{ items: T[]; deltaLink?: string; pages: number }> {
  return collectPages(client, await getPage<T>(client, path, what, signal), what, signal);
}

/** OData string literal: quotes doubled. */
export const odataString = (value: string): string => `'${value.replace(/'/g, "''")}'`;

/** Builds `path?k=v&…` with each value percent-encoded (graph-client passes query strings through unchanged). */
export function withQuery(path: string, query: Record<string, string | number | undefined>): string {
  const parts = Object.entries(query)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}=${encodeURIComponent(String(v))}`);
  return parts.length === 0 ? path : `${path}?${parts.join('&')}`;
}
