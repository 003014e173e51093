/**
 * What every part of the Graph store shares (#4, #10): the connection, the resolved site and Rows list, who is
 * acting, and how batches run (the connection's retry policy unless a test overrides it). Built once by
 * openGraphFollowUpStore; the reads, saves, refresh, history, import and assignment modules take it as their first
 * argument, so a row goes from a module to `batch.ts`/`paging.ts` to the client and back, never around.
 */
import type { Client } from '@microsoft/microsoft-graph-client';

import { GraphAccessError, NotFoundError, type AppError } from '../core/errors.js';
import type { Actor } from '../core/permissions/rules.js';
import type { CancelSignal, ReadOptions } from '../core/ports.js';
import { runBatched, type BatchStep, type RunOptions, type StepResponse } from './batch.js';
import type { GraphConnection } from './create-graph-client.js';
import { getJson, withQuery } from './paging.js';
import { DEFAULT_RETRY_POLICY } from './retry.js';
import type { ResolvedSite } from './site.js';
import { toAppErrorFromResponse } from './to-app-error.js';

/** How refresh finds changes. `auto` uses delta and falls back to the Modified query where delta is refused. */
export type RefreshMode = 'delta' | 'modified' | 'auto';

export interface StoreContext {
  connection: GraphConnection;
  client: Client;
  site: ResolvedSite;
  rowsListId: string;
  /** `/sites/{site}/lists/{rows}/items` */
  rowsPath: string;
  actor: Actor;
  /** `$top` for item queries; the service may return fewer per page (nextLink is always followed). */
  pageSize: number;
  /** Batch options with the retry policy filled in. */
  batch: RunOptions;
  /** Window re-read by the Modified fallback to cover clock granularity; items already seen are filtered out. */
  modifiedOverlapMs: number;
  /** The refresh mode in effect (`auto` resolves to `delta` or `modified` on the first open). */
  refreshMode: RefreshMode;
}

/** A core CancelSignal as the AbortSignal fetch takes (it is one; core only lacks the DOM type). */
export const asAbortSignal = (signal: CancelSignal | undefined): AbortSignal | undefined => signal as AbortSignal | undefined;

/** Runs steps through `$batch` with the store's options (plus a signal). */
export function batch(ctx: StoreContext, groups: readonly (readonly BatchStep[])[], extra: RunOptions = {}): Promise<Map<string, StepResponse>> {
  return runBatched(ctx.client, groups, { ...ctx.batch, ...extra });
}

/**
 * The `$batch` options of a read: its signal, and for a background read (ReadOptions.background) one attempt per
 * step, so a throttled step comes back as its 429/503 instead of being retried.
 */
export function readBatchOptions(ctx: StoreContext, options: ReadOptions): RunOptions {
  const signal = asAbortSignal(options.signal);
  return {
    ...(signal ? { signal } : {}),
    ...(options.background ? { policy: { ...(ctx.batch.policy ?? DEFAULT_RETRY_POLICY), maxAttempts: 1 } } : {}),
  };
}

/** The AppError of a sub-response that did not succeed (or never came). */
export function stepError(r: StepResponse | undefined, what: string): AppError {
  if (!r) return new GraphAccessError(`${what}: no answer in the $batch response`);
  return r.error ?? toAppErrorFromResponse(r.status, r.body, r.headers, what);
}

/** A list's id by title (`/lists/{list-title}`, platform facts A1). @throws NotFoundError naming the fix */
export async function resolveListId(client: Client, site: ResolvedSite, name: string, signal?: AbortSignal): Promise<string> {
  let body: { id?: unknown };
  try {
    body = (await getJson(client, withQuery(`/sites/${site.id}/lists/${encodeURIComponent(name)}`, { $select: 'id' }), `GET list ${name}`, signal)) as { id?: unknown };
  } catch (error) {
    if (error instanceof NotFoundError) throw new NotFoundError(`The list ${name} does not exist on ${site.webUrl} (or you cannot see it): run \`npx followup provision --site ${site.webUrl}\` first.`, { cause: error, ...(error.status !== undefined ? { status: error.status } : {}), ...(error.requestId !== undefined ? { requestId: error.requestId } : {}) });
    throw error;
  }
  if (typeof body.id !== 'string') throw new GraphAccessError(`GET list ${name}: no id in the answer`, { status: 200 });
  return body.id;
}
