/**
 * Sign-in inside Teams (#13). teams-js is initialised first (the documented order); then
 * `nestedAppAuth.isNAAChannelRecommended()` says whether this Teams client brokers nested app auth. Where it does not
 * (older clients, or an SDK without the call), the tab signs in through teams-js `authentication.authenticate`: Teams
 * opens our sign-in page (auth/dialog.html?host=teams) in its own window, the page runs MSAL's redirect flow there and
 * answers with `authentication.notifySuccess` (src/entries/auth/dialog.ts). The reply is the same as the Office dialog's
 * and feeds the same in-memory session (src/hosts/msal/dialog-session.ts). The SDK is passed in: tests use a fake.
 * Source: MicrosoftDocs/msteams-docs nested-authentication.md, packages/teams-js/src/public/{nestedAppAuth,authentication}.ts.
 */
import { type DialogReply, parseDialogReply } from '../msal/dialog-signin.js';
import { DialogSignInError } from '../msal/dialog-session.js';

/** The teams-js calls the sign-in uses. */
export interface TeamsAuthSdk {
  nestedAppAuth?: { isNAAChannelRecommended(): boolean };
  authentication: { authenticate(params: { url: string; width?: number; height?: number }): Promise<string> };
}

/** `naa` when this Teams client recommends nested app auth; else `popup` (authentication.authenticate). */
export function chooseTeamsSignIn(sdk: TeamsAuthSdk): 'naa' | 'popup' {
  try {
    return sdk.nestedAppAuth?.isNAAChannelRecommended() === true ? 'naa' : 'popup';
  } catch {
    // teams-js throws when the call is not supported by this client: the fallback is the answer.
    return 'popup';
  }
}

/** Opens our sign-in page through Teams and resolves with its reply. @throws DialogSignInError */
export function teamsDialogOpener(sdk: TeamsAuthSdk): (url: string) => Promise<DialogReply> {
  return async (url) => {
    let result: string;
    try {
      result = await sdk.authentication.authenticate({ url, width: 600, height: 640 });
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      // teams-js rejects with "CancelledByUser" (window closed) or "FailedToOpenWindow"; a page's notifyFailure reason otherwise.
      if (/CancelledByUser/i.test(reason)) throw new DialogSignInError(null, 'dialog-closed', 'Sign-in window: closed before sign-in finished (CancelledByUser).');
      if (/FailedToOpenWindow/i.test(reason)) throw new DialogSignInError(null, 'dialog-blocked', 'Sign-in window: Teams could not open it (FailedToOpenWindow).');
      const reply = parseDialogReply(reason);
      if (reply) return reply;
      throw new DialogSignInError(null, 'failed', `Sign-in window: ${reason.slice(0, 200)}`);
    }
    const reply = parseDialogReply(result);
    if (!reply) throw new DialogSignInError(null, 'failed', 'Sign-in window: the answer was not a sign-in result.');
    return reply;
  };
}
