/**
 * `auth/redirect.html` (#13): MSAL v5's redirect bridge. Popup sign-in (`acquireTokenPopup`) and silent renewal in a
 * hidden frame (`ssoSilent`) send the authority back here; this page hands the response to the window that started the
 * flow and closes (msal-browser docs/v4-migration.md: "redirect bridge", `broadcastResponseToMainFrame`). Served with
 * `Cache-Control: no-store` and without a Cross-Origin-Opener-Policy header (src/entries/web/app-server.ts).
 */
import { broadcastResponseToMainFrame } from '@azure/msal-browser/redirect-bridge';

broadcastResponseToMainFrame().catch((error: unknown) => {
  const p = document.createElement('p');
  p.setAttribute('role', 'alert');
  p.textContent = `サインインの応答を処理できませんでした / Could not process the sign-in response: ${error instanceof Error ? error.message : String(error)}`;
  document.getElementById('root')?.replaceChildren(p);
});
