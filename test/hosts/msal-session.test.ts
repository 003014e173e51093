// #13: the MSAL seam. One TokenProvider for Graph and SharePoint REST; silent first; interaction only when MSAL says
// so; nested app auth asks with the host's login hint and uses a host popup only after the silent path failed.
import { describe, expect, it } from 'vitest';

import { PermissionError } from '../../src/core/errors.js';
import { CACHE_THEN_REFRESH_TOKEN, createBrowserMsalSession, createNestedMsalTokens, scopesFor } from '../../src/hosts/msal/msal-session.js';
import { fakeMsal, interaction, result, suzuki } from '../support/fake-msal.js';

const SCOPES = { graph: ['https://graph.microsoft.com/Sites.Selected'], sharePoint: ['Sites.Selected'] };
const absolute = (p: string): string => `https://app.example${p}`;

describe('scopes per resource', () => {
  it('asks Graph for the Graph scopes and SharePoint for its own origin', () => {
    expect(scopesFor({ resource: 'graph' }, SCOPES)).toEqual(['https://graph.microsoft.com/Sites.Selected']);
    expect(scopesFor({ resource: 'sharepoint', origin: 'https://contoso.sharepoint.com/' }, SCOPES)).toEqual(['https://contoso.sharepoint.com/Sites.Selected']);
  });
});

describe('the browser session (standard client)', () => {
  it('takes the account of a returning redirect and gets tokens silently, cache then refresh token (no iframe)', async () => {
    const msal = fakeMsal();
    const s = createBrowserMsalSession({ msal, scopes: SCOPES, redirect: { result: result('first') }, absolute });
    expect(s.isSignedIn()).toBe(true);
    expect(s.user()).toEqual({ id: suzuki.localAccountId, displayName: '鈴木 一郎', loginHint: 'suzuki@soumu.localhost', tenantId: 'tid' });
    expect(await s.getToken({ resource: 'graph' })).toBe('at:https://graph.microsoft.com/Sites.Selected');
    expect(await s.getToken({ resource: 'sharepoint', origin: 'https://contoso.sharepoint.com' })).toBe('at:https://contoso.sharepoint.com/Sites.Selected');
    expect(msal.calls.filter((c) => c.startsWith('silent'))).toEqual([
      `silent https://graph.microsoft.com/Sites.Selected policy=${CACHE_THEN_REFRESH_TOKEN}`,
      `silent https://contoso.sharepoint.com/Sites.Selected policy=${CACHE_THEN_REFRESH_TOKEN}`,
    ]);
    expect(msal.calls.filter((c) => /popup|loginRedirect/.test(c))).toEqual([]);
  });

  it('without an account: not signed in, a PermissionError, and signIn redirects with a same-origin return page', async () => {
    const msal = fakeMsal();
    const s = createBrowserMsalSession({ msal, scopes: SCOPES, redirect: { result: null }, absolute });
    expect(s.isSignedIn()).toBe(false);
    expect(s.problem()).toBeNull();
    await expect(s.getToken({ resource: 'graph' })).rejects.toBeInstanceOf(PermissionError);
    s.signIn('//evil.example/x');
    s.signIn('/tab.html?division=div-somu');
    expect(msal.calls.filter((c) => c.startsWith('loginRedirect'))).toEqual([
      'loginRedirect https://graph.microsoft.com/Sites.Selected select_account https://app.example/ -',
      'loginRedirect https://graph.microsoft.com/Sites.Selected select_account https://app.example/tab.html?division=div-somu -',
    ]);
  });

  it('uses the one cached account after a reload; several accounts wait for the user to pick', () => {
    expect(createBrowserMsalSession({ msal: fakeMsal({}, [suzuki]), scopes: SCOPES, redirect: { result: null }, absolute }).isSignedIn()).toBe(true);
    expect(createBrowserMsalSession({ msal: fakeMsal({}, [suzuki, { ...suzuki, homeAccountId: 'b' }]), scopes: SCOPES, redirect: { result: null }, absolute }).isSignedIn()).toBe(false);
  });

  it('a revoked or expired session (interaction required) becomes the expired prompt, never a retry loop', async () => {
    let silent = 0;
    const msal = fakeMsal({
      acquireTokenSilent: async () => {
        silent++;
        throw interaction('invalid_grant');
      },
    }, [suzuki]);
    const s = createBrowserMsalSession({ msal, scopes: SCOPES, redirect: { result: null }, absolute });
    await expect(s.getToken({ resource: 'graph' })).rejects.toThrow(/expired or was revoked/);
    expect(s.isSignedIn()).toBe(false);
    expect(s.problem()).toBe('expired');
    expect(s.user()).toBeNull();
    await expect(s.getToken({ resource: 'graph' })).rejects.toBeInstanceOf(PermissionError);
    expect(silent).toBe(1);
    s.signIn('/');
    expect(msal.calls.at(-1)).toBe('loginRedirect https://graph.microsoft.com/Sites.Selected select_account https://app.example/ suzuki@soumu.localhost');
  });

  it('a refused consent and a failed redirect are told apart', () => {
    const declined = createBrowserMsalSession({ msal: fakeMsal(), scopes: SCOPES, redirect: { error: Object.assign(new Error('x'), { errorCode: 'access_denied' }) }, absolute });
    expect(declined.problem()).toBe('declined');
    const failed = createBrowserMsalSession({ msal: fakeMsal(), scopes: SCOPES, redirect: { error: Object.assign(new Error('x'), { errorCode: 'invalid_request' }) }, absolute });
    expect(failed.problem()).toBe('failed');
  });

  it('a network failure is a PermissionError naming MSAL’s code, and keeps the session', async () => {
    const msal = fakeMsal({ acquireTokenSilent: async () => Promise.reject(Object.assign(new Error('x'), { errorCode: 'no_network_connectivity' })) }, [suzuki]);
    const s = createBrowserMsalSession({ msal, scopes: SCOPES, redirect: { result: null }, absolute });
    await expect(s.getToken({ resource: 'graph' })).rejects.toThrow('no_network_connectivity');
    expect(s.isSignedIn()).toBe(true);
  });

  it('sign-out forgets the account', () => {
    const msal = fakeMsal();
    const s = createBrowserMsalSession({ msal, scopes: SCOPES, redirect: { result: result('x') }, absolute });
    s.signOut();
    expect(s.isSignedIn()).toBe(false);
    expect(msal.calls).toContain('clearCache');
  });
});

describe('the browser session in a frame (popup to the redirect bridge)', () => {
  const BRIDGE = 'https://app.example/auth/redirect.html';
  it('signs in through a popup returning to the bridge, then hands over to the page (reload)', async () => {
    const msal = fakeMsal();
    let reloaded = 0;
    const s = createBrowserMsalSession({ msal, scopes: SCOPES, redirect: { result: null }, absolute, interaction: 'popup', popupRedirectUri: BRIDGE, afterPopup: () => void reloaded++ });
    const popups: unknown[] = [];
    msal.acquireTokenPopup = async (r) => (popups.push(r), result('p'));
    s.signIn('/tab.html');
    await new Promise((r) => setTimeout(r, 0));
    expect(popups).toEqual([{ scopes: SCOPES.graph, prompt: 'select_account', redirectUri: BRIDGE }]);
    expect(msal.calls.some((c) => c.startsWith('loginRedirect'))).toBe(false);
    expect(msal.active).toEqual(suzuki);
    expect(reloaded).toBe(1);
  });

  it.each([
    ['user_cancelled', 'dialog-closed'],
    ['popup_window_error', 'dialog-blocked'],
    ['access_denied', 'declined'],
    ['server_error', 'failed'],
  ])('a popup ending in %s leaves the %s prompt and tells subscribers (no reload)', async (code, problem) => {
    const msal = fakeMsal({ acquireTokenPopup: () => Promise.reject(Object.assign(new Error('x'), { errorCode: code })) });
    let reloaded = 0;
    const s = createBrowserMsalSession({ msal, scopes: SCOPES, redirect: { result: null }, absolute, interaction: 'popup', popupRedirectUri: BRIDGE, afterPopup: () => void reloaded++ });
    let heard = 0;
    s.subscribe?.(() => void heard++);
    s.signIn('/');
    await new Promise((r) => setTimeout(r, 0));
    expect([s.problem(), s.problemDetail?.(), heard, reloaded]).toEqual([problem, code, 1, 0]);
  });
});

describe('nested app authentication (Teams, Office)', () => {
  it('first token: ssoSilent with the host’s login hint, then silent with the account it found', async () => {
    const msal = fakeMsal();
    const p = createNestedMsalTokens({ msal, scopes: SCOPES, loginHint: () => 'suzuki@soumu.localhost' });
    expect(await p.getToken({ resource: 'graph' })).toBe('sso');
    expect(await p.getToken({ resource: 'sharepoint', origin: 'https://contoso.sharepoint.com' })).toBe('at:https://contoso.sharepoint.com/Sites.Selected');
    expect(msal.calls).toEqual(['ssoSilent suzuki@soumu.localhost', 'setActive suzuki@soumu.localhost', 'silent https://contoso.sharepoint.com/Sites.Selected policy=-']);
  });

  it('a popup only when the silent path needs interaction; any other failure is reported, no popup', async () => {
    const needs = fakeMsal({ ssoSilent: async () => Promise.reject(interaction('consent_required')) });
    expect(await createNestedMsalTokens({ msal: needs, scopes: SCOPES, loginHint: () => 'suzuki@soumu.localhost' }).getToken({ resource: 'graph' })).toBe('popup');
    expect(needs.calls).toContain('popup suzuki@soumu.localhost');
    const broken = fakeMsal({ ssoSilent: async () => Promise.reject(Object.assign(new Error('x'), { errorCode: 'timed_out' })) });
    await expect(createNestedMsalTokens({ msal: broken, scopes: SCOPES, loginHint: () => null }).getToken({ resource: 'graph' })).rejects.toThrow('timed_out');
    expect(broken.calls.some((c) => c.startsWith('popup'))).toBe(false);
  });

  it('a popup the user closes is a PermissionError the UI can show', async () => {
    const msal = fakeMsal({
      ssoSilent: async () => Promise.reject(interaction()),
      acquireTokenPopup: async () => Promise.reject(Object.assign(new Error('x'), { errorCode: 'user_cancelled' })),
    });
    await expect(createNestedMsalTokens({ msal, scopes: SCOPES, loginHint: () => null }).getToken({ resource: 'graph' })).rejects.toThrow(/user_cancelled/);
  });
});
