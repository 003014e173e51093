/**
 * The service's own endpoints (`/_local/...`) (#3, #8): the sign-in page and its script, token minting, fault and
 * throttle control, request statistics and the directory. Access rules (docs/local-graph.md): the sign-in page, its
 * script and `POST token` are open (they are how a browser gets its first token); `stats`, `users` and `GET faults`
 * need a valid token; `POST faults` needs a site owner's token and `Content-Type: application/json`.
 */
import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';

import { DEMO_DIRECTORY, findUser } from '../directory.js';
import { errorBody, GraphHttpError } from '../errors.js';
import { readBody, parseJsonBody, discardBody } from '../http/body.js';
import { htmlSecurityHeaders } from '../http/csp.js';
import { type FaultConfig, type FaultInjector, parseThrottle, type Throttle } from '../http/faults.js';
import type { Caller } from '../store/types.js';
import { DEFAULT_TOKEN_LIFETIME_SECONDS } from '../tokens.js';

const FAULT_KEYS: ReadonlySet<string> = new Set(['rate429', 'rate503', 'retryAfterSeconds', 'latencyMs', 'dropRate', 'seed', 'throttle']);

/** The sign-in page's script, served as a file: the page itself carries no inline script. */
const SIGNIN_SCRIPT = readFileSync(new URL('./assets/signin.js', import.meta.url));

export interface LocalDeps {
  tokenFor(user?: string): string;
  faults: FaultInjector;
  throttle: Throttle;
  stats(): unknown;
  authenticate(req: IncomingMessage): Promise<Caller | GraphHttpError>;
  isSiteOwner(caller: Caller): boolean;
  requestId: string;
}

const esc = (s: string): string => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

/** The longest `returnTo` honoured. */
const MAX_RETURN_TO = 2048;

/**
 * Reduces a `returnTo` value to a path on this origin, else `/`: it must start with exactly one `/`, carry no
 * backslash, whitespace or control character (browsers read `/\host` and `/\t/host` as `//host`), and resolve to our
 * own origin. The result is the resolved path, query and fragment, never a scheme or an authority.
 * @example safeReturnTo('/reports/x?lang=en') === '/reports/x?lang=en'; safeReturnTo('/\\evil.example') === '/'
 */
export function safeReturnTo(raw: string | null | undefined): string {
  if (typeof raw !== 'string' || raw.length === 0 || raw.length > MAX_RETURN_TO) return '/';
  if (!raw.startsWith('/') || raw.startsWith('//') || /[\\\u0000-\u0020\u007f-\u009f]/.test(raw)) return '/';
  const base = 'https://local.invalid';
  let url: URL;
  try {
    url = new URL(raw, base);
  } catch {
    return '/';
  }
  return url.origin === base ? `${url.pathname}${url.search}${url.hash}` : '/';
}

function signinPage(returnTo: string): string {
  const groups = new Map(DEMO_DIRECTORY.groups.map((g) => [g.id, g.displayName]));
  const rows = DEMO_DIRECTORY.users
    .map((u) => `<li><button type="button" data-user="${esc(u.upn)}">${esc(u.displayName)}</button> <span>${esc(u.upn)} — ${esc(u.groups.map((g) => groups.get(g) ?? g).join('、'))}(${esc(u.jobTitle)})</span></li>`)
    .join('\n');
  return `<!doctype html><html lang="ja"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>ローカル サインイン — ${esc(DEMO_DIRECTORY.ministry)}</title>
<style>:root{color-scheme:light dark}body{font-family:system-ui,sans-serif;margin:2rem}li{margin:.4rem 0}button{min-width:9rem}</style></head>
<body data-return-to="${esc(returnTo)}"><h1>ローカル サインイン(開発用)</h1>
<p>${esc(DEMO_DIRECTORY.ministry)}のデモ利用者を選んでください。トークンはこのブラウザーの sessionStorage(<code>followup.localToken</code>)に保存されます。</p>
<p lang="en">Local sign-in (development): pick a demo user; the token is kept in this browser's sessionStorage.</p>
<ul>${rows}</ul>
<p id="status" role="alert"></p>
<script src="/_local/signin.js"></script></body></html>`;
}

/** Serves `/_local/*`; only reachable on the loopback interface the service listens on. */
export async function serveLocal(req: IncomingMessage, res: ServerResponse, url: URL, deps: LocalDeps): Promise<void> {
  const p = url.pathname;
  const method = req.method ?? 'GET';
  const json = (status: number, body: unknown, headers: Record<string, string> = {}): void => {
    const payload = Buffer.from(JSON.stringify(body));
    res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': String(payload.length), 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff', 'request-id': deps.requestId, ...headers });
    res.end(payload);
  };
  const fail = (status: number, code: string, message: string): void => {
    discardBody(req);
    json(status, errorBody(code, message, deps.requestId, undefined));
  };
  /** The caller of a request that needs a token, or undefined after answering 401. */
  const authenticated = async (): Promise<Caller | undefined> => {
    const c = await deps.authenticate(req);
    if (c instanceof GraphHttpError) {
      fail(c.status, c.code, c.message);
      return undefined;
    }
    return c;
  };
  /** The JSON body of a POST, or undefined after answering 400/413. */
  const jsonBody = async (): Promise<{ value: unknown } | undefined> => {
    let buf: Buffer;
    try {
      buf = await readBody(req);
    } catch (e) {
      if (e instanceof GraphHttpError) {
        fail(e.status, e.code, e.message);
        return undefined;
      }
      throw e;
    }
    const parsed = parseJsonBody(buf);
    if (!parsed.ok) {
      fail(parsed.error.status, parsed.error.code, parsed.error.message);
      return undefined;
    }
    return { value: parsed.value };
  };

  if (p === '/_local/signin' && method === 'GET') {
    res.writeHead(200, htmlSecurityHeaders({ frameAncestors: 'self' }));
    res.end(signinPage(safeReturnTo(url.searchParams.get('returnTo'))));
    return;
  }
  if (p === '/_local/signin.js' && method === 'GET') {
    res.writeHead(200, { 'Content-Type': 'text/javascript; charset=utf-8', 'Content-Length': String(SIGNIN_SCRIPT.length), 'X-Content-Type-Options': 'nosniff', 'Cache-Control': 'no-store' });
    res.end(SIGNIN_SCRIPT);
    return;
  }
  if (p === '/_local/token') {
    if (method !== 'POST') return fail(405, 'methodNotAllowed', 'Use POST /_local/token with {"user":"<id or UPN>"}.');
    const body = await jsonBody();
    if (!body) return;
    // No body at all asks for the default user; a body must be an object.
    const b = body.value === undefined ? {} : body.value;
    if (typeof b !== 'object' || b === null || Array.isArray(b)) return fail(400, 'invalidRequest', 'The body must be a JSON object such as {"user":"suzuki"}.');
    const extra = Object.keys(b).filter((k) => k !== 'user');
    if (extra.length > 0) return fail(400, 'invalidRequest', `Unknown field(s): ${extra.join(', ')}. The body is {"user":"<id or UPN>"}.`);
    const user = (b as { user?: unknown }).user;
    if (user !== undefined && (typeof user !== 'string' || !findUser(DEMO_DIRECTORY, user))) {
      return fail(400, 'invalidRequest', `Unknown user ${JSON.stringify(user)?.slice(0, 80) ?? ''}: use a demo user's id or UPN (${DEMO_DIRECTORY.users.map((u) => u.id).join(', ')}).`);
    }
    return json(200, { token_type: 'Bearer', access_token: deps.tokenFor(user as string | undefined), expires_in: DEFAULT_TOKEN_LIFETIME_SECONDS });
  }
  if (p === '/_local/users' || p === '/_local/stats') {
    if (method !== 'GET') return fail(405, 'methodNotAllowed', `Use GET ${p}.`);
    if (!(await authenticated())) return;
    return json(200, p === '/_local/users' ? { groups: DEMO_DIRECTORY.groups, users: DEMO_DIRECTORY.users } : deps.stats());
  }
  if (p === '/_local/faults') {
    const current = (): unknown => ({ ...deps.faults.config, throttle: deps.throttle.config });
    if (method !== 'GET' && method !== 'POST') return fail(405, 'methodNotAllowed', 'Use GET or POST /_local/faults.');
    const caller = await authenticated();
    if (!caller) return;
    if (method === 'GET') return json(200, current());
    if (!deps.isSiteOwner(caller)) return fail(403, 'accessDenied', 'Only a site owner may change fault injection and throttling.');
    const ct = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
    if (ct !== 'application/json') return fail(415, 'unsupportedMediaType', "POST /_local/faults needs 'Content-Type: application/json'.");
    const body = await jsonBody();
    if (!body) return;
    const b = body.value;
    if (typeof b !== 'object' || b === null || Array.isArray(b)) return fail(400, 'invalidRequest', 'The body must be a JSON object of fault settings, e.g. {"rate429":0.05}.');
    // A typo ("rate249") must not look accepted: name every key the endpoint does not know.
    const unknown = Object.keys(b).filter((k) => !FAULT_KEYS.has(k));
    if (unknown.length > 0) return fail(400, 'invalidRequest', `Unknown fault setting(s): ${unknown.join(', ')}. Known: ${[...FAULT_KEYS].join(', ')}.`);
    const { throttle, ...f } = b as Partial<FaultConfig> & { throttle?: unknown };
    try {
      // Both are validated before either changes, so a bad value leaves the settings as they were.
      const t = throttle === undefined ? undefined : parseThrottle(throttle);
      deps.faults.set(f);
      if (t !== undefined) deps.throttle.set(t);
    } catch (e) {
      if (e instanceof RangeError) return fail(400, 'invalidRequest', e.message);
      throw e;
    }
    return json(200, current());
  }
  fail(404, 'itemNotFound', `No local endpoint ${method} ${p}.`);
}
