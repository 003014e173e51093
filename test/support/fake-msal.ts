/** A fake MSAL client (the part of IPublicClientApplication src/hosts/msal uses) for the sign-in seams' tests (#13). */
import type { MsalAccount, MsalClient, MsalResult } from '../../src/hosts/msal/msal-session.js';

export const suzuki: MsalAccount = { homeAccountId: 'oid.tid', localAccountId: '5d0a0000-0000-4000-8000-000000000004', tenantId: 'tid', username: 'suzuki@soumu.localhost', name: '鈴木 一郎' };
export const result = (token: string, account: MsalAccount | null = suzuki): MsalResult => ({ accessToken: token, account, expiresOn: null });
export const interaction = (code = 'invalid_grant'): Error => Object.assign(new Error('https://aka.ms/x'), { name: 'InteractionRequiredAuthError', errorCode: code });

/** A fake MSAL client recording calls; each method's behaviour can be replaced. */
export type FakeMsal = MsalClient & { calls: string[]; active: MsalAccount | null };
export function fakeMsal(over: Partial<MsalClient> = {}, accounts: MsalAccount[] = []): FakeMsal {
  const f: FakeMsal = {
    calls: [] as string[],
    active: null as MsalAccount | null,
    getActiveAccount: (): MsalAccount | null => f.active,
    setActiveAccount: (a: MsalAccount | null) => {
      f.calls.push(`setActive ${a?.username ?? 'null'}`);
      f.active = a;
    },
    getAllAccounts: () => accounts,
    acquireTokenSilent: async (r: { scopes: string[]; cacheLookupPolicy?: number }) => {
      f.calls.push(`silent ${r.scopes.join(' ')} policy=${r.cacheLookupPolicy ?? '-'}`);
      return result(`at:${r.scopes[0] ?? ''}`);
    },
    ssoSilent: async (r: { scopes: string[]; loginHint?: string }) => {
      f.calls.push(`ssoSilent ${r.loginHint ?? '-'}`);
      return result('sso');
    },
    acquireTokenPopup: async (r: { scopes: string[]; loginHint?: string }) => {
      f.calls.push(`popup ${r.loginHint ?? '-'}`);
      return result('popup');
    },
    loginRedirect: async (r: { scopes: string[]; loginHint?: string; prompt?: string; redirectStartPage?: string }) => {
      f.calls.push(`loginRedirect ${r.scopes.join(' ')} ${r.prompt ?? ''} ${r.redirectStartPage ?? ''} ${r.loginHint ?? '-'}`);
    },
    clearCache: async () => {
      f.calls.push('clearCache');
    },
    ...over,
  };
  return f;
}

