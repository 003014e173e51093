// The local sign-in page's script (#3, #8), served as /_local/signin.js: the page has no inline script (CSP).
// It asks the service for a token of the chosen demo user, keeps it in sessionStorage and returns to `returnTo`,
// which the server already reduced to a path on this origin; it is checked again here before navigating.

const TOKEN_KEY = 'followup.localToken';
const USER_KEY = 'followup.localUser';

/** A path on this origin, or '/'. */
function sameOriginPath(value) {
  if (typeof value !== 'string' || !/^\/(?![/\\])/.test(value) || /[\\\u0000-\u0020\u007f-\u009f]/.test(value)) return '/';
  let url;
  try {
    url = new URL(value, location.origin);
  } catch {
    return '/';
  }
  return url.origin === location.origin ? `${url.pathname}${url.search}${url.hash}` : '/';
}

const status = document.getElementById('status');
const returnTo = sameOriginPath(document.body.dataset.returnTo);

async function signIn(button) {
  const user = button.dataset.user;
  status.textContent = '';
  try {
    const r = await fetch('/_local/token', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ user }) });
    if (!r.ok) throw new Error(String(r.status));
    const t = await r.json();
    sessionStorage.setItem(TOKEN_KEY, t.access_token);
    sessionStorage.setItem(USER_KEY, user);
    location.assign(returnTo);
  } catch (e) {
    status.textContent = `サインインに失敗しました (Sign-in failed): ${e instanceof Error ? e.message : String(e)}`;
  }
}

for (const b of document.querySelectorAll('button[data-user]')) {
  b.addEventListener('click', () => {
    void signIn(b);
  });
}
