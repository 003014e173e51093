/** Local-only helpers: the sign-in page, token minting, fault/throttle control and stats (`/_local/...`) (#3). */
import type { IncomingMessage, ServerResponse } from 'node:http';

import { DEFAULT_TOKEN_LIFETIME_SECONDS } from '../tokens.js';
import { DEMO_DIRECTORY, findUser } from '../directory.js';
import type { FaultConfig, FaultInjector, Throttle } from '../http/faults.js';

const FAULT_KEYS: ReadonlySet<string> = new Set(['rate429', 'rate503', 'retryAfterSeconds', 'latencyMs', 'dropRate', 'seed', 'throttle']);

export interface LocalDeps {
  tokenFor(user?: string): string;
  faults: FaultInjector;
  throttle: Throttle;
  stats(): unknown;
  readBody(): Promise<string>;
}

const esc = (s: string): string => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' });
  res.end(JSON.stringify(body));
}

function signinPage(returnTo: string): string {
  const groups = new Map(DEMO_DIRECTORY.groups.map((g) => [g.id, g.displayName]));
  const rows = DEMO_DIRECTORY.users
    .map((u) => `<li><button type="button" data-user="${esc(u.upn)}">${esc(u.displayName)}</button> <span>${esc(u.upn)} — ${esc(u.groups.map((g) => groups.get(g) ?? g).join('、'))}(${esc(u.jobTitle)})</span></li>`)
    .join('\n');
  return `<!doctype html><html lang="ja"><head><meta charset="utf-8"><title>ローカル サインイン — ${esc(DEMO_DIRECTORY.ministry)}</title>
<style>body{font-family:system-ui,sans-serif;margin:2rem}li{margin:.4rem 0}button{min-width:9rem}</style></head>
<body><h1>ローカル サインイン(開発用)</h1>
<p>${esc(DEMO_DIRECTORY.ministry)}のデモ利用者を選んでください。トークンはこのブラウザーの sessionStorage(<code>followup.localToken</code>)に保存されます。</p>
<ul>${rows}</ul>
<script>
const returnTo = ${JSON.stringify(returnTo)};
for (const b of document.querySelectorAll('button[data-user]')) {
  b.addEventListener('click', async () => {
    const r = await fetch('/_local/token', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ user: b.dataset.user }) });
    if (!r.ok) { alert('サインインに失敗しました: ' + r.status); return; }
    const t = await r.json();
    sessionStorage.setItem('followup.localToken', t.access_token);
    sessionStorage.setItem('followup.localUser', b.dataset.user);
    location.assign(returnTo);
  });
}
</script></body></html>`;
}

/** Serves `/_local/*`; only reachable on the loopback interface the service listens on. */
export async function serveLocal(req: IncomingMessage, res: ServerResponse, url: URL, deps: LocalDeps): Promise<void> {
  const p = url.pathname;
  const method = req.method ?? 'GET';
  if (p === '/_local/signin' && method === 'GET') {
    const rt = url.searchParams.get('returnTo') ?? '/';
    // Only same-origin relative paths, so the page cannot be used as an open redirect.
    const returnTo = rt.startsWith('/') && !rt.startsWith('//') ? rt : '/';
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' });
    res.end(signinPage(returnTo));
    return;
  }
  if (p === '/_local/users' && method === 'GET') return json(res, 200, { groups: DEMO_DIRECTORY.groups, users: DEMO_DIRECTORY.users });
  let body: unknown;
  if (method === 'POST') {
    try {
      const raw = await deps.readBody();
      body = raw === '' ? {} : (JSON.parse(raw) as unknown);
    } catch {
      return json(res, 400, { error: { code: 'invalidRequest', message: 'The body must be JSON.' } });
    }
  }
  if (p === '/_local/token' && method === 'POST') {
    const user = (body as { user?: unknown }).user;
    if (user !== undefined && (typeof user !== 'string' || !findUser(DEMO_DIRECTORY, user))) return json(res, 400, { error: { code: 'invalidRequest', message: `Unknown user ${JSON.stringify(user)}.` } });
    return json(res, 200, { token_type: 'Bearer', access_token: deps.tokenFor(user), expires_in: DEFAULT_TOKEN_LIFETIME_SECONDS });
  }
  if (p === '/_local/faults') {
    const current = (): unknown => ({ ...deps.faults.config, throttle: deps.throttle.config });
    if (method === 'GET') return json(res, 200, current());
    if (method === 'POST') {
      const b = (body ?? {}) as Record<string, unknown>;
      // A typo ("rate249") must not look accepted: name every key the endpoint does not know.
      const unknown = Object.keys(b).filter((k) => !FAULT_KEYS.has(k));
      if (unknown.length > 0) {
        return json(res, 400, { error: { code: 'invalidRequest', message: `Unknown fault setting(s): ${unknown.join(', ')}. Known: ${[...FAULT_KEYS].join(', ')}.` } });
      }
      try {
        const { throttle, ...f } = b as Partial<FaultConfig> & { throttle?: { resourceUnitsPerMinute: number } | false };
        deps.faults.set(f);
        if (throttle !== undefined) deps.throttle.set(throttle);
      } catch (e) {
        return json(res, 400, { error: { code: 'invalidRequest', message: e instanceof Error ? e.message : String(e) } });
      }
      return json(res, 200, current());
    }
  }
  if (p === '/_local/stats' && method === 'GET') return json(res, 200, deps.stats());
  json(res, 404, { error: { code: 'itemNotFound', message: `No local endpoint ${method} ${p}.` } });
}
