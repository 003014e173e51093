/// <reference types="office-js" />
/**
 * Sign-in through the Office dialog API (#13, #11): the fallback where nested app authentication is not supported
 * (`NestedAppAuth 1.1` missing) and in the embedded default inside Excel on the web, where the task pane is a
 * third-party frame: it cannot keep MSAL's cache in sessionStorage and the local sign-in page refuses to be framed.
 * `Office.context.ui.displayDialogAsync` opens `auth/dialog.html` on our origin in a top-level window; that page runs
 * the sign-in (src/hosts/msal/dialog-signin.ts) and returns the tokens with `Office.context.ui.messageParent`. The task
 * pane keeps them in memory only, checks the sender's origin, and asks again (a prompt, then the dialog, which signs in
 * silently from its own cache when it can) once they are about to expire.
 *
 * Office is passed in (`OfficeDialogUi`), so tests drive a fake. Sources: learn.microsoft.com/office/dev/add-ins/
 * develop/dialog-api-in-office-add-ins and dialog-handle-errors-events (error codes), OfficeDev/Office-Add-in-samples
 * Samples/auth/Office-Add-in-SSO-NAA (authConfig.ts, fallback/fallbackauthdialog.ts).
 */
import { PermissionError } from '../../core/errors.js';
import type { TokenRequest } from '../../core/ports.js';
import type { HostUser, SignInProblem, Unsubscribe } from '../host-bridge.js';
import { type DialogReply, parseDialogReply, type DialogToken } from '../msal/dialog-signin.js';
import type { MsalSession } from '../msal/msal-session.js';

/** `Office.EventType` values the dialog handlers use (the strings office.js defines). */
export const DIALOG_MESSAGE_RECEIVED = 'dialogMessageReceived';
export const DIALOG_EVENT_RECEIVED = 'dialogEventReceived';

/** The parts of `Office.context.ui` and `Office.Dialog` used here. */
export interface OfficeDialogUi {
  displayDialogAsync(url: string, options: { height: number; width: number; displayInIframe?: boolean; promptBeforeOpen?: boolean }, callback: (result: { status: string; value?: OfficeDialog; error?: { code: number; message?: string } }) => void): void;
}
export interface OfficeDialog {
  addEventHandler(type: string, handler: (arg: { message?: string; origin?: string | undefined; error?: number }) => void): void;
  close(): void;
}

/**
 * Dialog errors (dialog-handle-errors-events): 12004 domain not trusted, 12005 http URL, 12007 a dialog already open,
 * 12009 the user ignored the dialog (Office on the web), 12011 the browser blocks pop-ups; inside the dialog: 12002
 * the page could not be loaded, 12003 it navigated to http, 12006 the user closed it.
 */
export const DIALOG_ERRORS: Readonly<Record<number, { problem: SignInProblem; why: string }>> = {
  12002: { problem: 'dialog-failed', why: 'the sign-in page could not be loaded in the dialog (12002)' },
  12003: { problem: 'dialog-failed', why: 'the dialog was sent to an http address (12003)' },
  12004: { problem: 'dialog-failed', why: "the dialog's address is not on the add-in's domain (12004)" },
  12005: { problem: 'dialog-failed', why: 'the dialog address must be https (12005)' },
  12006: { problem: 'dialog-closed', why: 'the sign-in dialog was closed before sign-in finished (12006)' },
  12007: { problem: 'dialog-open', why: 'a dialog is already open from this task pane (12007)' },
  12009: { problem: 'dialog-blocked', why: 'the dialog was not allowed (12009)' },
  12011: { problem: 'dialog-blocked', why: "the browser's pop-up blocker stopped the dialog (12011)" },
};

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

const dialogError = (code: number): DialogSignInError => {
  const known = DIALOG_ERRORS[code];
  return new DialogSignInError(code, known?.problem ?? 'dialog-failed', `Sign-in dialog: ${known?.why ?? `Office error ${code}`}.`);
};

/**
 * Opens `url` in an Office dialog and resolves with the page's one reply. Messages from any origin but
 * `expectedOrigin` are ignored (DialogOrigin 1.1 reports the sender's origin; where Office does not say, the message
 * is accepted: the dialog can only start on our own domain, 12004).
 * @throws DialogSignInError on a dialog error, a closed dialog, or a reply that is not ours.
 */
export function openSignInDialog(ui: OfficeDialogUi, url: string, expectedOrigin: string): Promise<DialogReply> {
  return new Promise((resolve, reject) => {
    // 60 % × 30 % of the screen: room for Entra's page (the NAA sample's size).
    ui.displayDialogAsync(url, { height: 60, width: 30 }, (result) => {
      if (result.status !== 'succeeded' || !result.value) {
        reject(dialogError(result.error?.code ?? 0));
        return;
      }
      const dialog = result.value;
      let done = false;
      dialog.addEventHandler(DIALOG_MESSAGE_RECEIVED, (arg) => {
        if (done) return;
        if (arg.origin !== undefined && arg.origin !== expectedOrigin) return;
        const reply = parseDialogReply(arg.message ?? '');
        if (!reply) return;
        done = true;
        dialog.close();
        resolve(reply);
      });
      dialog.addEventHandler(DIALOG_EVENT_RECEIVED, (arg) => {
        if (done) return;
        done = true;
        reject(dialogError(arg.error ?? 0));
      });
    });
  });
}

export interface DialogSessionOptions {
  ui: OfficeDialogUi;
  /** `https://host:port` of the pages (the dialog's origin). */
  origin: string;
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
      const reply = await openSignInDialog(o.ui, u.toString(), o.origin);
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
