// #13: Teams clients that do not recommend nested app auth fall back to Teams' authentication window with our sign-in
// page; its reply feeds the same in-memory session as the Office dialog. The fake SDK plays old and new clients.
import { describe, expect, it } from 'vitest';

import { createDialogSession } from '../../src/hosts/msal/dialog-session.js';
import { type DialogReply, parseDialogRequest, REPLY_KIND, runDialogSignIn } from '../../src/hosts/msal/dialog-signin.js';
import { chooseTeamsSignIn, type TeamsAuthSdk, teamsDialogOpener } from '../../src/hosts/teams/teams-signin.js';
import { fakeMsal, result, suzuki } from '../support/fake-msal.js';

const ok: DialogReply = { kind: REPLY_KIND, ok: true, account: suzuki, tokens: [{ resource: 'graph', accessToken: 'g', expiresOn: Date.now() + 3_600_000 }] };
const sdk = (naa: (() => boolean) | undefined, authenticate: (p: { url: string }) => Promise<string>): TeamsAuthSdk & { opened: string[] } => {
  const opened: string[] = [];
  return { opened, ...(naa ? { nestedAppAuth: { isNAAChannelRecommended: naa } } : {}), authentication: { authenticate: (p) => (opened.push(p.url), authenticate(p)) } };
};

describe('the Teams sign-in', () => {
  it('uses NAA only where the client recommends it; an old client or SDK falls back', () => {
    const never = (): Promise<string> => new Promise(() => {});
    expect(chooseTeamsSignIn(sdk(() => true, never))).toBe('naa');
    expect(chooseTeamsSignIn(sdk(() => false, never))).toBe('popup');
    expect(chooseTeamsSignIn(sdk(undefined, never))).toBe('popup');
    expect(
      chooseTeamsSignIn(
        sdk(() => {
          throw new Error('Not supported');
        }, never),
      ),
    ).toBe('popup');
  });

  it('signs in through authentication.authenticate with our page (host=teams) and serves the tokens', async () => {
    const teams = sdk(() => false, async () => JSON.stringify(ok));
    const s = createDialogSession({ openDialog: teamsDialogOpener(teams), dialogUrl: 'https://app.example/auth/dialog.html?host=teams', sharePointOrigins: [], loginHint: async () => 'suzuki@soumu.localhost' });
    s.signIn('/');
    await new Promise((r) => setTimeout(r, 0));
    const url = new URL(teams.opened[0] ?? '');
    expect([url.pathname, url.searchParams.get('host'), url.searchParams.get('resources'), url.searchParams.get('login_hint')]).toEqual(['/auth/dialog.html', 'teams', 'graph', 'suzuki@soumu.localhost']);
    await expect(s.getToken({ resource: 'graph' })).resolves.toBe('g');
    expect(s.user()?.displayName).toBe('鈴木 一郎');
  });

  it.each([
    ['CancelledByUser', 'dialog-closed'],
    ['FailedToOpenWindow', 'dialog-blocked'],
    [JSON.stringify({ kind: REPLY_KIND, ok: false, error: 'access_denied' }), 'declined'],
    ['something else', 'failed'],
  ])('a window ending with %s leaves the %s prompt', async (reason, problem) => {
    const s = createDialogSession({ openDialog: teamsDialogOpener(sdk(() => false, () => Promise.reject(new Error(reason)))), dialogUrl: 'https://app.example/auth/dialog.html?host=teams', sharePointOrigins: [] });
    s.signIn('/');
    await new Promise((r) => setTimeout(r, 0));
    expect(s.problem()).toBe(problem);
    expect(s.isSignedIn()).toBe(false);
  });

  it('the sign-in page answers Teams (not Office) when opened with host=teams, across the redirect', async () => {
    const storage = new Map<string, string>();
    const mem = { getItem: (k: string) => storage.get(k) ?? null, setItem: (k: string, v: string) => void storage.set(k, v), removeItem: (k: string) => void storage.delete(k) };
    const scopes = { graph: ['https://graph.microsoft.com/Sites.Selected'], sharePoint: [] };
    await runDialogSignIn({ msal: fakeMsal(), redirect: { result: null }, scopes, query: parseDialogRequest('?host=teams&resources=graph'), storage: mem, send: () => {} });
    const hosts: string[] = [];
    await runDialogSignIn({ msal: fakeMsal(), redirect: { result: result('t') }, scopes, query: null, storage: mem, send: (_r, host) => void hosts.push(host) });
    expect(hosts).toEqual(['teams']);
  });
});
