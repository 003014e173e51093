/**
 * The sign-in page that runs in a host's dialog (#13): `auth/dialog.html`, opened by the Excel task pane with the Office
 * dialog API where nested app authentication is not available (src/hosts/excel/office-dialog.ts). It is a top-level
 * window on our origin, so MSAL's standard redirect flow works there (first-party storage, the sign-in page not
 * framed). It signs in with MSAL against the configured authority (Entra on a tenant, the local identity provider in
 * the embedded default), gets a token per resource the task pane asked for, and sends one reply to the opener.
 *
 * The reply carries access tokens, never a refresh token: the task pane keeps them in memory. MSAL's cache stays in
 * the dialog's localStorage, so the next dialog signs in without a page when the refresh token is still good; sign-out
 * (`?signout=1`) clears it. MSAL and the messaging are passed in: tests drive this with fakes.
 */
import type { TokenRequest } from '../../core/ports.js';
import { CACHE_THEN_REFRESH_TOKEN, type MsalAccount, type MsalClient, type MsalResult, type MsalScopes, msalErrorCode, needsInteraction, scopesFor } from './msal-session.js';

/** One access token the dialog hands over. */
export type DialogToken = TokenRequest & { accessToken: string; /** ms since the epoch */ expiresOn: number };

/** The dialog's one message to the task pane (JSON over `messageParent`). */
export type DialogReply =
  | { kind: typeof REPLY_KIND; ok: true; signedOut?: false; account: MsalAccount; tokens: DialogToken[] }
  | { kind: typeof REPLY_KIND; ok: true; signedOut: true }
  | { kind: typeof REPLY_KIND; ok: false; error: string };

export const REPLY_KIND = 'followup-signin/1';
/** sessionStorage key: the task pane's request survives the round trip to the authority. */
export const DIALOG_REQUEST_KEY = 'followup.dialogRequest';

/** What the task pane asked for (the dialog URL's query, kept across the redirect). */
export interface DialogRequest {
  signOut: boolean;
  /** Who opened the page: the Office dialog API (`office`, default) or Teams `authentication.authenticate` (`teams`). */
  host?: 'office' | 'teams';
  /** `graph` and SharePoint origins. */
  resources: TokenRequest[];
  loginHint: string | null;
}

/** Reads the dialog URL's query: `resources=graph https://x.sharepoint.com`, `login_hint`, `signout=1`. */
export function parseDialogRequest(search: string): DialogRequest | null {
  const q = new URLSearchParams(search);
  const host = q.get('host') === 'teams' ? { host: 'teams' as const } : {};
  if (q.get('signout') === '1') return { signOut: true, resources: [], loginHint: null, ...host };
  const raw = q.get('resources');
  if (raw === null) return null;
  const resources: TokenRequest[] = [];
  for (const r of raw.split(' ').filter((x) => x !== '')) {
    if (r === 'graph') resources.push({ resource: 'graph' });
    else if (/^https:\/\/[a-z0-9.-]+(:\d+)?$/i.test(r)) resources.push({ resource: 'sharepoint', origin: r });
    else return null;
  }
  if (!resources.some((r) => r.resource === 'graph')) resources.unshift({ resource: 'graph' });
  const hint = q.get('login_hint');
  return { signOut: false, resources, loginHint: hint && hint.length <= 256 ? hint : null, ...host };
}

/** Parses a reply; null for anything that is not one (a message from elsewhere is ignored, not trusted). */
export function parseDialogReply(message: string): DialogReply | null {
  let v: unknown;
  try {
    v = JSON.parse(message);
  } catch {
    // Not JSON: not our dialog's message.
    return null;
  }
  if (typeof v !== 'object' || v === null) return null;
  const o = v as Record<string, unknown>;
  if (o.kind !== REPLY_KIND || typeof o.ok !== 'boolean') return null;
  if (!o.ok) return typeof o.error === 'string' ? { kind: REPLY_KIND, ok: false, error: o.error.slice(0, 200) } : null;
  if (o.signedOut === true) return { kind: REPLY_KIND, ok: true, signedOut: true };
  const a = o.account as Record<string, unknown> | undefined;
  if (!a || typeof a.homeAccountId !== 'string' || typeof a.username !== 'string' || !Array.isArray(o.tokens)) return null;
  const tokens: DialogToken[] = [];
  for (const t of o.tokens as unknown[]) {
    const x = t as Record<string, unknown>;
    if (typeof x.accessToken !== 'string' || typeof x.expiresOn !== 'number') return null;
    if (x.resource === 'graph') tokens.push({ resource: 'graph', accessToken: x.accessToken, expiresOn: x.expiresOn });
    else if (x.resource === 'sharepoint' && typeof x.origin === 'string') tokens.push({ resource: 'sharepoint', origin: x.origin, accessToken: x.accessToken, expiresOn: x.expiresOn });
    else return null;
  }
  const account: MsalAccount = {
    homeAccountId: a.homeAccountId,
    localAccountId: typeof a.localAccountId === 'string' ? a.localAccountId : '',
    tenantId: typeof a.tenantId === 'string' ? a.tenantId : '',
    username: a.username,
    ...(typeof a.name === 'string' ? { name: a.name } : {}),
  };
  return { kind: REPLY_KIND, ok: true, account, tokens };
}

export interface DialogSignInDeps {
  /** A standard MSAL client (cache in localStorage), redirect URI = this page. */
  msal: MsalClient & { acquireTokenRedirect?(request: { scopes: string[]; account?: MsalAccount; loginHint?: string }): Promise<void> };
  /** handleRedirectPromise's outcome on this load. */
  redirect: { result: MsalResult | null } | { error: unknown };
  scopes: MsalScopes;
  /** This load's query (the first load), else null (back from the authority). */
  query: DialogRequest | null;
  storage: Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;
  /** Sends the reply to the opener (`Office.context.ui.messageParent`, or teams-js `authentication.notifySuccess`), per the request's host. */
  send: (reply: DialogReply, host: 'office' | 'teams') => void | Promise<void>;
}

/**
 * Runs the dialog: sign out, or hand back tokens (silently when MSAL can, else through the authority's page, which
 * comes back to this page and ends here on the second load).
 * @returns what happened, for the page to show while the host closes the dialog.
 */
export async function runDialogSignIn(d: DialogSignInDeps): Promise<'sent' | 'redirecting'> {
  const { msal } = d;
  let request = d.query;
  if (request) d.storage.setItem(DIALOG_REQUEST_KEY, JSON.stringify(request));
  else {
    try {
      request = JSON.parse(d.storage.getItem(DIALOG_REQUEST_KEY) ?? 'null') as DialogRequest | null;
    } catch {
      // A damaged entry: answered as a failure below.
      request = null;
    }
  }
  const reply = async (r: DialogReply): Promise<'sent'> => {
    d.storage.removeItem(DIALOG_REQUEST_KEY);
    await d.send(r, request?.host ?? 'office');
    return 'sent';
  };
  if (!request) return reply({ kind: REPLY_KIND, ok: false, error: 'no_request' });
  if (request.signOut) {
    msal.setActiveAccount(null);
    await msal.clearCache();
    return reply({ kind: REPLY_KIND, ok: true, signedOut: true });
  }
  if ('error' in d.redirect) return reply({ kind: REPLY_KIND, ok: false, error: msalErrorCode(d.redirect.error) ?? 'failed' });
  const hint = request.loginHint?.toLowerCase() ?? null;
  const cached = msal.getAllAccounts();
  const account =
    d.redirect.result?.account ??
    (hint ? cached.find((a) => a.username.toLowerCase() === hint) : undefined) ??
    (!hint && cached.length === 1 ? cached[0] : undefined) ??
    null;
  const interactive = async (): Promise<'redirecting'> => {
    const graph = scopesFor({ resource: 'graph' }, d.scopes);
    await msal.loginRedirect({ scopes: graph, prompt: 'select_account', ...(request.loginHint ? { loginHint: request.loginHint } : {}) });
    return 'redirecting';
  };
  if (!account) return interactive();
  msal.setActiveAccount(account);
  const tokens: DialogToken[] = [];
  try {
    for (const r of request.resources) {
      const got = await msal.acquireTokenSilent({ scopes: scopesFor(r, d.scopes), account, cacheLookupPolicy: CACHE_THEN_REFRESH_TOKEN });
      tokens.push({ ...r, accessToken: got.accessToken, expiresOn: got.expiresOn?.getTime() ?? Date.now() + 3_600_000 });
    }
  } catch (e) {
    // Right after the authority's page, interaction would loop: report it instead.
    if (needsInteraction(e) && !d.redirect.result) return interactive();
    return reply({ kind: REPLY_KIND, ok: false, error: msalErrorCode(e) ?? 'failed' });
  }
  return reply({ kind: REPLY_KIND, ok: true, account, tokens });
}
