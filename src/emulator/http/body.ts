/**
 * Request bodies (#8): read only after the caller is authenticated, bounded by {@link MAX_BODY_BYTES} (413 without
 * resetting the connection: the rest is read and discarded), and JSON nested no deeper than {@link MAX_JSON_DEPTH}.
 */
import type { IncomingMessage } from 'node:http';

import { GraphHttpError } from '../errors.js';
import { MAX_BODY_BYTES, MAX_DISCARD_BYTES, MAX_JSON_DEPTH } from './limits.js';

const NO_BODY = Buffer.alloc(0);

/** The 413 answer, in Graph's shape. */
export const bodyTooLarge = (): GraphHttpError =>
  new GraphHttpError(413, 'requestTooLarge', `The request body is larger than the limit of ${MAX_BODY_BYTES} bytes (4 MB).`);

/** Whether the request announces a body (RFC 9112 §6.3: neither Content-Length nor Transfer-Encoding means none). */
export const hasBody = (req: IncomingMessage): boolean => req.headers['content-length'] !== undefined || req.headers['transfer-encoding'] !== undefined;

/**
 * Reads and drops what is left of a request body without keeping it, so that an answer sent before the body was read
 * reaches the client instead of a reset connection. Beyond {@link MAX_DISCARD_BYTES} the connection is closed.
 */
export function discardBody(req: IncomingMessage): void {
  if (req.complete || req.readableEnded) return;
  let seen = 0;
  req.on('data', (c: Buffer) => {
    seen += c.length;
    if (seen > MAX_DISCARD_BYTES) req.socket.destroy();
  });
  req.on('error', () => undefined);
  req.resume();
}

/**
 * Reads the body, at most {@link MAX_BODY_BYTES}.
 * @throws GraphHttpError 413 when it is larger (declared or streamed); the rest is discarded.
 */
export function readBody(req: IncomingMessage): Promise<Buffer> {
  if (!hasBody(req)) return Promise.resolve(NO_BODY);
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > MAX_BODY_BYTES) {
    discardBody(req);
    return Promise.reject(bodyTooLarge());
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    const onData = (c: Buffer): void => {
      if (over) return;
      size += c.length;
      if (size > MAX_BODY_BYTES) {
        over = true;
        chunks.length = 0;
        req.off('data', onData);
        discardBody(req);
        reject(bodyTooLarge());
        return;
      }
      chunks.push(c);
    };
    req.on('data', onData);
    req.on('end', () => {
      if (!over) resolve(Buffer.concat(chunks));
    });
    req.on('error', (e) => {
      if (!over) reject(e);
    });
  });
}

/**
 * How deeply arrays and objects nest in JSON text, counted without parsing (so no recursion), or -1 when it exceeds
 * `limit` (the scan stops there).
 */
export function jsonDepth(text: string, limit = MAX_JSON_DEPTH): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
      continue;
    }
    if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      depth++;
      if (depth > limit) return -1;
      if (depth > max) max = depth;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return max;
}

export type ParsedJson = { ok: true; value: unknown } | { ok: false; error: GraphHttpError };

/** Parses a JSON body (empty → undefined); 400 naming the problem for invalid or too deeply nested JSON. */
export function parseJsonBody(buf: Buffer): ParsedJson {
  if (buf.length === 0) return { ok: true, value: undefined };
  const text = buf.toString('utf8');
  if (jsonDepth(text) < 0) {
    return { ok: false, error: new GraphHttpError(400, 'invalidRequest', `The JSON payload is nested deeper than ${MAX_JSON_DEPTH} levels.`) };
  }
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false, error: new GraphHttpError(400, 'invalidRequest', 'Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.') };
  }
}

/**
 * The first malformed percent-encoding in a URL path (`%` not followed by two hex digits, or bytes that are not
 * UTF-8), or undefined when the path decodes.
 */
export function malformedPercentEncoding(path: string): string | undefined {
  try {
    decodeURIComponent(path);
    return undefined;
  } catch {
    const m = /%(?![0-9A-Fa-f]{2})[^/]{0,2}|(?:%[0-9A-Fa-f]{2})+/g;
    for (const hit of path.matchAll(m)) {
      try {
        decodeURIComponent(hit[0]);
      } catch {
        return hit[0];
      }
    }
    return path.slice(0, 40);
  }
}
