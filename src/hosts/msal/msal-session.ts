/**
 * Sign-in with MSAL.js (#13) behind the TokenProvider seam: one implementation serves Graph and SharePoint REST (the
 * permission calls need a token for the SharePoint origin). Two modes of the same code:
 *
 * - `browser`: a standard PublicClientApplication in a plain browser (the embedded default against the local
 *   identity provider, or a tenant outside Teams/Office). Silent first (cached access token, then the refresh token;
 *   never a hidden iframe); when the user must act, the page shows a sign-in prompt and `signIn` redirects.
 * - `nested`: nested app authentication inside Teams or Office (`createNestablePublicClientApplication`, made after
 *   teams-js `app.initialize` / `Office.onReady`): silent with the host's login hint first, then a popup the host
 *   brokers, only when MSAL says interaction is required.
 *
 * MSAL itself is passed in (`MsalClient`, the part of IPublicClientApplication used here), so this file has no MSAL
 * import: the entry loads `@azure/msal-browser` lazily and tests pass a fake. MSAL renews tokens before they expire
 * (`acquireTokenSilent` uses the refresh token once the cached token is within its renewal offset).
 */
import { PermissionError } from '../../core/errors.js';
import type { TokenProvider, TokenRequest } from '../../core/ports.js';
import type { AccountControl, HostUser, SignInProblem } from '../host-bridge.js';

/** The fields of MSAL's AccountInfo read here. */
export interface MsalAccount {
  homeAccountId: string;
  localAccountId: string;
  tenantId: string;
  username: string;
  name?: string;
}

export interface MsalResult {
  accessToken: string;
  account: MsalAccount | null;
  expiresOn: Date | null;
}

/** The calls of MSAL's IPublicClientApplication this session makes. */
export interface MsalClient {
  getActiveAccount(): MsalAccount | null;
  setActiveAccount(account: MsalAccount | null): void;
  getAllAccounts(): MsalAccount[];
  acquireTokenSilent(request: { scopes: string[]; account: MsalAccount; cacheLookupPolicy?: number }): Promise<MsalResult>;
  ssoSilent(request: { scopes: string[]; loginHint?: string }): Promise<MsalResult>;
  acquireTokenPopup(request: { scopes: string[]; loginHint?: string; prompt?: string; redirectUri?: string }): Promise<MsalResult>;
  loginRedirect(request: { scopes: string[]; loginHint?: string; prompt?: string; redirectStartPage?: string }): Promise<void>;
  clearCache(request?: { account?: MsalAccount | null }): Promise<void>;
}

/** What the deployment says about sign-in (AppConfig.auth). */
export interface MsalScopes {
  /** Graph scopes, e.g. `https://graph.microsoft.com/Sites.Selected`. */
  graph: readonly string[];
  /** SharePoint permission names, asked of the SharePoint origin: `Sites.Selected` → `https://<origin>/Sites.Selected`. */
  sharePoint: readonly string[];
}

export type { SignInProblem } from '../host-bridge.js';

export interface MsalSession extends TokenProvider, AccountControl {
  user(): HostUser | null;
  /** Why the user sees the sign-in prompt again (a refused consent, an expired or revoked session). */
  problem(): SignInProblem;
}

/** MSAL's CacheLookupPolicy.AccessTokenAndRefreshToken: cached token, then the refresh token; no hidden iframe. */
export const CACHE_THEN_REFRESH_TOKEN = 2;

/** MSAL error codes after which only the user can help (InteractionRequiredAuthError and the ones MSAL maps to it). */
const INTERACTION_CODES = new Set(['interaction_required', 'login_required', 'consent_required', 'invalid_grant', 'no_tokens_found', 'native_account_unavailable', 'refresh_token_expired', 'bad_token', 'ux_not_allowed', 'no_account_error', 'no_account_in_silent_request']);

/** MSAL's `errorCode` (v5 puts a link in `message`; branch on the code). */
export function msalErrorCode(e: unknown): string | null {
  if (typeof e !== 'object' || e === null) return null;
  const o = e as { errorCode?: unknown; name?: unknown };
  if (o.name === 'InteractionRequiredAuthError') return typeof o.errorCode === 'string' && o.errorCode !== '' ? o.errorCode : 'interaction_required';
  return typeof o.errorCode === 'string' ? o.errorCode : null;
}

export const needsInteraction = (e: unknown): boolean => {
  const code = msalErrorCode(e);
  return code !== null && (INTERACTION_CODES.has(code) || (typeof e === 'object' && e !== null && (e as { name?: unknown }).name === 'InteractionRequiredAuthError'));
};

/** The scopes of one token request. */
export function scopesFor(request: TokenRequest, scopes: MsalScopes): string[] {
  if (request.resource === 'graph') return [...scopes.graph];
  const origin = request.origin.replace(/\/+$/, '');
  return scopes.sharePoint.map((s) => `${origin}/${s}`);
}

const toUser = (a: MsalAccount): HostUser => ({ id: a.localAccountId || null, displayName: a.name ?? null, loginHint: a.username || null, tenantId: a.tenantId || null });

export interface BrowserMsalOptions {
  msal: MsalClient;
  scopes: MsalScopes;
  /** The redirect flow's result on this page load (MSAL's handleRedirectPromise), or its error. */
  redirect: { result: MsalResult | null } | { error: unknown };
  /** Absolute URL of a same-origin path (where `signIn` returns to). */
  absolute: (path: string) => string;
  /**
   * `popup` where the page cannot leave for the authority (a framed page: the authority refuses to be framed, and
   * a tab's frame must not navigate away): sign-in in a popup that returns to the redirect bridge
   * (`popupRedirectUri`, `auth/redirect.html`), then `afterPopup` (the page reloads with the session in its cache);
   * a popup that fails leaves its problem for the prompt (subscribers hear of it).
   */
  interaction?: 'redirect' | 'popup';
  popupRedirectUri?: string;
  afterPopup?: () => void;
}

/** MSAL's popup outcomes → the prompt's problems: closed by the person, blocked, refused consent, other failure. */
export function popupProblem(e: unknown): SignInProblem {
  const code = msalErrorCode(e);
  if (code === 'user_cancelled') return 'dialog-closed';
  if (code === 'popup_window_error' || code === 'empty_window_error') return 'dialog-blocked';
  if (code === 'interaction_in_progress') return 'dialog-open';
  return code === 'access_denied' ? 'declined' : 'failed';
}

/** The plain-browser session: redirect sign-in, silent renewal with the refresh token, a prompt when that fails. */
export function createBrowserMsalSession(o: BrowserMsalOptions): MsalSession {
  const { msal } = o;
  let problem: SignInProblem = null;
  let detail: string | null = null;
  let expired = false;
  const listeners = new Set<() => void>();
  if ('error' in o.redirect) {
    // The authorization server answered the redirect with an error: a refused consent reads differently from a failure.
    problem = msalErrorCode(o.redirect.error) === 'access_denied' ? 'declined' : 'failed';
  } else if (o.redirect.result?.account) {
    msal.setActiveAccount(o.redirect.result.account);
  }
  const account = (): MsalAccount | null => {
    const active = msal.getActiveAccount();
    if (active) return active;
    const all = msal.getAllAccounts();
    // One account cached: use it; several (shared machine): the user picks on sign-in.
    if (all.length === 1 && all[0]) {
      msal.setActiveAccount(all[0]);
      return all[0];
    }
    return null;
  };
  return {
    async getToken(request) {
      const a = account();
      if (!a || expired) throw new PermissionError(expired ? 'The session has expired or was revoked: sign in again.' : 'Not signed in.');
      try {
        const r = await msal.acquireTokenSilent({ scopes: scopesFor(request, o.scopes), account: a, cacheLookupPolicy: CACHE_THEN_REFRESH_TOKEN });
        return r.accessToken;
      } catch (e) {
        if (needsInteraction(e)) {
          expired = true;
          problem = 'expired';
          throw new PermissionError('The session has expired or was revoked: sign in again.', { cause: e });
        }
        throw new PermissionError(`Could not get a token: ${msalErrorCode(e) ?? (e instanceof Error ? e.message : String(e))}`, { cause: e });
      }
    },
    user: () => {
      const a = account();
      return a && !expired ? toUser(a) : null;
    },
    isSignedIn: () => !expired && account() !== null,
    problem: () => problem,
    problemDetail: () => detail,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    signIn(returnTo) {
      const a = msal.getActiveAccount();
      if (o.interaction === 'popup') {
        const hint = a?.username ? { loginHint: a.username } : {};
        msal.acquireTokenPopup({ scopes: [...o.scopes.graph], prompt: 'select_account', ...(o.popupRedirectUri ? { redirectUri: o.popupRedirectUri } : {}), ...hint }).then(
          (r) => {
            if (r.account) msal.setActiveAccount(r.account);
            expired = false;
            problem = null;
            o.afterPopup?.();
          },
          (e: unknown) => {
            problem = popupProblem(e);
            detail = msalErrorCode(e);
            listeners.forEach((l) => l());
          },
        );
        return;
      }
      const safe = returnTo.startsWith('/') && !returnTo.startsWith('//') ? returnTo : '/';
      void msal.loginRedirect({ scopes: [...o.scopes.graph], prompt: 'select_account', redirectStartPage: o.absolute(safe), ...(a?.username ? { loginHint: a.username } : {}) });
    },
    signOut() {
      expired = false;
      problem = null;
      const a = msal.getActiveAccount();
      msal.setActiveAccount(null);
      void msal.clearCache(a ? { account: a } : undefined);
    },
  };
}

export interface NestedMsalOptions {
  msal: MsalClient;
  scopes: MsalScopes;
  /** The host's login hint (Teams `user.loginHint`, Office `auth.getAuthContext().userPrincipalName`). */
  loginHint: () => string | null;
}

/**
 * Nested app authentication inside Teams or Office: the host holds the session, so there is no sign-in page of ours.
 * Silent first (the active account, else the host's user by login hint), a host-brokered popup only when MSAL says
 * interaction is required; a refused popup becomes a PermissionError the UI shows with a retry.
 */
export function createNestedMsalTokens(o: NestedMsalOptions): TokenProvider {
  const { msal } = o;
  const withHint = (scopes: string[]): { scopes: string[]; loginHint?: string } => {
    const hint = o.loginHint();
    return hint ? { scopes, loginHint: hint } : { scopes };
  };
  return {
    async getToken(request) {
      const scopes = scopesFor(request, o.scopes);
      try {
        const a = msal.getActiveAccount();
        const r = a ? await msal.acquireTokenSilent({ scopes, account: a }) : await msal.ssoSilent(withHint(scopes));
        if (!a && r.account) msal.setActiveAccount(r.account);
        return r.accessToken;
      } catch (e) {
        if (!needsInteraction(e)) throw new PermissionError(`Could not get a token from the host: ${msalErrorCode(e) ?? String(e)}`, { cause: e });
      }
      try {
        const r = await msal.acquireTokenPopup(withHint(scopes));
        if (r.account) msal.setActiveAccount(r.account);
        return r.accessToken;
      } catch (e) {
        throw new PermissionError(`Sign-in did not complete: ${msalErrorCode(e) ?? String(e)}`, { cause: e });
      }
    },
  };
}
