/**
 * Paging (platform facts A4): follow `@odata.nextLink` unchanged until it is absent; a page may be empty. Never the
 * `Prefer: HonorNonIndexedQueriesWarningMayFailRandomly` header: every query filters on indexed columns only.
 */
import type { Client } from '@microsoft/microsoft-graph-client';

import { withRetries, type BatchRuntime, type RetryPolicy } from './batch.js';
import { toAppError } from './to-app-error.js';

/** Retry settings for plain reads (see withRetries). */
export interface ReadRetry {
  policy?: RetryPolicy;
  runtime?: BatchRuntime;
}

export interface Page<T> {
  value: T[];
  nextLink?: string;
  deltaLink?: string;
}

/** Reads one page (a path relative to the version root, or an absolute nextLink/deltaLink). */
export async function getPage<T>(client: Client, pathOrLink: string, what: string, retry: ReadRetry = {}): Promise<Page<T>> {
  const body = await withRetries(
    async () => {
      try {
        return (await client.api(pathOrLink).get()) as unknown;
      } catch (error) {
        throw toAppError(error, what);
      }
    },
    what,
    retry.policy,
    retry.runtime,
  );
  return toPage<T>(body);
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
export async function collectPages<T>(client: Client, first: Page<T>, what: string, retry: ReadRetry = {}): Promise<{ items: T[]; deltaLink?: string; pages: number }> {
  const items = [...first.value];
  let page = first;
  let pages = 1;
  while (page.nextLink) {
    page = await getPage<T>(client, page.nextLink, `${what} (page ${pages + 1})`, retry);
    items.push(...page.value);
    pages++;
  }
  return { items, pages, ...(page.deltaLink ? { deltaLink: page.deltaLink } : {}) };
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
