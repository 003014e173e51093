/**
 * Bearer tokens of the local service (#3, #8): HS256 JWTs with claims shaped like Entra access tokens for Graph.
 * Signing stays synchronous (tests and `dev-token` mint tokens inline); verification uses `jose` and is the one place
 * tokens are checked. It holds a list of trusted issuers, so a second issuer (the OpenID Connect provider of #13, RS256)
 * is one more entry, not a second code path.
 */
import { createHmac, createSecretKey, type KeyObject } from 'node:crypto';

import { decodeJwt, errors as joseErrors, jwtVerify } from 'jose';

import type { Directory, DirectoryUser } from './directory.js';

/** Audience of local tokens; real Graph tokens carry the same value. */
export const GRAPH_AUDIENCE = 'https://graph.microsoft.com';
/** Default token lifetime, like Entra's ~1 h tokens but long enough for a working session. */
export const DEFAULT_TOKEN_LIFETIME_SECONDS = 8 * 3600;
/** Longest lifetime (`exp − iat`) a token may claim; longer ones are refused whatever their signature. */
export const MAX_TOKEN_LIFETIME_SECONDS = 24 * 3600;
/** Clock skew tolerated on `nbf`, `iat` and `exp`. */
export const CLOCK_SKEW_SECONDS = 300;

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
  ver: '1.0' | '2.0';
}

/** The issuer of local tokens for a directory (Entra v1 tokens use `https://sts.windows.net/{tid}/`). */
export const localIssuer = (tenantId: string): string => `https://sts.windows.net/${tenantId}/`;

const b64url = (b: Buffer | string): string => Buffer.from(b).toString('base64url');

/** Signs a token for `user` with `secret`. */
export function signToken(secret: string, directory: Directory, user: DirectoryUser, nowSeconds = Math.floor(Date.now() / 1000), lifetime = DEFAULT_TOKEN_LIFETIME_SECONDS): string {
  const claims: TokenClaims = {
    aud: GRAPH_AUDIENCE,
    iss: localIssuer(directory.tenantId),
    iat: nowSeconds,
    nbf: nowSeconds,
    exp: nowSeconds + lifetime,
    tid: directory.tenantId,
    oid: user.oid,
    upn: user.upn,
    unique_name: user.upn,
    preferred_username: user.upn,
    name: user.displayName,
    scp: 'Sites.ReadWrite.All Sites.Manage.All Sites.FullControl.All ChannelMessage.Send ChannelMessage.Read.All',
    ver: '1.0',
  };
  const head = b64url(JSON.stringify({ typ: 'JWT', alg: 'HS256' }));
  const body = b64url(JSON.stringify(claims));
  const sig = createHmac('sha256', secret).update(`${head}.${body}`).digest('base64url');
  return `${head}.${body}.${sig}`;
}

export type VerifyResult = { ok: true; claims: TokenClaims } | { ok: false; reason: string };

/** An issuer whose tokens the service accepts: its `iss`, the tenant its tokens must name, its key and algorithms. */
export interface TrustedIssuer {
  issuer: string;
  tenantId: string;
  key: KeyObject;
  algorithms: string[];
}

/** The trusted issuer of tokens signed with the database's secret (`signToken`). */
export function localTokenIssuer(secret: string, tenantId: string): TrustedIssuer {
  return { issuer: localIssuer(tenantId), tenantId, key: createSecretKey(Buffer.from(secret, 'utf8')), algorithms: ['HS256'] };
}

/**
 * Verifies bearer tokens against a list of trusted issuers: signature and algorithm (jose), issuer, audience, tenant,
 * `nbf`/`exp` with {@link CLOCK_SKEW_SECONDS} of skew, `iat` not in the future, and a lifetime (`exp − iat`) of at most
 * {@link MAX_TOKEN_LIFETIME_SECONDS}. Never throws: a bad token is a `{ ok: false, reason }`.
 */
export class TokenVerifier {
  /** `issuers` may be a function: the identity provider's issuer names the origin, known once the server listens. */
  constructor(private readonly issuers: readonly TrustedIssuer[] | (() => readonly TrustedIssuer[])) {}

  /** @param audiences accepted `aud` values: Graph by default; SharePoint REST also accepts its own origin (#13). */
  async verify(token: string, nowSeconds = Math.floor(Date.now() / 1000), audiences: readonly string[] = [GRAPH_AUDIENCE]): Promise<VerifyResult> {
    let unverified: { iss?: unknown };
    try {
      unverified = decodeJwt(token);
    } catch {
      return { ok: false, reason: 'IDX14100: JWT is not well formed.' };
    }
    // The unverified `iss` only picks which key to try; jwtVerify then requires that same issuer.
    const issuers = typeof this.issuers === 'function' ? this.issuers() : this.issuers;
    const trusted = issuers.find((i) => i.issuer === unverified.iss);
    if (!trusted) return { ok: false, reason: 'IDX10205: Issuer validation failed: the issuer is not trusted.' };
    let payload: Record<string, unknown>;
    try {
      ({ payload } = await jwtVerify(token, trusted.key, {
        issuer: trusted.issuer,
        audience: [...audiences],
        algorithms: trusted.algorithms,
        clockTolerance: CLOCK_SKEW_SECONDS,
        currentDate: new Date(nowSeconds * 1000),
        requiredClaims: ['iat', 'exp', 'tid', 'oid', 'upn'],
      }));
    } catch (e) {
      return { ok: false, reason: describeJoseError(e) };
    }
    const c = payload as Partial<TokenClaims>;
    if (c.tid !== trusted.tenantId) return { ok: false, reason: 'The token was issued for another tenant.' };
    if (typeof c.iat !== 'number' || typeof c.exp !== 'number') return { ok: false, reason: 'The token has no numeric iat/exp claims.' };
    if (c.iat > nowSeconds + CLOCK_SKEW_SECONDS) return { ok: false, reason: 'Lifetime validation failed, the token was issued in the future (iat).' };
    if (c.exp - c.iat > MAX_TOKEN_LIFETIME_SECONDS) return { ok: false, reason: `Lifetime validation failed, the token lives longer than ${MAX_TOKEN_LIFETIME_SECONDS} seconds (exp - iat).` };
    if (typeof c.oid !== 'string' || typeof c.upn !== 'string') return { ok: false, reason: 'The token has no oid/upn claim.' };
    return { ok: true, claims: c as TokenClaims };
  }
}

function describeJoseError(e: unknown): string {
  if (e instanceof joseErrors.JWTExpired) return 'Lifetime validation failed, the token is expired.';
  if (e instanceof joseErrors.JWSSignatureVerificationFailed) return 'Signature validation failed.';
  if (e instanceof joseErrors.JOSEAlgNotAllowed) return 'Unsupported token algorithm.';
  if (e instanceof joseErrors.JWTClaimValidationFailed) {
    if (e.claim === 'nbf') return 'Lifetime validation failed, the token is not yet valid.';
    if (e.claim === 'aud') return 'Invalid audience.';
    if (e.claim === 'iss') return 'Invalid issuer.';
    return `The '${e.claim}' claim is missing or invalid.`;
  }
  return 'The token could not be validated.';
}

/** Verifies a token signed with `secret` for the demo tenant (tests and tools). */
export function verifyToken(secret: string, tenantId: string, token: string, nowSeconds?: number): Promise<VerifyResult> {
  return new TokenVerifier([localTokenIssuer(secret, tenantId)]).verify(token, nowSeconds);
}
