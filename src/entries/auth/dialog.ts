/**
 * `auth/dialog.html` (#13): the sign-in page the Excel task pane opens with the Office dialog API where nested app
 * authentication is not available (src/hosts/excel/office-dialog.ts), and a Teams tab opens with
 * `authentication.authenticate` on a client that does not recommend NAA (`?host=teams`, src/hosts/teams/teams-signin.ts). MSAL's standard redirect flow runs here, in a
 * top-level window on our origin; the reply goes back with `Office.context.ui.messageParent` once office.js is ready.
 * No React, no Fluent: a status line for the few seconds the window is open.
 */
import { loadBrowserMsal } from '../../hosts/msal/load-msal.js';
import { type DialogReply, parseDialogRequest, runDialogSignIn } from '../../hosts/msal/dialog-signin.js';
import { loadAppConfig } from '../browser/app-config.js';
import { loadOfficeJs } from '../browser/office-js.js';

const status = (ja: string, en: string, alert = false): void => {
  const root = document.getElementById('root');
  if (!root) return;
  const p = document.createElement('p');
  if (alert) p.setAttribute('role', 'alert');
  else p.setAttribute('role', 'status');
  p.textContent = `${ja} / ${en}`;
  root.replaceChildren(p);
};

/** Teams: the page runs in the window `authentication.authenticate` opened; the result goes back through teams-js. */
async function sendToTeams(reply: DialogReply): Promise<void> {
  const teams = await import(/* webpackChunkName: "teams-js" */ '@microsoft/teams-js');
  await teams.app.initialize();
  if (reply.ok) teams.authentication.notifySuccess(JSON.stringify(reply));
  else teams.authentication.notifyFailure(JSON.stringify(reply));
}

/** messageParent once office.js answers (the dialog runs inside Office's dialog window). */
async function sendToTaskPane(reply: DialogReply): Promise<void> {
  const { office } = await loadOfficeJs(window);
  await office.onReady();
  const ui = (office.context as unknown as { ui?: { messageParent(message: string): void } }).ui;
  if (!ui) throw new Error('office.js has no context.ui: this page must be opened by the task pane (Office dialog API).');
  ui.messageParent(JSON.stringify(reply));
}

async function main(): Promise<void> {
  status('サインインしています…', 'Signing in…');
  const pagesBase = new URL('..', window.location.href).toString();
  const config = await loadAppConfig((u) => fetch(u, { credentials: 'same-origin' }), pagesBase);
  if (!config.auth) throw new Error('app-config.json has no auth settings: the dialog has nothing to sign in with.');
  const self = new URL(window.location.pathname, window.location.origin).toString();
  const { msal, redirect } = await loadBrowserMsal(config.auth, self, 'localStorage');
  const outcome = await runDialogSignIn({
    msal,
    redirect: redirect ?? { result: null },
    scopes: { graph: config.auth.graphScopes, sharePoint: config.auth.sharePointScopes },
    query: parseDialogRequest(window.location.search),
    storage: window.sessionStorage,
    send: async (reply, host) => {
      await (host === 'teams' ? sendToTeams(reply) : sendToTaskPane(reply));
      if (reply.ok) status('サインインしました。このウィンドウは自動で閉じます。', 'Signed in; this window closes by itself.');
      else status(`サインインできませんでした(${reply.error})。`, `Sign-in did not complete (${reply.error}).`, true);
    },
  });
  if (outcome === 'redirecting') status('サインイン ページへ移動しています…', 'Going to the sign-in page…');
}

main().catch((error: unknown) => {
  status('サインインできませんでした。', `Sign-in failed: ${error instanceof Error ? error.message : String(error)}`, true);
});
