/**
 * The session of a page that signs in through a window the host opens (#13): the Office dialog API in the Excel task
 * pane (src/hosts/excel/office-dialog.ts), teams-js `authentication.authenticate` in a Teams tab whose client does not
 * recommend nested app auth (src/hosts/teams/teams-signin.ts). The window runs auth/dialog.html and replies with
 * access tokens; this session keeps them in memory only and shows the sign-in prompt before they expire (the next
 * window signs in silently from its own MSAL cache when it can).
 */
import { PermissionError } from '../../core/errors.js';
import type { TokenRequest } from '../../core/ports.js';
import type { HostUser, SignInProblem, Unsubscribe } from '../host-bridge.js';
import type { DialogReply, DialogToken } from './dialog-signin.js';
import type { MsalSession } from './msal-session.js';

/** A dialog that failed or ended without a result; `problem` is what the sign-in prompt says. */
export class DialogSignInError extends PermissionError {
  constructor(
    readonly officeCode: number | null,
    readonly problem: SignInProblem,
    message: string,
  ) {
    super(message);
  }
}

export interface DialogSessionOptions {
  /** Opens the sign-in page in the host's window (Office dialog API, Teams authentication.authenticate) and resolves with its reply. */
  openDialog: (url: string) => Promise<DialogReply>;
  /** The dialog page, absolute. */
  dialogUrl: string;
  /** SharePoint origins to fetch tokens for at sign-in (the configured site's), besides Graph. */
  sharePointOrigins: readonly string[];
  /** The host's login hint (Office `auth.getAuthContext()` where available). */
  loginHint?: () => Promise<string | null>;
  now?: () => number;
  /** Renew this long before expiry: the prompt shows before a request could leave with an expired token. */
  renewBeforeMs?: number;
}

const keyOf = (r: TokenRequest): string => (r.resource === 'graph' ? 'graph' : `sharepoint ${r.origin.replace(/\/+$/, '')}`);
const tokenKey = (t: DialogToken): string => (t.resource === 'graph' ? 'graph' : `sharepoint ${t.origin.replace(/\/+$/, '')}`);

/** The task pane's session when it signs in through the dialog: tokens in memory, a prompt before they expire. */
export interface DialogSession extends MsalSession {
  /** The Office error or MSAL error code behind `problem()`. */
  problemDetail(): string | null;
  /** Called after every sign-in, sign-out and expiry (the view re-renders). */
  subscribe(listener: () => void): Unsubscribe;
}

export function createDialogSession(o: DialogSessionOptions): DialogSession {
  const now = o.now ?? (() => Date.now());
  const renewBefore = o.renewBeforeMs ?? 5 * 60_000;
  const tokens = new Map<string, DialogToken>();
  const listeners = new Set<() => void>();
  let user: HostUser | null = null;
  let problem: SignInProblem = null;
  let detail: string | null = null;
  let busy = false;
  const changed = (): void => listeners.forEach((l) => l());

  const run = async (signOut: boolean): Promise<void> => {
    if (busy) return;
    busy = true;
    try {
      const u = new URL(o.dialogUrl);
      if (signOut) u.searchParams.set('signout', '1');
      else {
        u.searchParams.set('resources', ['graph', ...o.sharePointOrigins].join(' '));
        const hint = (await o.loginHint?.().catch(() => null)) ?? user?.loginHint ?? null;
        if (hint) u.searchParams.set('login_hint', hint);
      }
      const reply = await o.openDialog(u.toString());
      tokens.clear();
      if (!reply.ok) {
        user = null;
        problem = reply.error === 'access_denied' ? 'declined' : 'failed';
        detail = reply.error;
      } else if (reply.signedOut) {
        user = null;
        problem = null;
        detail = null;
      } else {
        for (const t of reply.tokens) tokens.set(tokenKey(t), t);
        user = { id: reply.account.localAccountId || null, displayName: reply.account.name ?? null, loginHint: reply.account.username || null, tenantId: reply.account.tenantId || null };
        problem = null;
        detail = null;
      }
    } catch (error) {
      problem = error instanceof DialogSignInError ? error.problem : 'failed';
      detail = error instanceof Error ? error.message : String(error);
    } finally {
      busy = false;
      changed();
    }
  };

  return {
    async getToken(request) {
      const t = tokens.get(keyOf(request));
      if (!user) throw new PermissionError('Not signed in.');
      if (!t) throw new PermissionError(`No token for ${keyOf(request)}: the sign-in dialog was asked for ${['graph', ...o.sharePointOrigins].join(', ')} only.`);
      if (t.expiresOn - renewBefore <= now()) {
        // In memory only, so no refresh here: the person signs in again (the dialog does it silently when it can).
        tokens.clear();
        problem = 'expired';
        user = null;
        changed();
        throw new PermissionError('The session has expired: sign in again.');
      }
      return t.accessToken;
    },
    user: () => user,
    isSignedIn: () => user !== null,
    problem: () => problem,
    problemDetail: () => detail,
    signIn() {
      void run(false);
    },
    signOut() {
      tokens.clear();
      user = null;
      void run(true);
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
