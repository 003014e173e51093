/** JSON batching (`POST /v1.0/$batch`) per Graph's rules: ≤20 requests, unique ids, dependsOn with 424 (#3). */
import { badRequest } from '../errors.js';
import type { ApiResponse } from './graph-api.js';

export const MAX_BATCH_SIZE = 20;

export interface BatchStep {
  id: string;
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: unknown;
  dependsOn: string[];
}

const METHODS = new Set(['GET', 'POST', 'PATCH', 'PUT', 'DELETE']);

/**
 * Validates a batch payload.
 * @throws GraphHttpError 400 for a malformed payload, more than 20 requests, duplicate ids, a body without
 * Content-Type, absolute URLs, or unknown/cyclic dependsOn ids.
 */
export function parseBatch(body: unknown): BatchStep[] {
  if (typeof body !== 'object' || body === null || !Array.isArray((body as { requests?: unknown }).requests)) throw badRequest('Invalid batch payload format: expected { "requests": [...] }.');
  const raw = (body as { requests: unknown[] }).requests;
  if (raw.length === 0) throw badRequest('Invalid batch payload format: the batch has no requests.');
  if (raw.length > MAX_BATCH_SIZE) throw badRequest(`The number of requests in the batch (${raw.length}) exceeds the limit of ${MAX_BATCH_SIZE}.`);
  const steps: BatchStep[] = [];
  const ids = new Set<string>();
  for (const r of raw) {
    if (typeof r !== 'object' || r === null) throw badRequest('Invalid batch payload format: every request must be an object.');
    const o = r as Record<string, unknown>;
    const id = typeof o.id === 'number' ? String(o.id) : o.id;
    if (typeof id !== 'string' || id === '') throw badRequest("Invalid batch payload format: every request needs a non-empty 'id'.");
    // Graph's ids are not case-sensitive: "a" and "A" collide.
    if (ids.has(id.toLowerCase())) throw badRequest(`Invalid batch payload format: the request id '${id}' is used more than once.`);
    ids.add(id.toLowerCase());
    const method = typeof o.method === 'string' ? o.method.toUpperCase() : '';
    if (!METHODS.has(method)) throw badRequest(`Invalid batch payload format: request '${id}' has an invalid or missing 'method'.`);
    if (typeof o.url !== 'string' || o.url === '') throw badRequest(`Invalid batch payload format: request '${id}' has no 'url'.`);
    if (/^[a-z]+:\/\//i.test(o.url)) throw badRequest(`Invalid batch payload format: request '${id}' must use a relative URL, not '${o.url}'.`);
    const headers: Record<string, string> = {};
    if (o.headers !== undefined) {
      if (typeof o.headers !== 'object' || o.headers === null) throw badRequest(`Invalid batch payload format: 'headers' of request '${id}' must be an object.`);
      for (const [k, v] of Object.entries(o.headers as Record<string, unknown>)) headers[k.toLowerCase()] = String(v);
    }
    if (o.body !== undefined && headers['content-type'] === undefined) throw badRequest(`Write request id : ${id} does not contain Content-Type header or body.`);
    const dependsOn = o.dependsOn === undefined ? [] : o.dependsOn;
    if (!Array.isArray(dependsOn) || !dependsOn.every((d) => typeof d === 'string' || typeof d === 'number')) throw badRequest(`Invalid batch payload format: 'dependsOn' of request '${id}' must be an array of ids.`);
    let url = o.url.startsWith('/') ? o.url : `/${o.url}`;
    url = url.replace(/^\/v1\.0(?=\/)/, '');
    steps.push({ id, method, url, headers, body: o.body, dependsOn: dependsOn.map(String) });
  }
  const canonical = new Map(steps.map((s) => [s.id.toLowerCase(), s.id]));
  for (const s of steps) {
    s.dependsOn = s.dependsOn.map((d) => {
      const c = canonical.get(d.toLowerCase());
      if (c === undefined || c === s.id) throw badRequest(`Invalid batch payload format: request '${s.id}' depends on unknown request '${d}'.`);
      return c;
    });
  }
  // Reject cycles up front: every step must be reachable in a dependency order.
  const done = new Set<string>();
  for (let progress = true; progress; ) {
    progress = false;
    for (const s of steps) if (!done.has(s.id) && s.dependsOn.every((d) => done.has(d))) {
      done.add(s.id);
      progress = true;
    }
  }
  if (done.size !== steps.length) throw badRequest('Invalid batch payload format: the dependsOn references form a cycle.');
  return steps;
}

export interface BatchResponseItem { id: string; status: number; headers: Record<string, string>; body?: unknown }

/** Runs the steps in dependency order (array order otherwise); a step whose dependency failed gets 424. */
export async function runBatch(steps: BatchStep[], execute: (s: BatchStep) => Promise<ApiResponse>): Promise<BatchResponseItem[]> {
  const results = new Map<string, BatchResponseItem>();
  const pending = [...steps];
  while (pending.length > 0) {
    const i = pending.findIndex((s) => s.dependsOn.every((d) => results.has(d)));
    const s = pending.splice(i, 1)[0] as BatchStep;
    const failed = s.dependsOn.find((d) => (results.get(d)?.status ?? 0) >= 400);
    if (failed !== undefined) {
      results.set(s.id, {
        id: s.id,
        status: 424,
        headers: { 'Content-Type': 'application/json; charset=utf-8' },
        body: { error: { code: 'failedDependency', message: `The request could not be processed because request '${failed}' it depends on failed.` } },
      });
      continue;
    }
    const r = await execute(s);
    const item: BatchResponseItem = { id: s.id, status: r.status, headers: r.headers };
    if (r.body !== undefined) item.body = r.body;
    results.set(s.id, item);
  }
  return steps.map((s) => results.get(s.id) as BatchResponseItem);
}
