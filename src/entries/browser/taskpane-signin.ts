/**
 * Composition of the task pane's sign-in inside Excel (#13): nested app authentication, the Office dialog, or the local
 * sign-in, as src/hosts/excel/excel-signin.ts decides once `Office.onReady` answered. Part of the excel-host chunk.
 */
import type { LocalSession } from '../../hosts/browser/local-session.js';
import { chooseTaskpaneSignIn, officeLoginHint } from '../../hosts/excel/excel-signin.js';
import type { OfficeApi } from '../../hosts/excel/excel-host.js';
import { openSignInDialog } from '../../hosts/excel/office-dialog.js';
import { createDialogSession } from '../../hosts/msal/dialog-session.js';
import { type AuthSettings, loadNestedMsal } from '../../hosts/msal/load-msal.js';
import { createNestedMsalTokens } from '../../hosts/msal/msal-session.js';
import type { AppConfig } from '../../ui/app/services.js';
import type { PaneSession } from './switchable-session.js';

export interface TaskpaneSessionInput {
  office: OfficeApi;
  auth: AuthSettings | null;
  local: LocalSession;
  config: AppConfig;
  redirectUri: string;
  window: Window;
}

/** The session the task pane uses inside Excel. */
export async function taskpaneSession(i: TaskpaneSessionInput): Promise<PaneSession> {
  const { office, auth } = i;
  const kind = chooseTaskpaneSignIn(office, auth, i.local.isSignedIn());
  if (!auth || kind === 'local') return i.local;
  const scopes = { graph: auth.graphScopes, sharePoint: auth.sharePointScopes };
  if (kind === 'naa') {
    const hint = await officeLoginHint(office);
    const { msal } = await loadNestedMsal(auth, i.redirectUri);
    const tokens = createNestedMsalTokens({ msal, scopes, loginHint: () => hint });
    // Office holds the session: no sign-in page of ours; "sign in" retries (the token call brings up the host's popup).
    return {
      getToken: (r) => tokens.getToken(r),
      isSignedIn: () => true,
      signIn: () => i.window.location.reload(),
      signOut: () => {},
      user: () => (hint ? { id: null, displayName: null, loginHint: hint, tenantId: null } : null),
    };
  }
  const origin = i.window.location.origin;
  const site = i.config.defaultSite;
  const sharePointOrigins = site && auth.sharePointScopes.length > 0 ? [new URL(site).origin] : [];
  const ui = office.context.ui;
  if (!ui) return i.local;
  return createDialogSession({ openDialog: (url) => openSignInDialog(ui, url, origin), dialogUrl: new URL('auth/dialog.html', i.window.location.href).toString(), sharePointOrigins, loginHint: () => officeLoginHint(office) });
}
