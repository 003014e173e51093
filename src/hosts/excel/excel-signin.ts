/**
 * Which sign-in the task pane uses inside Excel (#13, #11), decided after `Office.onReady` (the documented order):
 *
 * - `naa`: nested app authentication when Office supports it (`NestedAppAuth 1.1`, a run-time check: the manifest
 *   does not require it, so older Office still offers the add-in) and the authority is one Office's broker serves
 *   (Microsoft Entra: no `knownAuthorities`). Login hint from `Office.auth.getAuthContext()`; silent first, a
 *   host-brokered popup only when MSAL says interaction is required (src/hosts/msal/msal-session.ts).
 * - `dialog`: the Office dialog API opening our sign-in page (src/hosts/excel/office-dialog.ts): where NAA is not
 *   supported (DialogApi 1.1, also checked at run time), and in the embedded default (the local authority is not Entra; the pane is a third-party frame in Excel
 *   on the web, without usable sessionStorage, and the local sign-in page refuses to be framed).
 * - `local`: no MSAL settings, or a token of the local sign-in page already present (a developer shortcut), or an
 *   Office without the dialog API.
 */
import type { AuthSettings } from '../msal/load-msal.js';
import { type OfficeApi, supportsNestedAppAuth } from './excel-host.js';

export type TaskpaneSignIn = 'naa' | 'dialog' | 'local';

export function chooseTaskpaneSignIn(office: OfficeApi, auth: AuthSettings | null, localSignedIn: boolean): TaskpaneSignIn {
  if (!auth || localSignedIn) return 'local';
  if (supportsNestedAppAuth(office) && auth.knownAuthorities.length === 0) return 'naa';
  // DialogApi 1.1 (a run-time check like NestedAppAuth: every current Office has it; the manifest does not require it).
  return office.context.ui && office.context.requirements.isSetSupported('DialogApi', '1.1') ? 'dialog' : 'local';
}

/** The user's UPN as Office knows it (NestedAppAuth 1.1), or null where Office cannot say. */
export async function officeLoginHint(office: OfficeApi): Promise<string | null> {
  if (!office.auth || !supportsNestedAppAuth(office)) return null;
  try {
    const ctx = await office.auth.getAuthContext();
    return ctx.userPrincipalName || ctx.loginHint || null;
  } catch {
    // No signed-in Office account (or a host that refuses): sign in without a hint; the person picks the account.
    return null;
  }
}
