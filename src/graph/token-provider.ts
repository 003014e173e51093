/**
 * Token providers (#7): a bearer token lasts hours, a surface or `npm start` runs for days. `renewingTokenProvider`
 * keeps one token per resource and mints a new one before the current one expires (by default 5 minutes before),
 * so no request ever carries an expired token. Concurrent callers share one mint. Browser-safe (no Node API); the
 * clock is injectable so tests can jump past an expiry.
 */
import { PermissionError } from '../core/errors.js';
import type { Clock, TokenProvider, TokenRequest } from '../core/ports.js';

/** A token and the instant (ms since the epoch) it expires. */
export interface MintedToken {
  token: string;
  expiresAt: number;
}

export interface RenewingTokenOptions {
  /** Mints a token for a resource (the local sign-in, a client-credentials call, MSAL's acquireTokenSilent…). */
  mint: (request: TokenRequest) => Promise<MintedToken> | MintedToken;
  clock?: Clock;
  /** Renew this long before expiry (default 5 minutes). */
  renewBeforeMs?: number;
}

const SYSTEM_CLOCK: Clock = { now: () => new Date() };

/** The `exp` claim of a JWT in ms, or undefined when the token is not a JWT with one. */
export function jwtExpiry(token: string): number | undefined {
  const payload = token.split('.')[1];
  if (!payload) return undefined;
  try {
    const json = atob(payload.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(payload.length / 4) * 4, '='));
    const exp = (JSON.parse(json) as { exp?: unknown }).exp;
    return typeof exp === 'number' ? exp * 1000 : undefined;
  } catch {
    // Not a JWT (an opaque token): the caller decides its lifetime.
    return undefined;
  }
}

/** A TokenProvider that re-mints before expiry. @throws PermissionError when minting fails */
export function renewingTokenProvider(options: RenewingTokenOptions): TokenProvider {
  const clock = options.clock ?? SYSTEM_CLOCK;
  const renewBefore = options.renewBeforeMs ?? 5 * 60_000;
  const current = new Map<string, MintedToken>();
  const pending = new Map<string, Promise<MintedToken>>();
  const keyOf = (r: TokenRequest): string => (r.resource === 'graph' ? 'graph' : `sharepoint ${r.origin}`);
  return {
    async getToken(request) {
      const key = keyOf(request);
      const have = current.get(key);
      if (have && have.expiresAt - renewBefore > clock.now().getTime()) return have.token;
      let minting = pending.get(key);
      if (!minting) {
        minting = Promise.resolve()
          .then(() => options.mint(request))
          .finally(() => pending.delete(key));
        pending.set(key, minting);
      }
      let minted: MintedToken;
      try {
        minted = await minting;
      } catch (error) {
        throw new PermissionError(`Could not obtain a token for ${key}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
      }
      current.set(key, minted);
      return minted.token;
    },
  };
}
