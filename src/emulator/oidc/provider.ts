/**
 * The local service as an OpenID Connect identity provider at Microsoft Entra's URL shapes (#13), on the local origin:
 *
 * - `GET  /{tenant}/v2.0/.well-known/openid-configuration` — discovery
 * - `GET  /{tenant}/discovery/v2.0/keys` — the RS256 signing key (`jwks_uri`)
 * - `GET  /{tenant}/oauth2/v2.0/authorize` — the local sign-in and consent page (pick a demo user); `POST` = the choice
 * - `POST /{tenant}/oauth2/v2.0/token` — `authorization_code` (PKCE S256 required) and `refresh_token`
 * - `GET  /{tenant}/oauth2/v2.0/logout` — ends the provider's session and revokes its refresh tokens
 *
 * `{tenant}` is the demo tenant id. Access tokens are RS256 JWTs with issuer `https://localhost:PORT/{tenant}/v2.0`,
 * checked by the service's one TokenVerifier (this provider is one more trusted issuer). Refresh tokens have the fixed
 * lifetime Entra gives single-page apps (24 h, not extended by use) and rotate on every use; they and the sign-in
 * sessions are kept, hashed, in the database (grant-store.ts), so a restart signs nobody out; authorization codes
 * (ten minutes) stay in memory. Bad input always gets an OAuth error (redirect or 400 JSON),
 * never a 5xx: every branch returns a value; nothing here throws on client input.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

import { SignJWT } from 'jose';

import type { Db } from '../db.js';
import { type Directory, type DirectoryUser, findUser } from '../directory.js';
import { readBody } from '../http/body.js';
import { htmlSecurityHeaders } from '../http/csp.js';
import { GRAPH_AUDIENCE, MAX_TOKEN_LIFETIME_SECONDS, type TrustedIssuer } from '../tokens.js';
import { createGrantStore } from './grant-store.js';
import { loadSigningKey } from './keys.js';
import { type OAuthError, oauthError, tokenErrorBody } from './oauth-errors.js';
import { errorPage, signedOutPage, signInPage } from './pages.js';
import { DEMO_APP_NAME, DEMO_CLIENT_ID, GRAPH_RESOURCE, OIDC_SCOPES, parseScopes, registeredRedirectUris, type ScopeRequest } from './registration.js';

/** Entra's default access token lifetime (60–90 minutes; 1 h here). */
export const DEFAULT_ACCESS_TOKEN_SECONDS = 3600;
/** The fixed lifetime of a single-page app's refresh token in Entra (24 h). */
export const DEFAULT_REFRESH_TOKEN_SECONDS = 24 * 3600;
/** Authorization codes live 10 minutes (Entra: "about 10 minutes"). */
export const CODE_LIFETIME_SECONDS = 600;
/** How long the sign-in page's form stays valid. */
const FLOW_LIFETIME_SECONDS = 1800;
const SESSION_COOKIE = 'followup_idp_session';
const MAX_PARAM_LENGTH = 4096;

export interface OidcProviderOptions {
  db: Db;
  directory: Directory;
  /** `https://localhost:PORT`, known once the server listens. */
  origin: () => string;
  /** HMAC key of the sign-in page's form (the database's token secret). */
  secret: string;
  accessTokenLifetimeSeconds?: number;
  refreshTokenLifetimeSeconds?: number;
  /** Seconds since the epoch (tests move it). */
  now?: () => number;
}

export interface OidcGrantCounts {
  authorizationCode: number;
  refreshToken: number;
  failed: number;
}

export interface OidcProvider {
  readonly clientId: string;
  /** `https://localhost:PORT/{tenant}/v2.0` */
  issuer(): string;
  /** The authority MSAL is given: `https://localhost:PORT/{tenant}`. */
  authority(): string;
  /** This provider as a TokenVerifier issuer (RS256, the published key). */
  trustedIssuer(): TrustedIssuer;
  /** The discovery document (MSAL's `authorityMetadata`). */
  metadata(): Record<string, unknown>;
  /** Answers the provider's paths; false for any other path. */
  handle(req: IncomingMessage, res: ServerResponse, url: URL, requestId: string): Promise<boolean>;
  /** Revokes the refresh tokens (and sign-in sessions) of one user, or of everybody; returns how many. */
  revokeSessions(user?: string): number;
  grants(): OidcGrantCounts;
}

interface AuthorizeRequest {
  clientId: string;
  redirectUri: string;
  responseMode: 'query' | 'fragment';
  state: string | undefined;
  nonce: string | undefined;
  scopes: string[];
  resource: ScopeRequest | null;
  offlineAccess: boolean;
  openid: boolean;
  codeChallenge: string;
  prompt: string | undefined;
  loginHint: string | undefined;
}

interface CodeGrant {
  request: AuthorizeRequest;
  user: DirectoryUser;
  sid: string;
  exp: number;
  used: boolean;
}

/** What a refresh token grants (stored as JSON beside it). */
interface RefreshGrant {
  /** The scopes of the grant, used when a refresh request names none (RFC 6749 §6: omitted = as originally granted). */
  resource: ScopeRequest | null;
  asked: string[];
}

type AuthorizeCheck =
  | { kind: 'ok'; request: AuthorizeRequest }
  /** The client or redirect URI cannot be trusted: an error page, never a redirect. */
  | { kind: 'page'; status: number; error: OAuthError }
  | { kind: 'redirect'; redirectUri: string; responseMode: 'query' | 'fragment'; state: string | undefined; error: OAuthError };

const PATH = /^\/([^/]+)\/(v2\.0\/\.well-known\/openid-configuration|discovery\/v2\.0\/keys|oauth2\/v2\.0\/(?:authorize|token|logout))$/;
const PROMPTS = new Set(['none', 'login', 'select_account', 'consent', 'create']);
const b64url = (b: Buffer | string): string => Buffer.from(b).toString('base64url');
const sha256 = (s: string): Buffer => createHash('sha256').update(s).digest();

/** Reads single-valued parameters; a repeated one is an error (RFC 6749 §3.1: parameters must not be included more than once). */
function singleParams(p: URLSearchParams): { ok: true; get: (k: string) => string | undefined } | { ok: false; error: OAuthError } {
  const seen = new Map<string, string>();
  for (const [k, v] of p) {
    if (seen.has(k)) return { ok: false, error: oauthError('invalid_request', 90015, `The parameter '${k.slice(0, 64)}' is duplicated.`) };
    if (v.length > MAX_PARAM_LENGTH) return { ok: false, error: oauthError('invalid_request', null, `The parameter '${k.slice(0, 64)}' is longer than ${MAX_PARAM_LENGTH} characters.`) };
    seen.set(k, v);
  }
  return { ok: true, get: (k) => seen.get(k) };
}

export function createOidcProvider(o: OidcProviderOptions): OidcProvider {
  const { directory } = o;
  const tenant = directory.tenantId;
  const key = loadSigningKey(o.db);
  const now = o.now ?? (() => Math.floor(Date.now() / 1000));
  const atLifetime = Math.min(o.accessTokenLifetimeSeconds ?? DEFAULT_ACCESS_TOKEN_SECONDS, MAX_TOKEN_LIFETIME_SECONDS);
  const rtLifetime = o.refreshTokenLifetimeSeconds ?? DEFAULT_REFRESH_TOKEN_SECONDS;
  const codes = new Map<string, CodeGrant>();
  const grants = createGrantStore<RefreshGrant>(o.db);
  grants.purge(now());
  const counts: OidcGrantCounts = { authorizationCode: 0, refreshToken: 0, failed: 0 };

  const issuer = (): string => `${o.origin()}/${tenant}/v2.0`;
  const base = (): string => `${o.origin()}/${tenant}`;
  const spOrigin = (): string => o.origin();

  const metadata = (): Record<string, unknown> => ({
    token_endpoint: `${base()}/oauth2/v2.0/token`,
    token_endpoint_auth_methods_supported: ['none'],
    jwks_uri: `${base()}/discovery/v2.0/keys`,
    response_modes_supported: ['query', 'fragment'],
    subject_types_supported: ['pairwise'],
    id_token_signing_alg_values_supported: ['RS256'],
    response_types_supported: ['code'],
    scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
    issuer: issuer(),
    request_uri_parameter_supported: false,
    authorization_endpoint: `${base()}/oauth2/v2.0/authorize`,
    http_logout_supported: true,
    frontchannel_logout_supported: false,
    end_session_endpoint: `${base()}/oauth2/v2.0/logout`,
    claims_supported: ['sub', 'iss', 'aud', 'exp', 'iat', 'nbf', 'nonce', 'name', 'preferred_username', 'oid', 'tid', 'ver', 'sid', 'login_hint'],
    grant_types_supported: ['authorization_code', 'refresh_token'],
    code_challenge_methods_supported: ['S256'],
    tenant_region_scope: null,
    cloud_instance_name: 'localhost',
    cloud_graph_host_name: 'graph.microsoft.com',
    msgraph_host: 'graph.microsoft.com',
  });

  // ---- authorization requests ------------------------------------------------------------------------------------

  const checkAuthorize = (get: (k: string) => string | undefined): AuthorizeCheck => {
    const clientId = get('client_id');
    if (!clientId) return { kind: 'page', status: 400, error: oauthError('invalid_request', 900144, "The request body must contain the following parameter: 'client_id'.") };
    if (clientId !== DEMO_CLIENT_ID) {
      return { kind: 'page', status: 400, error: oauthError('unauthorized_client', 700016, `Application with identifier '${clientId.slice(0, 64)}' was not found in the directory '${directory.ministry}'.`) };
    }
    const redirectUri = get('redirect_uri');
    if (!redirectUri || !registeredRedirectUris(o.origin()).includes(redirectUri)) {
      return {
        kind: 'page',
        status: 400,
        error: oauthError('invalid_request', 50011, `The redirect URI '${(redirectUri ?? '').slice(0, 200)}' specified in the request does not match the redirect URIs configured for the application '${DEMO_CLIENT_ID}'. Registered: ${registeredRedirectUris(o.origin()).join(', ')}.`),
      };
    }
    const rm = get('response_mode') ?? 'query';
    const state = get('state');
    if (rm !== 'query' && rm !== 'fragment') {
      return { kind: 'redirect', redirectUri, responseMode: 'query', state, error: oauthError('invalid_request', null, `response_mode '${rm.slice(0, 32)}' is not supported for a single-page application: use 'query' or 'fragment'.`) };
    }
    const fail = (error: OAuthError): AuthorizeCheck => ({ kind: 'redirect', redirectUri, responseMode: rm, state, error });
    const responseType = get('response_type');
    if (!responseType) return fail(oauthError('invalid_request', 900144, "The request body must contain the following parameter: 'response_type'."));
    if (responseType !== 'code') return fail(oauthError('unsupported_response_type', null, `response_type '${responseType.slice(0, 32)}' is not enabled for the application: use 'code' (authorization code with PKCE).`));
    const scope = get('scope');
    if (!scope) return fail(oauthError('invalid_request', 900144, "The request body must contain the following parameter: 'scope'."));
    const scopes = parseScopes(scope, spOrigin());
    if (!scopes.ok) return fail(oauthError('invalid_scope', 70011, `The provided value for the input parameter 'scope' isn't valid. ${scopes.reason}`));
    const challenge = get('code_challenge');
    if (!challenge) return fail(oauthError('invalid_request', 9002325, 'Proof Key for Code Exchange is required for cross-origin authorization code redemption.'));
    const method = get('code_challenge_method') ?? 'plain';
    if (method !== 'S256') return fail(oauthError('invalid_request', null, `code_challenge_method '${method.slice(0, 16)}' is not supported: use S256.`));
    if (!/^[A-Za-z0-9_-]{43}$/.test(challenge)) return fail(oauthError('invalid_request', null, 'code_challenge must be the base64url SHA-256 of the code verifier (43 characters).'));
    const prompt = get('prompt');
    if (prompt !== undefined && !PROMPTS.has(prompt)) return fail(oauthError('invalid_request', null, `Invalid prompt value '${prompt.slice(0, 32)}': use none, login, select_account, consent or create.`));
    return {
      kind: 'ok',
      request: {
        clientId,
        redirectUri,
        responseMode: rm,
        state,
        nonce: get('nonce'),
        scopes: scopes.requested,
        resource: scopes.resource,
        offlineAccess: scopes.oidc.includes('offline_access'),
        openid: scopes.oidc.includes('openid'),
        codeChallenge: challenge,
        prompt,
        loginHint: get('login_hint'),
      },
    };
  };

  /** The sign-in page's form carries the request, signed, so the POST cannot be forged from another page's values. */
  const sealFlow = (query: string): string => {
    const body = b64url(JSON.stringify({ q: query, iat: now() }));
    return `${body}.${createHmac('sha256', o.secret).update(`idp-flow.${body}`).digest('base64url')}`;
  };
  const openFlow = (flow: string | undefined): string | null => {
    if (!flow) return null;
    const [body, mac] = flow.split('.');
    if (!body || !mac) return null;
    const want = createHmac('sha256', o.secret).update(`idp-flow.${body}`).digest();
    const got = Buffer.from(mac, 'base64url');
    if (got.length !== want.length || !timingSafeEqual(got, want)) return null;
    try {
      const v = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as { q?: unknown; iat?: unknown };
      if (typeof v.q !== 'string' || typeof v.iat !== 'number' || now() - v.iat > FLOW_LIFETIME_SECONDS) return null;
      return v.q;
    } catch {
      return null;
    }
  };

  const redirectTo = (res: ServerResponse, redirectUri: string, mode: 'query' | 'fragment', params: Record<string, string | undefined>, headers: Record<string, string> = {}): void => {
    const p = new URLSearchParams();
    for (const [k, v] of Object.entries(params)) if (v !== undefined) p.set(k, v);
    const target = mode === 'fragment' ? `${redirectUri}#${p.toString()}` : `${redirectUri}${redirectUri.includes('?') ? '&' : '?'}${p.toString()}`;
    res.writeHead(302, { Location: target, 'Cache-Control': 'no-store', 'Referrer-Policy': 'no-referrer', ...headers });
    res.end();
  };
  const redirectError = (res: ServerResponse, c: Extract<AuthorizeCheck, { kind: 'redirect' }>, traceId: string): void => {
    counts.failed++;
    const body = tokenErrorBody(c.error, traceId);
    redirectTo(res, c.redirectUri, c.responseMode, { error: c.error.error, error_description: String(body.error_description), error_codes: c.error.aadsts === null ? undefined : String(c.error.aadsts), state: c.state, trace_id: traceId });
  };
  const showError = (res: ServerResponse, status: number, error: OAuthError): void => {
    counts.failed++;
    res.writeHead(status, htmlSecurityHeaders({ frameAncestors: 'self' }));
    res.end(errorPage(error.aadsts === null ? error.error : `AADSTS${error.aadsts}`, error.message));
  };

  const clientInfo = (user: DirectoryUser): string => b64url(JSON.stringify({ uid: user.oid, utid: tenant }));

  const issueCode = (res: ServerResponse, request: AuthorizeRequest, user: DirectoryUser, sid: string, headers: Record<string, string> = {}): void => {
    const code = b64url(randomBytes(32));
    codes.set(code, { request, user, sid, exp: now() + CODE_LIFETIME_SECONDS, used: false });
    // Expired codes go when the map grows (a demo service: no timer).
    if (codes.size > 1000) for (const [k, v] of codes) if (v.exp < now()) codes.delete(k);
    redirectTo(res, request.redirectUri, request.responseMode, { code, client_info: clientInfo(user), state: request.state, session_state: sid }, headers);
  };

  /** The cookie holds the session's secret, never its id (the id is in every token's `sid` claim). */
  const sessionOf = (req: IncomingMessage): { sid: string; user: DirectoryUser } | null => {
    const cookie = req.headers.cookie ?? '';
    const m = new RegExp(`(?:^|;\\s*)${SESSION_COOKIE}=([A-Za-z0-9_-]{20,64})`).exec(cookie);
    const s = m?.[1] ? grants.session(m[1], now()) : null;
    const user = s ? findUser(directory, s.userId) : undefined;
    return s && user ? { sid: s.sid, user } : null;
  };
  const sessionCookie = (secret: string, maxAge: number): string => `${SESSION_COOKIE}=${secret}; Path=/${tenant}/; Max-Age=${maxAge}; HttpOnly; Secure; SameSite=Lax`;

  const serveAuthorize = async (req: IncomingMessage, res: ServerResponse, url: URL, traceId: string): Promise<void> => {
    if (req.method === 'GET') {
      const single = singleParams(url.searchParams);
      if (!single.ok) return showError(res, 400, single.error);
      const c = checkAuthorize(single.get);
      if (c.kind === 'page') return showError(res, c.status, c.error);
      if (c.kind === 'redirect') return redirectError(res, c, traceId);
      const r = c.request;
      const hinted = r.loginHint ? findUser(directory, r.loginHint) : undefined;
      if (r.prompt === 'none') {
        // Silent sign-in: only with a live session of the provider, for the hinted user when one is named.
        const s = sessionOf(req);
        if (!s) return redirectError(res, { kind: 'redirect', redirectUri: r.redirectUri, responseMode: r.responseMode, state: r.state, error: oauthError('login_required', 50058, 'A silent sign-in request was sent but no user is signed in.') }, traceId);
        if (r.loginHint && hinted !== s.user) {
          return redirectError(res, { kind: 'redirect', redirectUri: r.redirectUri, responseMode: r.responseMode, state: r.state, error: oauthError('interaction_required', 16000, 'The signed-in user is not the user named by login_hint: an interactive sign-in is required.') }, traceId);
        }
        return issueCode(res, r, s.user, s.sid);
      }
      res.writeHead(200, htmlSecurityHeaders({ frameAncestors: 'self' }));
      res.end(signInPage({ directory, appName: DEMO_APP_NAME, scopes: r.scopes, flow: sealFlow(url.search), hinted }));
      return;
    }
    if (req.method !== 'POST') {
      res.writeHead(405, { Allow: 'GET, POST', 'Content-Type': 'text/plain; charset=utf-8' });
      res.end('Use GET (the sign-in page) or POST (its form).\n');
      return;
    }
    let form: URLSearchParams;
    try {
      form = new URLSearchParams((await readBody(req)).toString('utf8'));
    } catch {
      return showError(res, 413, oauthError('invalid_request', null, 'The form is too large.'));
    }
    const fields = singleParams(form);
    if (!fields.ok) return showError(res, 400, fields.error);
    const query = openFlow(fields.get('flow'));
    if (query === null) return showError(res, 400, oauthError('invalid_request', null, 'The sign-in form has expired or was not issued by this page: start the sign-in again from the app.'));
    const single = singleParams(new URLSearchParams(query));
    if (!single.ok) return showError(res, 400, single.error);
    const c = checkAuthorize(single.get);
    if (c.kind === 'page') return showError(res, c.status, c.error);
    if (c.kind === 'redirect') return redirectError(res, c, traceId);
    const r = c.request;
    if (fields.get('decision') === 'cancel') {
      return redirectError(res, { kind: 'redirect', redirectUri: r.redirectUri, responseMode: r.responseMode, state: r.state, error: oauthError('access_denied', 65004, 'User declined to consent to access the app.') }, traceId);
    }
    const user = findUser(directory, fields.get('user') ?? '');
    if (!user) {
      res.writeHead(400, htmlSecurityHeaders({ frameAncestors: 'self' }));
      res.end(signInPage({ directory, appName: DEMO_APP_NAME, scopes: r.scopes, flow: sealFlow(query), hinted: undefined, problem: 'そのデモ利用者はいません。一覧から選んでください。 / No such demo user: pick one from the list.' }));
      return;
    }
    const session = grants.createSession(user.id, now() + rtLifetime);
    issueCode(res, r, user, session.sid, { 'Set-Cookie': sessionCookie(session.secret, rtLifetime) });
  };

  // ---- tokens ----------------------------------------------------------------------------------------------------

  const signAccessToken = async (user: DirectoryUser, clientId: string, resource: ScopeRequest | null, sid: string): Promise<{ token: string; scope: string[] }> => {
    const t = now();
    const res = resource ?? { resource: GRAPH_RESOURCE, permissions: ['User.Read'] };
    const token = await new SignJWT({
      aud: res.resource === GRAPH_RESOURCE ? GRAPH_AUDIENCE : res.resource,
      tid: tenant,
      oid: user.oid,
      upn: user.upn,
      unique_name: user.upn,
      preferred_username: user.upn,
      name: user.displayName,
      scp: res.permissions.join(' '),
      azp: clientId,
      appid: clientId,
      sid,
      uti: b64url(randomBytes(16)),
      ver: '2.0',
    })
      .setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid: key.kid })
      .setIssuer(issuer())
      .setSubject(b64url(sha256(`${user.oid}|${clientId}|at`)).slice(0, 43))
      .setIssuedAt(t)
      .setNotBefore(t)
      .setExpirationTime(t + atLifetime)
      .sign(key.privateKey);
    return { token, scope: res.permissions };
  };

  const signIdToken = (user: DirectoryUser, clientId: string, nonce: string | undefined, sid: string): Promise<string> => {
    const t = now();
    return new SignJWT({
      tid: tenant,
      oid: user.oid,
      name: user.displayName,
      preferred_username: user.upn,
      login_hint: user.upn,
      sid,
      ver: '2.0',
      ...(nonce === undefined ? {} : { nonce }),
    })
      .setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid: key.kid })
      .setIssuer(issuer())
      .setAudience(clientId)
      .setSubject(b64url(sha256(`${user.oid}|${clientId}`)).slice(0, 43))
      .setIssuedAt(t)
      .setNotBefore(t)
      .setExpirationTime(t + 3600)
      .sign(key.privateKey);
  };

  type TokenAnswer = { status: number; body: Record<string, unknown> };
  const tokenError = (e: OAuthError, traceId: string, status = 400): TokenAnswer => {
    counts.failed++;
    return { status, body: tokenErrorBody(e, traceId) };
  };

  /** The scopes echoed in `scope`: what was asked for, in the form asked (MSAL keys its cache on them). */
  const echoScopes = (asked: string[]): string => asked.filter((s) => s.toLowerCase() !== 'offline_access').join(' ');

  const grantTokens = async (user: DirectoryUser, clientId: string, resource: ScopeRequest | null, asked: string[], opts: { sid: string; openid: boolean; nonce: string | undefined; refresh: { exp: number; family?: string } | null }): Promise<Record<string, unknown> | null> => {
    const at = await signAccessToken(user, clientId, resource, opts.sid);
    const out: Record<string, unknown> = {
      token_type: 'Bearer',
      scope: echoScopes(asked),
      expires_in: atLifetime,
      ext_expires_in: atLifetime,
      access_token: at.token,
    };
    if (opts.refresh) {
      const rt = grants.issueRefreshToken({ clientId, userId: user.id, sid: opts.sid, exp: opts.refresh.exp, grant: { resource, asked }, ...(opts.refresh.family ? { family: opts.refresh.family } : {}) });
      // The session was revoked while this answer was being made: no token that outlives the revocation.
      if (rt === null) return null;
      out.refresh_token = rt;
      out.refresh_token_expires_in = Math.max(0, opts.refresh.exp - now());
    }
    if (opts.openid) out.id_token = await signIdToken(user, clientId, opts.nonce, opts.sid);
    out.client_info = clientInfo(user);
    return out;
  };

  const tokenRequest = async (req: IncomingMessage, traceId: string): Promise<TokenAnswer> => {
    if (req.method !== 'POST') return tokenError(oauthError('invalid_request', 900561, 'The endpoint only accepts POST requests.'), traceId, 405);
    const ct = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
    let raw: Buffer;
    try {
      raw = await readBody(req);
    } catch {
      return tokenError(oauthError('invalid_request', null, 'The request body is too large.'), traceId, 413);
    }
    if (ct !== 'application/x-www-form-urlencoded') return tokenError(oauthError('invalid_request', null, "The request body must be 'application/x-www-form-urlencoded'."), traceId);
    const single = singleParams(new URLSearchParams(raw.toString('utf8')));
    if (!single.ok) return tokenError(single.error, traceId);
    const get = single.get;
    const grantType = get('grant_type');
    if (!grantType) return tokenError(oauthError('invalid_request', 900144, "The request body must contain the following parameter: 'grant_type'."), traceId);
    const clientId = get('client_id');
    if (!clientId) return tokenError(oauthError('invalid_request', 900144, "The request body must contain the following parameter: 'client_id'."), traceId);
    if (clientId !== DEMO_CLIENT_ID) return tokenError(oauthError('unauthorized_client', 700016, `Application with identifier '${clientId.slice(0, 64)}' was not found in the directory '${directory.ministry}'.`), traceId);
    if (get('client_secret') !== undefined || get('client_assertion') !== undefined) {
      return tokenError(oauthError('invalid_client', null, 'The application is a public client (single-page application): it has no secret and must not send client credentials.'), traceId, 401);
    }

    if (grantType === 'authorization_code') {
      const code = get('code');
      if (!code) return tokenError(oauthError('invalid_request', 900144, "The request body must contain the following parameter: 'code'."), traceId);
      const grant = codes.get(code);
      if (!grant) return tokenError(oauthError('invalid_grant', 9002313, 'Invalid request. Request is malformed or invalid: the authorization code is not known.'), traceId);
      if (grant.used) return tokenError(oauthError('invalid_grant', 54005, 'OAuth2 Authorization code was already redeemed, please retry with a new valid code or use an existing refresh token.'), traceId);
      // Any redemption attempt uses the code up (RFC 6749 §4.1.2: a code is used once), so a guessed verifier gets one try.
      grant.used = true;
      if (grant.exp < now()) return tokenError(oauthError('invalid_grant', 70008, 'The provided authorization code or refresh token has expired due to inactivity. Send a new interactive authorization request for this user and resource.'), traceId);
      if (grant.request.clientId !== clientId) return tokenError(oauthError('invalid_grant', 70000, 'The authorization code was issued to another client.'), traceId);
      const redirectUri = get('redirect_uri');
      if (!redirectUri) return tokenError(oauthError('invalid_request', 900144, "The request body must contain the following parameter: 'redirect_uri'."), traceId);
      if (redirectUri !== grant.request.redirectUri) return tokenError(oauthError('invalid_grant', 70000, "The provided value for the 'redirect_uri' is not valid. The value must exactly match the redirect URI used to obtain the authorization code."), traceId);
      const verifier = get('code_verifier');
      if (!verifier) return tokenError(oauthError('invalid_request', 900144, "The request body must contain the following parameter: 'code_verifier'."), traceId);
      if (!/^[A-Za-z0-9._~-]{43,128}$/.test(verifier) || b64url(sha256(verifier)) !== grant.request.codeChallenge) {
        return tokenError(oauthError('invalid_grant', 501481, 'The Code_Verifier does not match the code_challenge supplied in the authorization request.'), traceId);
      }
      counts.authorizationCode++;
      const body = await grantTokens(grant.user, clientId, grant.request.resource, grant.request.scopes, {
        sid: grant.sid,
        openid: grant.request.openid,
        nonce: grant.request.nonce,
        refresh: grant.request.offlineAccess ? { exp: now() + rtLifetime } : null,
      });
      if (!body) return tokenError(oauthError('invalid_grant', 50173, 'The provided grant has expired due to it being revoked, a fresh auth token is needed. The user might have changed or reset their password, or signed out.'), traceId);
      return { status: 200, body };
    }

    if (grantType === 'refresh_token') {
      const rt = get('refresh_token');
      if (!rt) return tokenError(oauthError('invalid_request', 900144, "The request body must contain the following parameter: 'refresh_token'."), traceId);
      const redeemed = grants.redeem(rt, now());
      if (redeemed.kind === 'unknown') return tokenError(oauthError('invalid_grant', 9002313, 'Invalid request. Request is malformed or invalid: the refresh token is not known.'), traceId);
      if (redeemed.kind === 'revoked') return tokenError(oauthError('invalid_grant', 50173, 'The provided grant has expired due to it being revoked, a fresh auth token is needed. The user might have changed or reset their password, or signed out.'), traceId);
      if (redeemed.kind === 'reused') {
        return tokenError(oauthError('invalid_grant', 50173, 'The refresh token was already used (refresh tokens rotate): the grant has been revoked as a precaution. Sign in again.'), traceId);
      }
      const stored = redeemed.token;
      const owner = findUser(directory, stored.userId);
      if (stored.clientId !== clientId) return tokenError(oauthError('invalid_grant', 70000, 'The refresh token was issued to another client.'), traceId);
      if (!owner) return tokenError(oauthError('invalid_grant', 50173, 'The user of this grant no longer exists in the directory: sign in again.'), traceId);
      const grant = { ...stored.grant, exp: stored.exp, sid: stored.sid, user: owner };
      if (grant.exp <= now()) {
        return tokenError(oauthError('invalid_grant', 700084, 'The refresh token was issued to a single page app (SPA), and therefore has a fixed, limited lifetime, which cannot be extended. It is now expired and a new sign in request must be sent by the SPA to the sign in page.'), traceId);
      }
      const scope = get('scope');
      const parsed = scope === undefined ? { ok: true as const, resource: grant.resource, requested: grant.asked, oidc: grant.asked.filter((x) => OIDC_SCOPES.has(x.toLowerCase())) } : parseScopes(scope, spOrigin());
      if (!parsed.ok) return tokenError(oauthError('invalid_scope', 70011, `The provided value for the input parameter 'scope' isn't valid. ${parsed.reason}`), traceId);
      counts.refreshToken++;
      const body = await grantTokens(grant.user, clientId, parsed.resource, parsed.requested, {
        sid: grant.sid,
        openid: parsed.oidc.includes('openid'),
        nonce: undefined,
        // A single-page app's refresh token keeps the expiry of the sign-in (never extended by use); it rotates.
        refresh: { exp: grant.exp, family: stored.family },
      });
      if (!body) return tokenError(oauthError('invalid_grant', 50173, 'The provided grant has expired due to it being revoked, a fresh auth token is needed. The user might have changed or reset their password, or signed out.'), traceId);
      return { status: 200, body };
    }

    return tokenError(oauthError('unsupported_grant_type', 70003, `The app requested an unsupported grant type '${grantType.slice(0, 64)}': use authorization_code or refresh_token.`), traceId);
  };

  const CORS = { 'Access-Control-Allow-Origin': '*', 'Access-Control-Allow-Methods': 'GET, POST, OPTIONS', 'Access-Control-Allow-Headers': 'Content-Type, client-request-id, x-client-sku, x-client-ver, x-client-os, x-client-cpu, x-client-current-telemetry, x-client-last-telemetry, x-ms-lib-capability, x-app-name, x-app-ver, return-client-request-id', 'Access-Control-Max-Age': '86400' };
  const json = (res: ServerResponse, status: number, body: unknown, requestId: string): void => {
    const payload = Buffer.from(JSON.stringify(body));
    res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': String(payload.length), 'Cache-Control': 'no-store', Pragma: 'no-cache', 'X-Content-Type-Options': 'nosniff', 'x-ms-request-id': requestId, ...CORS });
    res.end(payload);
  };

  /** Revokes the refresh tokens and provider sessions that match (by user, or by session id). */
  const revoke = (match: { user?: DirectoryUser; sid?: string }): number => grants.revoke({ ...(match.user ? { userId: match.user.id } : {}), ...(match.sid ? { sid: match.sid } : {}) });

  return {
    clientId: DEMO_CLIENT_ID,
    issuer,
    authority: base,
    metadata,
    trustedIssuer: () => ({ issuer: issuer(), tenantId: tenant, key: key.publicKey, algorithms: ['RS256'] }),
    grants: () => ({ ...counts }),
    revokeSessions(user) {
      const u = user === undefined ? undefined : findUser(directory, user);
      if (user !== undefined && !u) throw new Error(`Unknown demo user '${user}'.`);
      return revoke(u === undefined ? {} : { user: u });
    },
    async handle(req, res, url, requestId) {
      const m = PATH.exec(url.pathname);
      if (!m) return false;
      const [, t, what] = m as unknown as [string, string, string];
      if (req.method === 'OPTIONS') {
        res.writeHead(204, CORS);
        res.end();
        return true;
      }
      if (t !== tenant) {
        const e = oauthError('invalid_tenant', 90002, `Tenant '${t.slice(0, 64)}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.`);
        if (what.endsWith('authorize')) showError(res, 400, e);
        else json(res, 400, tokenErrorBody(e, requestId), requestId);
        return true;
      }
      if (what === 'v2.0/.well-known/openid-configuration' || what === 'discovery/v2.0/keys') {
        if (req.method !== 'GET' && req.method !== 'HEAD') {
          json(res, 405, tokenErrorBody(oauthError('invalid_request', null, 'Use GET.'), requestId), requestId);
          return true;
        }
        json(res, 200, what === 'discovery/v2.0/keys' ? { keys: [{ ...key.jwk, issuer: issuer() }] } : metadata(), requestId);
        return true;
      }
      if (what === 'oauth2/v2.0/token') {
        const a = await tokenRequest(req, requestId);
        json(res, a.status, a.body, requestId);
        return true;
      }
      if (what === 'oauth2/v2.0/authorize') {
        await serveAuthorize(req, res, url, requestId);
        return true;
      }
      // logout: the provider's session ends and its refresh tokens stop working; then back to the app when asked.
      const s = sessionOf(req);
      if (s) revoke({ sid: s.sid });
      const back = url.searchParams.get('post_logout_redirect_uri');
      const headers = { 'Set-Cookie': sessionCookie('x'.repeat(20), 0) };
      let target: string | null = null;
      if (back) {
        try {
          const b = new URL(back);
          if (b.origin === o.origin()) target = b.toString();
        } catch {
          target = null;
        }
      }
      if (target) {
        res.writeHead(302, { Location: target, 'Cache-Control': 'no-store', ...headers });
        res.end();
      } else {
        res.writeHead(200, { ...htmlSecurityHeaders({ frameAncestors: 'self' }), ...headers });
        res.end(signedOutPage());
      }
      return true;
    },
  };
}
