import { describe, expect, it, vi } from 'vitest';

import { PermissionError } from '../../src/core/errors.js';
import { browserLocale, browserTheme, createBrowserHost, DARK_QUERY, FORCED_COLORS_QUERY, type BrowserWindowLike } from '../../src/hosts/browser/browser-host.js';
import { createLocalSession, LOCAL_TOKEN_KEY, LOCAL_USER_KEY, readClaims, RENEW_BEFORE_MS } from '../../src/hosts/browser/local-session.js';

/** A fake window whose media queries the test flips, firing `change` like a browser. */
function fakeWindow(options: { dark?: boolean; forced?: boolean; search?: string; languages?: string[] } = {}) {
  const state = { [DARK_QUERY]: options.dark ?? false, [FORCED_COLORS_QUERY]: options.forced ?? false } as Record<string, boolean>;
  const listeners = new Map<string, Set<() => void>>();
  const win: BrowserWindowLike = {
    matchMedia: (q) => ({
      get matches() {
        return state[q] ?? false;
      },
      addEventListener: (_t, l) => {
        const set = listeners.get(q) ?? new Set();
        set.add(l);
        listeners.set(q, set);
      },
      removeEventListener: (_t, l) => listeners.get(q)?.delete(l),
    }),
    navigator: { languages: options.languages ?? ['ja-JP', 'en-US'] },
    location: { search: options.search ?? '' },
  };
  const set = (q: string, v: boolean): void => {
    state[q] = v;
    for (const l of listeners.get(q) ?? []) l();
  };
  return { win, set, listenerCount: () => [...listeners.values()].reduce((n, s) => n + s.size, 0) };
}

/** A JWT-shaped token (the page reads claims only; the service checks signatures). */
const b64url = (s: string): string => Buffer.from(s, 'utf8').toString('base64url');
const token = (claims: Record<string, unknown>): string => `${b64url('{"alg":"HS256"}')}.${b64url(JSON.stringify(claims))}.sig`;

function memoryStorage(initial: Record<string, string> = {}) {
  const m = new Map(Object.entries(initial));
  return { getItem: (k: string) => m.get(k) ?? null, setItem: (k: string, v: string) => void m.set(k, v), removeItem: (k: string) => void m.delete(k), map: m };
}

const NOW = Date.UTC(2026, 11, 1, 9, 0, 0);

describe('browserTheme', () => {
  it('follows prefers-color-scheme, and forced colors win', () => {
    expect(browserTheme(fakeWindow().win)).toBe('light');
    expect(browserTheme(fakeWindow({ dark: true }).win)).toBe('dark');
    expect(browserTheme(fakeWindow({ dark: true, forced: true }).win)).toBe('contrast');
  });
});

describe('browserLocale', () => {
  it('takes ?lang= first, then the browser language', () => {
    expect(browserLocale(fakeWindow({ search: '?lang=en' }).win)).toBe('en');
    expect(browserLocale(fakeWindow({ languages: ['en-GB'] }).win)).toBe('en-GB');
    expect(browserLocale(fakeWindow({ search: '?lang=<script>' }).win)).toBe('ja-JP');
  });
});

describe('createBrowserHost', () => {
  const session = { getToken: () => Promise.resolve('t'), user: () => ({ id: 'o', displayName: '鈴木 一郎', loginHint: 'suzuki@x', tenantId: 't' }), signIn: vi.fn(), signOut: vi.fn(), isSignedIn: () => true };

  it('reports theme changes once per change and unsubscribes', () => {
    const w = fakeWindow();
    const host = createBrowserHost({ window: w.win, session, frameContext: 'content' });
    const seen: string[] = [];
    const off = host.onThemeChange((t) => seen.push(t));
    w.set(DARK_QUERY, true);
    w.set(FORCED_COLORS_QUERY, true);
    w.set(DARK_QUERY, false); // still forced colors: no change
    w.set(FORCED_COLORS_QUERY, false);
    off();
    expect(w.listenerCount()).toBe(0);
    w.set(DARK_QUERY, true);
    expect(seen).toEqual(['dark', 'contrast', 'light']);
  });

  it('gives the signed-in user and the browser capabilities', () => {
    const host = createBrowserHost({ window: fakeWindow().win, session, frameContext: 'settings' });
    expect(host.capabilities).toEqual({ kind: 'browser', supportsNaa: false, configuresTabs: false, canSignOut: true });
    expect(host.context()).toMatchObject({ user: { displayName: '鈴木 一郎' }, frameContext: 'settings', locale: 'ja-JP', theme: 'light', channel: null });
    expect(host.tabConfig).toBeUndefined();
    expect(host.account).toBe(session);
  });
});

describe('readClaims', () => {
  it('reads UTF-8 names from a base64url payload and refuses what is not a token', () => {
    expect(readClaims(token({ exp: 10, name: '鈴木 一郎', upn: 'suzuki@x' }))).toEqual({ exp: 10, name: '鈴木 一郎', upn: 'suzuki@x' });
    expect(readClaims('nonsense')).toBeNull();
    expect(readClaims(`a.${b64url('{"name":"x"}')}.c`)).toBeNull();
  });
});

describe('createLocalSession', () => {
  const fresh = token({ exp: NOW / 1000 + 3600, name: '鈴木 一郎', upn: 'suzuki@soumu.localhost', oid: 'oid-4', tid: 'tid' });

  it('asks to sign in when there is no token, and sends the user to the sign-in page with a safe return path', async () => {
    const navigate = vi.fn();
    const s = createLocalSession({ storage: memoryStorage(), fetch: vi.fn(), navigate, now: () => NOW });
    await expect(s.getToken({ resource: 'graph' })).rejects.toBeInstanceOf(PermissionError);
    expect(s.isSignedIn()).toBe(false);
    s.signIn('/tab.html?fy=2023');
    s.signIn('//evil.example/');
    expect(navigate.mock.calls).toEqual([['/_local/signin?returnTo=%2Ftab.html%3Ffy%3D2023'], ['/_local/signin?returnTo=%2F']]);
  });

  it('hands out a valid token without a request, for Graph and SharePoint alike', async () => {
    const fetch = vi.fn();
    const s = createLocalSession({ storage: memoryStorage({ [LOCAL_TOKEN_KEY]: fresh }), fetch, navigate: vi.fn(), now: () => NOW });
    await expect(s.getToken({ resource: 'graph' })).resolves.toBe(fresh);
    await expect(s.getToken({ resource: 'sharepoint', origin: 'https://localhost:3000' })).resolves.toBe(fresh);
    expect(fetch).not.toHaveBeenCalled();
    expect(s.user()).toEqual({ id: 'oid-4', displayName: '鈴木 一郎', loginHint: 'suzuki@soumu.localhost', tenantId: 'tid' });
  });

  it('renews a token about to expire once, however many requests ask at the same time', async () => {
    const expiring = token({ exp: (NOW + RENEW_BEFORE_MS - 1000) / 1000, upn: 'suzuki@soumu.localhost' });
    const renewed = token({ exp: NOW / 1000 + 8 * 3600, upn: 'suzuki@soumu.localhost' });
    const storage = memoryStorage({ [LOCAL_TOKEN_KEY]: expiring, [LOCAL_USER_KEY]: 'suzuki@soumu.localhost' });
    const fetch = vi.fn(() => Promise.resolve(new Response(JSON.stringify({ access_token: renewed }), { status: 200 })));
    const s = createLocalSession({ storage, fetch, navigate: vi.fn(), now: () => NOW });
    const got = await Promise.all([s.getToken({ resource: 'graph' }), s.getToken({ resource: 'graph' })]);
    expect(got).toEqual([renewed, renewed]);
    expect(fetch).toHaveBeenCalledTimes(1);
    expect(fetch.mock.calls[0]).toEqual(['/_local/token', expect.objectContaining({ method: 'POST', body: JSON.stringify({ user: 'suzuki@soumu.localhost' }) })]);
    expect(storage.map.get(LOCAL_TOKEN_KEY)).toBe(renewed);
  });

  it('keeps using a still-valid token when renewal fails, and asks to sign in again once it expired', async () => {
    let now = NOW;
    const expiring = token({ exp: (NOW + 60_000) / 1000, upn: 'suzuki@soumu.localhost' });
    const fetch = vi.fn(() => Promise.resolve(new Response('{}', { status: 500 })));
    const s = createLocalSession({ storage: memoryStorage({ [LOCAL_TOKEN_KEY]: expiring }), fetch, navigate: vi.fn(), now: () => now });
    await expect(s.getToken({ resource: 'graph' })).resolves.toBe(expiring);
    now += 61_000;
    await expect(s.getToken({ resource: 'graph' })).rejects.toThrow(/expired/);
    expect(s.isSignedIn()).toBe(false);
  });

  it('forgets the token and the user on sign-out', () => {
    const storage = memoryStorage({ [LOCAL_TOKEN_KEY]: fresh, [LOCAL_USER_KEY]: 'suzuki' });
    const s = createLocalSession({ storage, fetch: vi.fn(), navigate: vi.fn(), now: () => NOW });
    s.signOut();
    expect([...storage.map.keys()]).toEqual([]);
  });
});
