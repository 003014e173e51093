/**
 * The identity provider's HTML (#13): the sign-in and consent page of `/authorize` (pick a demo user; the buttons are
 * named by display name) and the error page Entra shows instead of redirecting when the client or redirect URI cannot
 * be trusted. No script at all: the choice is a form POST to the same endpoint (CSP `form-action 'self'`).
 */
import type { Directory, DirectoryUser } from '../directory.js';

const esc = (s: string): string => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

const STYLE = `:root{color-scheme:light dark;font-family:"Noto Sans CJK JP","Yu Gothic UI","Segoe UI",system-ui,sans-serif}
body{margin:2rem auto;max-width:44rem;padding:0 1rem;line-height:1.6}
ul.users{list-style:none;padding:0}ul.users li{margin:.4rem 0;display:grid;grid-template-columns:11rem 1fr;gap:.8rem;align-items:center}
button{min-width:10rem;padding:.35rem .8rem;font:inherit;cursor:pointer}
button:focus-visible{outline:3px solid Highlight;outline-offset:2px}
.hint{font-weight:bold}.muted{opacity:.8}code{overflow-wrap:anywhere}
.error{border-left:4px solid #c4314b;padding:.2rem .8rem}
@media (forced-colors:active){.error{border-left-color:CanvasText}}`;

function page(title: string, body: string): string {
  return `<!doctype html><html lang="ja"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${esc(title)}</title><style>${STYLE}</style></head><body><main>${body}</main></body></html>`;
}

export interface SignInPageInput {
  directory: Directory;
  appName: string;
  /** The permissions asked for, as the request named them. */
  scopes: string[];
  /** The signed, opaque flow of this authorization request (posted back). */
  flow: string;
  /** The user `login_hint` names, listed first. */
  hinted: DirectoryUser | undefined;
  /** A message about the previous attempt (e.g. an unknown user). */
  problem?: string;
}

/** The local sign-in and consent page. */
export function signInPage(i: SignInPageInput): string {
  const groups = new Map(i.directory.groups.map((g) => [g.id, g.displayName]));
  const users = i.hinted ? [i.hinted, ...i.directory.users.filter((u) => u !== i.hinted)] : i.directory.users;
  const rows = users
    .map(
      (u) =>
        `<li><button type="submit" name="user" value="${esc(u.id)}">${esc(u.displayName)}</button> <span><span class="muted">${esc(u.upn)} — ${esc(u.groups.map((g) => groups.get(g) ?? g).join('、'))}(${esc(u.jobTitle)})</span>${u === i.hinted ? ' <span class="hint">(前回のアカウント / last used)</span>' : ''}</span></li>`,
    )
    .join('\n');
  const scopes = i.scopes.map((s) => `<li><code>${esc(s)}</code></li>`).join('');
  return page(
    `サインイン — ${i.directory.ministry}`,
    `<h1>サインイン(ローカル ID プロバイダー)</h1>
<p lang="en" class="muted">Sign in (local identity provider): pick a demo user of ${esc(i.directory.ministry)}.</p>
${i.problem ? `<p class="error" role="alert">${esc(i.problem)}</p>` : ''}
<p>アプリ「${esc(i.appName)}」が、次のアクセス許可を求めています(管理者の同意済み):</p>
<ul>${scopes}</ul>
<form method="post">
<input type="hidden" name="flow" value="${esc(i.flow)}">
<h2>デモ利用者を選んでください <span lang="en" class="muted">/ Pick a demo user</span></h2>
<ul class="users">${rows}</ul>
<p><button type="submit" name="decision" value="cancel">キャンセル(同意しない) / Cancel</button></p>
</form>
<p class="muted">開発用のサインインです。パスワードはありません。テナントでは Microsoft Entra ID のサインイン画面がここに表示されます。<br>
<span lang="en">A development sign-in without passwords; on a tenant, Microsoft Entra ID's sign-in appears here.</span></p>`,
  );
}

/** The page shown instead of a redirect (unknown client, unregistered redirect URI, unknown tenant). */
export function errorPage(code: string, description: string): string {
  return page(
    'サインインできません',
    `<h1>サインインできません <span lang="en">/ Sorry, we can't sign you in</span></h1>
<p class="error" role="alert"><strong>${esc(code)}</strong>: ${esc(description)}</p>
<p class="muted">アプリの登録(クライアント ID、リダイレクト URI)を確認してください。<span lang="en">Check the app registration (client id, redirect URI).</span></p>`,
  );
}

/** After sign-out without a usable `post_logout_redirect_uri`. */
export function signedOutPage(): string {
  return page('サインアウトしました', `<h1>サインアウトしました <span lang="en">/ You signed out</span></h1><p><a href="/">アプリへ戻る / Back to the app</a></p>`);
}
