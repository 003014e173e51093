// #13: the task pane's sign-in where nested app auth is not available. The Office dialog seam (errors, the sender's
// origin, one reply), the in-memory session (expiry → prompt), the dialog page's flow (silent, redirect, errors,
// sign-out) and the choice between NAA, the dialog and the local sign-in.
import { describe, expect, it } from 'vitest';

import { chooseTaskpaneSignIn, officeLoginHint } from '../../src/hosts/excel/excel-signin.js';
import type { OfficeApi } from '../../src/hosts/excel/excel-host.js';
import { DIALOG_EVENT_RECEIVED, DIALOG_MESSAGE_RECEIVED, openSignInDialog, type OfficeDialogUi } from '../../src/hosts/excel/office-dialog.js';
import { createDialogSession, DialogSignInError } from '../../src/hosts/msal/dialog-session.js';
import { DIALOG_REQUEST_KEY, type DialogReply, parseDialogReply, parseDialogRequest, REPLY_KIND, runDialogSignIn } from '../../src/hosts/msal/dialog-signin.js';
import type { AuthSettings } from '../../src/hosts/msal/load-msal.js';
import { CACHE_THEN_REFRESH_TOKEN } from '../../src/hosts/msal/msal-session.js';
import { fakeMsal, interaction, result, suzuki } from '../support/fake-msal.js';

const ORIGIN = 'https://app.example';
type Handler = (arg: { message?: string; origin?: string; error?: number }) => void;

/** A fake Office dialog API: records what was opened; the test plays the dialog's messages and events. */
function fakeUi(open: { fail?: number } = {}) {
  const opened: string[] = [];
  const handlers: Record<string, Handler[]> = {};
  let closed = 0;
  const ui: OfficeDialogUi = {
    displayDialogAsync(url, _options, callback) {
      opened.push(url);
      if (open.fail) return callback({ status: 'failed', error: { code: open.fail } });
      callback({ status: 'succeeded', value: { addEventHandler: (type, h) => void (handlers[type] ??= []).push(h), close: () => void closed++ } });
    },
  };
  const emit = (type: string, arg: Parameters<Handler>[0]): void => handlers[type]?.forEach((h) => h(arg));
  return { ui, opened, emit, closed: () => closed };
}

const ok = (expiresOn: number): DialogReply => ({
  kind: REPLY_KIND,
  ok: true,
  account: suzuki,
  tokens: [
    { resource: 'graph', accessToken: 'g1', expiresOn },
    { resource: 'sharepoint', origin: 'https://contoso.sharepoint.com', accessToken: 's1', expiresOn },
  ],
});
const tick = (): Promise<void> => new Promise((r) => setTimeout(r, 0));

describe('openSignInDialog', () => {
  it.each([
    [12004, 'dialog-failed'],
    [12005, 'dialog-failed'],
    [12007, 'dialog-open'],
    [12009, 'dialog-blocked'],
    [12011, 'dialog-blocked'],
  ])('turns displayDialogAsync error %i into a sign-in problem (%s) naming the code', async (code, problem) => {
    const f = fakeUi({ fail: code });
    const e = await openSignInDialog(f.ui, `${ORIGIN}/auth/dialog.html`, ORIGIN).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(DialogSignInError);
    expect(e).toMatchObject({ officeCode: code, problem });
    expect((e as Error).message).toContain(String(code));
  });

  it('ignores messages from another origin and messages that are not a reply; closes the dialog on the reply', async () => {
    const f = fakeUi();
    const reply = openSignInDialog(f.ui, `${ORIGIN}/auth/dialog.html`, ORIGIN);
    f.emit(DIALOG_MESSAGE_RECEIVED, { message: JSON.stringify(ok(1)), origin: 'https://evil.example' });
    f.emit(DIALOG_MESSAGE_RECEIVED, { message: 'not json', origin: ORIGIN });
    f.emit(DIALOG_MESSAGE_RECEIVED, { message: JSON.stringify({ kind: 'other', ok: true }), origin: ORIGIN });
    expect(f.closed()).toBe(0);
    f.emit(DIALOG_MESSAGE_RECEIVED, { message: JSON.stringify(ok(5)), origin: ORIGIN });
    await expect(reply).resolves.toMatchObject({ ok: true, tokens: [{ accessToken: 'g1', expiresOn: 5 }, { accessToken: 's1' }] });
    expect(f.closed()).toBe(1);
  });

  it.each([
    [12006, 'dialog-closed'],
    [12002, 'dialog-failed'],
    [12003, 'dialog-failed'],
  ])('rejects on dialog event %i (%s)', async (code, problem) => {
    const f = fakeUi();
    const reply = openSignInDialog(f.ui, `${ORIGIN}/auth/dialog.html`, ORIGIN);
    f.emit(DIALOG_EVENT_RECEIVED, { error: code });
    await expect(reply).rejects.toMatchObject({ officeCode: code, problem });
  });
});

describe('the dialog session (tokens in memory)', () => {
  const make = (now: { t: number }, f = fakeUi()) => ({
    f,
    s: createDialogSession({ openDialog: (url) => openSignInDialog(f.ui, url, ORIGIN), dialogUrl: `${ORIGIN}/auth/dialog.html`, sharePointOrigins: ['https://contoso.sharepoint.com'], loginHint: async () => 'suzuki@soumu.localhost', now: () => now.t, renewBeforeMs: 60_000 }),
  });

  it('asks the dialog for Graph and the site origin with the login hint, then serves both tokens until near expiry', async () => {
    const now = { t: 1_000_000 };
    const { f, s } = make(now);
    const changes: string[] = [];
    s.subscribe(() => changes.push(s.isSignedIn() ? 'in' : 'out'));
    await expect(s.getToken({ resource: 'graph' })).rejects.toThrow('Not signed in');
    s.signIn('/taskpane.html');
    await tick();
    const url = new URL(f.opened[0] ?? '');
    expect(url.pathname).toBe('/auth/dialog.html');
    expect(url.searchParams.get('resources')).toBe('graph https://contoso.sharepoint.com');
    expect(url.searchParams.get('login_hint')).toBe('suzuki@soumu.localhost');
    f.emit(DIALOG_MESSAGE_RECEIVED, { message: JSON.stringify(ok(now.t + 3_600_000)), origin: ORIGIN });
    await tick();
    expect(changes).toEqual(['in']);
    expect(s.user()).toMatchObject({ displayName: '鈴木 一郎', loginHint: 'suzuki@soumu.localhost' });
    await expect(s.getToken({ resource: 'graph' })).resolves.toBe('g1');
    await expect(s.getToken({ resource: 'sharepoint', origin: 'https://contoso.sharepoint.com/' })).resolves.toBe('s1');
    await expect(s.getToken({ resource: 'sharepoint', origin: 'https://other.sharepoint.com' })).rejects.toThrow('No token for sharepoint https://other.sharepoint.com');
    // Within the renewal margin: no request leaves with it; the prompt says the session expired.
    now.t += 3_600_000 - 30_000;
    await expect(s.getToken({ resource: 'graph' })).rejects.toThrow('expired');
    expect(s.problem()).toBe('expired');
    expect(s.isSignedIn()).toBe(false);
    expect(changes).toEqual(['in', 'out']);
  });

  it('a refused consent, a closed dialog and a blocked one each leave a specific problem and the code', async () => {
    const now = { t: 0 };
    const { f, s } = make(now);
    s.signIn('/');
    await tick();
    f.emit(DIALOG_MESSAGE_RECEIVED, { message: JSON.stringify({ kind: REPLY_KIND, ok: false, error: 'access_denied' }), origin: ORIGIN });
    await tick();
    expect([s.problem(), s.problemDetail()]).toEqual(['declined', 'access_denied']);
    s.signIn('/');
    await tick();
    f.emit(DIALOG_EVENT_RECEIVED, { error: 12006 });
    await tick();
    expect(s.problem()).toBe('dialog-closed');
    const blocked = make(now, fakeUi({ fail: 12009 })).s;
    blocked.signIn('/');
    await tick();
    expect(blocked.problem()).toBe('dialog-blocked');
    expect(blocked.problemDetail()).toContain('12009');
  });
});

describe('the dialog page (auth/dialog.html)', () => {
  const SCOPES = { graph: ['https://graph.microsoft.com/Sites.Selected'], sharePoint: ['Sites.Selected'] };
  const memory = () => {
    const m = new Map<string, string>();
    return { m, getItem: (k: string) => m.get(k) ?? null, setItem: (k: string, v: string) => void m.set(k, v), removeItem: (k: string) => void m.delete(k) };
  };
  const request = parseDialogRequest('?resources=graph+https%3A%2F%2Fcontoso.sharepoint.com&login_hint=suzuki%40soumu.localhost');

  it('reads the request; refuses resources that are not Graph or an https origin', () => {
    expect(request).toEqual({ signOut: false, resources: [{ resource: 'graph' }, { resource: 'sharepoint', origin: 'https://contoso.sharepoint.com' }], loginHint: 'suzuki@soumu.localhost' });
    expect(parseDialogRequest('?resources=javascript:alert(1)')).toBeNull();
    expect(parseDialogRequest('?code=abc&state=x')).toBeNull();
    expect(parseDialogRequest('?signout=1')).toMatchObject({ signOut: true });
  });

  it('first load without an account: keeps the request and goes to the authority with the hint', async () => {
    const msal = fakeMsal();
    const storage = memory();
    const sent: DialogReply[] = [];
    await expect(runDialogSignIn({ msal, redirect: { result: null }, scopes: SCOPES, query: request, storage, send: (r) => void sent.push(r) })).resolves.toBe('redirecting');
    expect(msal.calls).toEqual(['loginRedirect https://graph.microsoft.com/Sites.Selected select_account  suzuki@soumu.localhost']);
    expect(JSON.parse(storage.getItem(DIALOG_REQUEST_KEY) ?? '')).toEqual(request);
    expect(sent).toEqual([]);
  });

  it('back from the authority: a token per resource (cache, then refresh token), one reply, the request forgotten', async () => {
    const msal = fakeMsal();
    const storage = memory();
    storage.setItem(DIALOG_REQUEST_KEY, JSON.stringify(request));
    const sent: DialogReply[] = [];
    await runDialogSignIn({ msal, redirect: { result: result('first') }, scopes: SCOPES, query: null, storage, send: (r) => void sent.push(r) });
    expect(msal.calls).toEqual([
      'setActive suzuki@soumu.localhost',
      `silent https://graph.microsoft.com/Sites.Selected policy=${CACHE_THEN_REFRESH_TOKEN}`,
      `silent https://contoso.sharepoint.com/Sites.Selected policy=${CACHE_THEN_REFRESH_TOKEN}`,
    ]);
    expect(sent).toHaveLength(1);
    const reply = parseDialogReply(JSON.stringify(sent[0]));
    expect(reply).toMatchObject({ ok: true, account: { username: 'suzuki@soumu.localhost' }, tokens: [{ resource: 'graph', accessToken: 'at:https://graph.microsoft.com/Sites.Selected' }, { resource: 'sharepoint', origin: 'https://contoso.sharepoint.com' }] });
    expect(storage.m.size).toBe(0);
  });

  it('a cached account of the hinted user signs in silently; one that needs interaction goes to the authority once', async () => {
    const silent = fakeMsal({}, [suzuki]);
    const sent: DialogReply[] = [];
    await runDialogSignIn({ msal: silent, redirect: { result: null }, scopes: SCOPES, query: request, storage: memory(), send: (r) => void sent.push(r) });
    expect(sent[0]).toMatchObject({ ok: true });
    expect(silent.calls.some((c) => c.startsWith('loginRedirect'))).toBe(false);

    const expired = fakeMsal({ acquireTokenSilent: () => Promise.reject(interaction()) }, [suzuki]);
    await expect(runDialogSignIn({ msal: expired, redirect: { result: null }, scopes: SCOPES, query: request, storage: memory(), send: () => {} })).resolves.toBe('redirecting');
    // Right after the authority's page the same failure is reported, not looped.
    const again: DialogReply[] = [];
    const s = memory();
    s.setItem(DIALOG_REQUEST_KEY, JSON.stringify(request));
    await runDialogSignIn({ msal: expired, redirect: { result: result('x') }, scopes: SCOPES, query: null, storage: s, send: (r) => void again.push(r) });
    expect(again).toEqual([{ kind: REPLY_KIND, ok: false, error: 'invalid_grant' }]);
  });

  it('a refused consent and sign-out reply at once', async () => {
    const sent: DialogReply[] = [];
    const s = memory();
    s.setItem(DIALOG_REQUEST_KEY, JSON.stringify(request));
    await runDialogSignIn({ msal: fakeMsal(), redirect: { error: { errorCode: 'access_denied' } }, scopes: SCOPES, query: null, storage: s, send: (r) => void sent.push(r) });
    const msal = fakeMsal({}, [suzuki]);
    await runDialogSignIn({ msal, redirect: { result: null }, scopes: SCOPES, query: parseDialogRequest('?signout=1'), storage: memory(), send: (r) => void sent.push(r) });
    expect(sent).toEqual([
      { kind: REPLY_KIND, ok: false, error: 'access_denied' },
      { kind: REPLY_KIND, ok: true, signedOut: true },
    ]);
    expect(msal.calls).toEqual(['setActive null', 'clearCache']);
  });
});

describe('which sign-in the task pane uses inside Excel', () => {
  const office = (naa: boolean, ui = true, upn = 'suzuki@contoso.example'): OfficeApi => ({
    onReady: async () => ({ host: 'Excel', platform: 'OfficeOnline' }),
    context: { requirements: { isSetSupported: (name, v) => (name === 'NestedAppAuth' ? naa && v === '1.1' : name === 'DialogApi' ? ui : true) }, ...(ui ? { ui: fakeUi().ui } : {}) },
    auth: { getAuthContext: async () => ({ userPrincipalName: upn }) },
  });
  const tenant: AuthSettings = { clientId: 'c', authority: 'https://login.microsoftonline.com/t', knownAuthorities: [], authorityMetadata: null, cloudDiscoveryMetadata: null, graphScopes: ['x'], sharePointScopes: [] };
  const local: AuthSettings = { ...tenant, authority: 'https://localhost:3000/t', knownAuthorities: ['localhost:3000'] };

  it('NAA on a tenant where Office supports it; the dialog where it does not, and for the local authority', () => {
    expect(chooseTaskpaneSignIn(office(true), tenant, false)).toBe('naa');
    expect(chooseTaskpaneSignIn(office(false), tenant, false)).toBe('dialog');
    expect(chooseTaskpaneSignIn(office(true), local, false)).toBe('dialog');
    expect(chooseTaskpaneSignIn(office(false, false), tenant, false)).toBe('local');
    expect(chooseTaskpaneSignIn(office(true), null, false)).toBe('local');
    expect(chooseTaskpaneSignIn(office(true), tenant, true)).toBe('local');
  });

  it('takes the login hint from Office.auth.getAuthContext only where NestedAppAuth 1.1 is supported', async () => {
    expect(await officeLoginHint(office(true))).toBe('suzuki@contoso.example');
    expect(await officeLoginHint(office(false))).toBeNull();
    const failing = { ...office(true), auth: { getAuthContext: () => Promise.reject(new Error('no account')) } };
    expect(await officeLoginHint(failing)).toBeNull();
  });
});
