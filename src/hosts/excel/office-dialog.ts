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
import type { SignInProblem } from '../host-bridge.js';
import { type DialogReply, parseDialogReply } from '../msal/dialog-signin.js';
import { DialogSignInError } from '../msal/dialog-session.js';

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
