/**
 * Composition root of the browser pages (style guide 11.2): reads the app configuration, picks the host (Teams when
 * the page runs inside it, else the plain browser with the local sign-in), builds the data port and renders a view.
 * The only place that picks concrete adapters; the Graph code loads lazily after the first paint.
 */
import { createDOMRenderer, RendererProvider } from '@fluentui/react-components';
import { StrictMode, type ReactNode } from 'react';
import { createRoot } from 'react-dom/client';

import type { TokenProvider, TokenRequest } from '../../core/ports.js';
import { createBrowserHost } from '../../hosts/browser/browser-host.js';
import { createLocalSession } from '../../hosts/browser/local-session.js';
import type { AccountControl, FrameContext, HostBridge } from '../../hosts/host-bridge.js';
import { type AuthSettings, loadBrowserMsal, loadNestedMsal } from '../../hosts/msal/load-msal.js';
import { createBrowserMsalSession, createNestedMsalTokens, type MsalSession } from '../../hosts/msal/msal-session.js';
import { connectTeamsHost, type TeamsSdk } from '../../hosts/teams/teams-host.js';
import { chooseTeamsSignIn, type TeamsAuthSdk, teamsDialogOpener } from '../../hosts/teams/teams-signin.js';
import { createDialogSession, type DialogSession } from '../../hosts/msal/dialog-session.js';
import { switchableSession } from './switchable-session.js';
import type { SyncRows } from '../../core/sync/workbook-sync.js';
import type { AppConfig, BrowserDrafts, FollowUpData, Services, SiteInfo } from '../../ui/app/services.js';
import { ServicesProvider } from '../../ui/app/ServicesProvider.js';
import { loadAppConfig } from './app-config.js';

/** The data port, its Graph implementation fetched on first use (keeps the first paint's JavaScript small). */
function lazyData(config: AppConfig, host: HostBridge): FollowUpData {
  let data: Promise<FollowUpData> | undefined;
  const get = (): Promise<FollowUpData> =>
    (data ??= import(/* webpackChunkName: "graph" */ './graph-data.js').then((m) => m.createGraphData(config, { getToken: (r: TokenRequest) => host.getToken(r) }, () => host.context().user?.displayName ?? null)));
  const rateLimitListeners = new Set<Parameters<FollowUpData['onRateLimit']>[0]>();
  let forwarding = false;
  return {
    loadSite: async (...a) => (await get()).loadSite(...a),
    listCycles: async (...a) => (await get()).listCycles(...a),
    openRows: async (...a) => (await get()).openRows(...a),
    store: async (...a) => (await get()).store(...a),
    admin: async (...a) => (await get()).admin(...a),
    reports: async (...a) => (await get()).reports(...a),
    guidance: async (...a) => (await get()).guidance(...a),
    reminders: async (...a) => {
      const d = await get();
      return d.reminders ? d.reminders(...a) : [];
    },
    remind: async (...a) => {
      const d = await get();
      if (!d.remind) throw new Error('Reminders are not available on this site.');
      return d.remind(...a);
    },
    review: async (...a) => (await get()).review(...a),
    onRateLimit(listener) {
      rateLimitListeners.add(listener);
      if (!forwarding) {
        forwarding = true;
        void get().then((d) => d.onRateLimit((info) => rateLimitListeners.forEach((l) => l(info))));
      }
      return () => rateLimitListeners.delete(listener);
    },
  };
}

/** The IndexedDB drafts (idb, and zod to check what is read back), fetched on first use, not for the first paint. */
function lazyDrafts(): BrowserDrafts {
  let store: Promise<BrowserDrafts> | undefined;
  const get = (): Promise<BrowserDrafts> => (store ??= import(/* webpackChunkName: "drafts" */ '../../hosts/browser/idb-draft-store.js').then((m) => m.createIdbDraftStore()));
  return {
    load: async (...a) => (await get()).load(...a),
    save: async (...a) => (await get()).save(...a),
    clear: async (...a) => (await get()).clear(...a),
    keys: async (...a) => (await get()).keys(...a),
    clearAll: async () => (await get()).clearAll(),
    countRows: async (...a) => (await get()).countRows(...a),
  };
}

/** Which surface the page is: the Teams tab's pages, or the Excel task pane (#11). */
export type Surface = 'tab' | 'taskpane';

/**
 * sessionStorage, or a page-lifetime stand-in where reading it throws: a third-party frame with storage blocked (the
 * task pane in Excel on the web under a hardening policy, #11/#13). The pane then signs in through the Office dialog.
 */
function sessionStorageOrMemory(win: Window): Pick<Storage, 'getItem' | 'setItem' | 'removeItem'> {
  try {
    const s = win.sessionStorage;
    s.getItem('followup.probe');
    return s;
  } catch {
    // Blocked third-party storage: keep the local session for this page load only.
    const m = new Map<string, string>();
    return { getItem: (k) => m.get(k) ?? null, setItem: (k, v) => void m.set(k, v), removeItem: (k) => void m.delete(k) };
  }
}

/** The host with an account chosen after it connected (the Teams fallback sign-in, #13). */
function withAccount(h: HostBridge, account: () => AccountControl | undefined): HostBridge {
  return {
    get capabilities() {
      return h.capabilities;
    },
    get tabConfig() {
      return h.tabConfig;
    },
    get account() {
      return account();
    },
    context: () => h.context(),
    onThemeChange: (l) => h.onThemeChange(l),
    getToken: (r) => h.getToken(r),
  };
}

async function compose(frameContext: FrameContext, surface: Surface): Promise<Services> {
  const config = await loadAppConfig((u) => fetch(u, { credentials: 'same-origin' }), window.location.href);
  const local = createLocalSession({ storage: sessionStorageOrMemory(window), fetch: (u, i) => fetch(u, i), navigate: (u) => window.location.assign(u) });
  const auth = config.auth ?? null;
  // MSAL's redirect URI: the folder the pages are served from (registered as an SPA redirect URI, docs/deploy.md).
  const redirectUri = new URL('.', window.location.href).toString();
  // Nested app auth is created after teams-js initialised (the documented order); until then nothing asks for tokens.
  let nested: TokenProvider | null = null;
  if (surface === 'taskpane') {
    // office.js only where Office may be (detected at once); a plain browser gets the page without it. The Excel host
    // is its own chunk: the tab's pages never load it.
    const [{ connectExcelHost }, { loadOfficeJs }, signin] = await Promise.all([
      import(/* webpackChunkName: "excel-host" */ '../../hosts/excel/excel-host.js'),
      import(/* webpackChunkName: "excel-host" */ './office-js.js'),
      import(/* webpackChunkName: "excel-host" */ './taskpane-signin.js'),
    ]);
    // The session is chosen once Office answered (Office.onReady first, #13); until then it is the local one.
    const session = switchableSession(local);
    const excel = await connectExcelHost({ loadOffice: () => loadOfficeJs(window), window, tokens: session, account: session });
    if (excel) session.use(await signin.taskpaneSession({ office: excel.office, auth, local, config, redirectUri, window }));
    const host = excel?.host ?? createBrowserHost({ window, session: local, frameContext });
    const data = lazyData(config, host);
    // The follow-up store is the sync's SyncRows (open by scope, saveChanges).
    return { host, config, data, drafts: lazyDrafts(), ...(excel ? { workbook: { workbook: excel.workbook, rows: (site: SiteInfo): Promise<SyncRows> => data.store(site), structure: (site: SiteInfo) => data.admin(site) } } : {}) };
  }
  // Inside Teams the sign-in is chosen after app.initialize (#13): NAA where the client recommends it (Teams holds the
  // session: no prompt or sign-out of ours), else Teams' authentication window with our sign-in page (older clients).
  let fallback: DialogSession | null = null;
  let sdk: (TeamsSdk & TeamsAuthSdk) | undefined;
  const connected = await connectTeamsHost({
    loadSdk: async () => (sdk = (await import(/* webpackChunkName: "teams-js" */ '@microsoft/teams-js')) as unknown as TeamsSdk & TeamsAuthSdk),
    window,
    tokens: { getToken: (r) => (nested ?? fallback ?? local).getToken(r) },
    ...(auth ? {} : { account: local }),
  });
  const teams = connected && auth ? withAccount(connected, () => fallback ?? undefined) : connected;
  if (teams && auth && sdk) {
    const scopes = { graph: auth.graphScopes, sharePoint: auth.sharePointScopes };
    if (chooseTeamsSignIn(sdk) === 'naa') {
      const { msal } = await loadNestedMsal(auth, redirectUri);
      nested = createNestedMsalTokens({ msal, scopes, loginHint: () => teams.context().user?.loginHint ?? null });
    } else {
      const site = config.defaultSite ?? teams.context().sharePointSite?.url ?? null;
      const dialogUrl = new URL('auth/dialog.html?host=teams', redirectUri).toString();
      fallback = createDialogSession({ openDialog: teamsDialogOpener(sdk), dialogUrl, sharePointOrigins: site && auth.sharePointScopes.length > 0 ? [new URL(site).origin] : [], loginHint: async () => teams.context().user?.loginHint ?? null });
    }
  }
  // A plain browser signs in with MSAL; a token of the local sign-in page (/_local/signin, a developer shortcut) wins.
  const session = !teams && auth && !local.isSignedIn() ? await browserMsalSession(auth, redirectUri) : local;
  const host = teams ?? createBrowserHost({ window, session, frameContext });
  return { host, config, data: lazyData(config, host), drafts: lazyDrafts() };
}

/**
 * MSAL in a plain browser: the redirect flow in a top-level page; a popup (back to the redirect bridge) where the page
 * is framed (the authority refuses to be framed, and a framed app must not navigate away).
 */
async function browserMsalSession(auth: AuthSettings, redirectUri: string): Promise<MsalSession> {
  const { msal, redirect } = await loadBrowserMsal(auth, redirectUri);
  const framed = window.top !== window;
  return createBrowserMsalSession({
    msal,
    scopes: { graph: auth.graphScopes, sharePoint: auth.sharePointScopes },
    redirect: redirect ?? { result: null },
    absolute: (p) => new URL(p, window.location.origin).toString(),
    ...(framed ? { interaction: 'popup' as const, popupRedirectUri: new URL('auth/redirect.html', redirectUri).toString(), afterPopup: () => window.location.reload() } : {}),
  });
}

/** Griffel's style elements carry the page's CSP nonce when the server gave one (`<meta name="csp-nonce">`). */
function withStyleNonce(node: ReactNode): ReactNode {
  const nonce = document.querySelector<HTMLMetaElement>('meta[name="csp-nonce"]')?.content;
  if (!nonce) return node;
  const renderer = createDOMRenderer(document, { styleElementAttributes: { nonce } });
  return <RendererProvider renderer={renderer} targetDocument={document}>{node}</RendererProvider>;
}

/** Renders `view(services)` into #root; a failure to start is shown as text (no Fluent yet, no HTML injection). */
export async function boot(frameContext: FrameContext, view: (services: Services) => ReactNode, surface: Surface = 'tab'): Promise<void> {
  const container = document.getElementById('root');
  if (!container) throw new Error('boot: the page has no #root element');
  try {
    const services = await compose(frameContext, surface);
    createRoot(container).render(<StrictMode>{withStyleNonce(<ServicesProvider services={services}>{view(services)}</ServicesProvider>)}</StrictMode>);
  } catch (error) {
    const p = document.createElement('p');
    p.setAttribute('role', 'alert');
    p.textContent = `起動できませんでした / Could not start: ${error instanceof Error ? error.message : String(error)}`;
    container.replaceChildren(p);
  }
}
