/**
 * Creates MSAL from the deployment's sign-in settings (#13). `@azure/msal-browser` is imported here only, with a
 * dynamic `import()`, so it is its own chunk (the tab's first paint does not carry it). The configuration differs
 * between the embedded default and a tenant only by values: the authority, `knownAuthorities` (the local origin is not
 * one of Microsoft's clouds) and the metadata MSAL would otherwise download (`authorityMetadata`,
 * `cloudDiscoveryMetadata`), supplied so that no request leaves the machine.
 */
import type { MsalClient, MsalResult } from './msal-session.js';

/** AppConfig.auth: the app registration and the scopes the product asks for. */
export interface AuthSettings {
  clientId: string;
  /** `https://login.microsoftonline.com/<tenant id>` on a tenant; `https://localhost:PORT/<tenant id>` locally. */
  authority: string;
  /** Hosts MSAL may trust without instance discovery (the local origin's host; empty on Microsoft's clouds). */
  knownAuthorities: string[];
  /** The authority's openid-configuration as a JSON string (skips the discovery request). */
  authorityMetadata: string | null;
  /** Entra's instance-discovery answer as a JSON string (skips the instance-discovery request). */
  cloudDiscoveryMetadata: string | null;
  /** Graph scopes (full URIs). */
  graphScopes: string[];
  /** Permission names asked of the SharePoint origin (`Sites.Selected`). */
  sharePointScopes: string[];
}

export interface LoadedMsal {
  msal: MsalClient;
  /** Present for a standard client: the result (or error) of a redirect that returned to this page. */
  redirect?: { result: MsalResult | null } | { error: unknown };
}

// MSAL's and our account types differ only in optional fields MSAL adds: the adapter narrows them.
type Pca = Awaited<ReturnType<typeof import('@azure/msal-browser')['createStandardPublicClientApplication']>>;
const adapt = (pca: Pca): MsalClient => pca as unknown as MsalClient;

function configuration(s: AuthSettings, redirectUri: string, cacheLocation: 'sessionStorage' | 'localStorage' = 'sessionStorage'): import('@azure/msal-browser').Configuration {
  return {
    auth: {
      clientId: s.clientId,
      authority: s.authority,
      knownAuthorities: s.knownAuthorities,
      ...(s.authorityMetadata ? { authorityMetadata: s.authorityMetadata } : {}),
      ...(s.cloudDiscoveryMetadata ? { cloudDiscoveryMetadata: s.cloudDiscoveryMetadata } : {}),
      redirectUri,
      postLogoutRedirectUri: redirectUri,
    },
    // sessionStorage: the session ends with the tab, nothing is left on a shared machine (the sign-in dialog alone
    // keeps localStorage, so that the next dialog signs in silently; its sign-out clears it).
    cache: { cacheLocation },
  };
}

/** A standard client for a plain browser (or the sign-in dialog, `localStorage`); processes a redirect that returned to this page. */
export async function loadBrowserMsal(s: AuthSettings, redirectUri: string, cacheLocation: 'sessionStorage' | 'localStorage' = 'sessionStorage'): Promise<LoadedMsal> {
  const m = await import(/* webpackChunkName: "msal" */ '@azure/msal-browser');
  const pca = await m.createStandardPublicClientApplication(configuration(s, redirectUri, cacheLocation));
  let redirect: LoadedMsal['redirect'];
  try {
    redirect = { result: (await pca.handleRedirectPromise()) as unknown as MsalResult | null };
  } catch (error) {
    redirect = { error };
  }
  return { msal: adapt(pca), redirect };
}

/**
 * A nested-app-auth client, made after the host is initialised (teams-js `app.initialize` / `Office.onReady`): MSAL
 * falls back to a standard client by itself when the host offers no bridge.
 */
export async function loadNestedMsal(s: AuthSettings, redirectUri: string): Promise<LoadedMsal> {
  const m = await import(/* webpackChunkName: "msal" */ '@azure/msal-browser');
  const pca = await m.createNestablePublicClientApplication(configuration(s, redirectUri));
  return { msal: adapt(pca) };
}
