/** HS256 bearer tokens with claims shaped like Entra ID access tokens for Graph (#3). */
import { createHmac, timingSafeEqual } from 'node:crypto';

import type { Directory, DirectoryUser } from './directory.js';

/** Audience of local tokens; real Graph tokens carry the same value. */
export const GRAPH_AUDIENCE = 'https://graph.microsoft.com';
/** Default token lifetime, like Entra's ~1 h tokens but long enough for a working session. */
export const DEFAULT_TOKEN_LIFETIME_SECONDS = 8 * 3600;

export interface TokenClaims {
  aud: string;
  iss: string;
  iat: number;
  nbf: number;
  exp: number;
  tid: string;
  oid: string;
  upn: string;
  unique_name: string;
  preferred_username: string;
  name: string;
  scp: string;
  ver: '1.0';
}

const b64url = (b: Buffer | string): string => Buffer.from(b).toString('base64url');

/** Signs a token for `user` with `secret`. */
export function signToken(secret: string, directory: Directory, user: DirectoryUser, nowSeconds = Math.floor(Date.now() / 1000), lifetime = DEFAULT_TOKEN_LIFETIME_SECONDS): string {
  const claims: TokenClaims = {
    aud: GRAPH_AUDIENCE,
    iss: `https://sts.windows.net/${directory.tenantId}/`,
    iat: nowSeconds,
    nbf: nowSeconds,
    exp: nowSeconds + lifetime,
    tid: directory.tenantId,
    oid: user.oid,
    upn: user.upn,
    unique_name: user.upn,
    preferred_username: user.upn,
    name: user.displayName,
    scp: 'Sites.ReadWrite.All Sites.Manage.All Sites.FullControl.All',
    ver: '1.0',
  };
  const head = b64url(JSON.stringify({ typ: 'JWT', alg: 'HS256' }));
  const body = b64url(JSON.stringify(claims));
  const sig = createHmac('sha256', secret).update(`${head}.${body}`).digest('base64url');
  return `${head}.${body}.${sig}`;
}

export type VerifyResult = { ok: true; claims: TokenClaims } | { ok: false; reason: string };

/** Verifies signature, algorithm, audience and lifetime; never throws. */
export function verifyToken(secret: string, token: string, nowSeconds = Math.floor(Date.now() / 1000)): VerifyResult {
  const parts = token.split('.');
  if (parts.length !== 3) return { ok: false, reason: 'IDX14100: JWT is not well formed, there are no dots (.).' };
  const [head, body, sig] = parts as [string, string, string];
  let header: unknown;
  let claims: unknown;
  try {
    header = JSON.parse(Buffer.from(head, 'base64url').toString('utf8'));
    claims = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
  } catch {
    return { ok: false, reason: 'IDX14102: Unable to decode the header or payload as Base64Url encoded JSON.' };
  }
  if (typeof header !== 'object' || header === null || (header as { alg?: unknown }).alg !== 'HS256') return { ok: false, reason: 'Unsupported token algorithm.' };
  const expected = createHmac('sha256', secret).update(`${head}.${body}`).digest();
  const given = Buffer.from(sig, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: 'Signature validation failed.' };
  const c = claims as Partial<TokenClaims>;
  if (c.aud !== GRAPH_AUDIENCE) return { ok: false, reason: 'Invalid audience.' };
  if (typeof c.exp !== 'number' || c.exp <= nowSeconds) return { ok: false, reason: 'Lifetime validation failed, the token is expired.' };
  if (typeof c.nbf === 'number' && c.nbf > nowSeconds + 300) return { ok: false, reason: 'Lifetime validation failed, the token is not yet valid.' };
  if (typeof c.oid !== 'string' || typeof c.upn !== 'string') return { ok: false, reason: 'The token has no oid/upn claim.' };
  return { ok: true, claims: c as TokenClaims };
}
