/**
 * The local sign-in of the embedded default (#3, #10): `/_local/signin` lets the user pick a demo user and keeps the
 * token in sessionStorage (`followup.localToken`). This session hands it out, renews it before it expires (POST
 * `/_local/token`), and asks the user to sign in again when it cannot. MSAL replaces it on a tenant (#13).
 */
import { PermissionError } from '../../core/errors.js';
import type { TokenProvider, TokenRequest } from '../../core/ports.js';
import type { AccountControl, HostUser } from '../host-bridge.js';

export const LOCAL_TOKEN_KEY = 'followup.localToken';
export const LOCAL_USER_KEY = 'followup.localUser';
export const LOCAL_SIGNIN_PATH = '/_local/signin';
export const LOCAL_TOKEN_PATH = '/_local/token';
/** Renew this long before `exp` (tabs stay open for days; a request must never leave with a token about to expire). */
export const RENEW_BEFORE_MS = 5 * 60_000;

/** Claims of a local (Entra-shaped) access token that the page shows; the signature is the service's business. */
export interface TokenClaims {
  exp: number;
  oid?: string;
  upn?: string;
  name?: string;
  tid?: string;
}

/** Reads a JWT's payload (base64url JSON, UTF-8 names). Returns null for anything that is not a JWT with `exp`. */
export function readClaims(token: string): TokenClaims | null {
  const part = token.split('.')[1];
  if (part === undefined) return null;
  try {
    const b64 = part.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(part.length / 4) * 4, '=');
    const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    const claims = JSON.parse(new TextDecoder().decode(bytes)) as Partial<TokenClaims>;
    return typeof claims.exp === 'number' ? (claims as TokenClaims) : null;
  } catch {
    // Not base64url JSON: not a token this page can use; the caller asks the user to sign in.
    return null;
  }
}

export interface LocalSessionOptions {
  storage: Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;
  fetch: (url: string, init: RequestInit) => Promise<Response>;
  /** Navigates the page (sign-in). */
  navigate: (url: string) => void;
  now?: () => number;
}

export interface LocalSession extends TokenProvider, AccountControl {
  /** The signed-in user as the token says, or null. */
  user(): HostUser | null;
}

export function createLocalSession(options: LocalSessionOptions): LocalSession {
  const { storage } = options;
  const now = options.now ?? (() => Date.now());
  let renewing: Promise<string | null> | null = null;

  const stored = (): { token: string; claims: TokenClaims } | null => {
    const token = storage.getItem(LOCAL_TOKEN_KEY);
    const claims = token ? readClaims(token) : null;
    return token && claims ? { token, claims } : null;
  };
  const valid = (): { token: string; claims: TokenClaims } | null => {
    const s = stored();
    return s && s.claims.exp * 1000 > now() ? s : null;
  };

  const renew = async (current: { token: string; claims: TokenClaims }): Promise<string | null> => {
    const user = storage.getItem(LOCAL_USER_KEY) ?? current.claims.upn;
    if (!user) return null;
    try {
      const res = await options.fetch(LOCAL_TOKEN_PATH, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${current.token}` },
        body: JSON.stringify({ user }),
      });
      if (!res.ok) return null;
      const body = (await res.json()) as { access_token?: unknown };
      if (typeof body.access_token !== 'string' || !readClaims(body.access_token)) return null;
      storage.setItem(LOCAL_TOKEN_KEY, body.access_token);
      return body.access_token;
    } catch {
      // Renewal is best effort: the current token still works until it expires; after that the user signs in again.
      return null;
    }
  };

  return {
    async getToken(_request: TokenRequest): Promise<string> {
      // The local service accepts its own tokens for Graph and SharePoint REST alike.
      const s = valid();
      if (!s) {
        throw new PermissionError(stored() ? 'The local sign-in has expired: sign in again.' : 'Not signed in: pick a demo user on the local sign-in page.');
      }
      if (s.claims.exp * 1000 - now() > RENEW_BEFORE_MS) return s.token;
      renewing ??= renew(s).finally(() => {
        renewing = null;
      });
      return (await renewing) ?? s.token;
    },
    user() {
      const s = valid();
      if (!s) return null;
      return { id: s.claims.oid ?? null, displayName: s.claims.name ?? null, loginHint: s.claims.upn ?? null, tenantId: s.claims.tid ?? null };
    },
    isSignedIn: () => valid() !== null,
    signIn(returnTo) {
      const safe = returnTo.startsWith('/') && !returnTo.startsWith('//') ? returnTo : '/';
      options.navigate(`${LOCAL_SIGNIN_PATH}?returnTo=${encodeURIComponent(safe)}`);
    },
    signOut() {
      storage.removeItem(LOCAL_TOKEN_KEY);
      storage.removeItem(LOCAL_USER_KEY);
    },
  };
}
