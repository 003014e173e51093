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
import type { FrameContext, HostBridge } from '../../hosts/host-bridge.js';
import { type AuthSettings, loadBrowserMsal, loadNestedMsal } from '../../hosts/msal/load-msal.js';
import { createBrowserMsalSession, createNestedMsalTokens, type MsalSession } from '../../hosts/msal/msal-session.js';
import { connectTeamsHost, type TeamsSdk } from '../../hosts/teams/teams-host.js';
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
    guidance: async (...a) => (await get()).guidance(...a),
    reminders: async (...a) => {
      const d = await get();
      return d.reminders ? d.reminders(...a) : [];
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

async function compose(frameContext: FrameContext, surface: Surface): Promise<Services> {
  const config = await loadAppConfig((u) => fetch(u, { credentials: 'same-origin' }), window.location.href);
  const local = createLocalSession({ storage: window.sessionStorage, fetch: (u, i) => fetch(u, i), navigate: (u) => window.location.assign(u) });
  const auth = config.auth ?? null;
  // MSAL's redirect URI: the folder the pages are served from (registered as an SPA redirect URI, docs/deploy.md).
  const redirectUri = new URL('.', window.location.href).toString();
  // Nested app auth is created after teams-js initialised (the documented order); until then nothing asks for tokens.
  let nested: TokenProvider | null = null;
  if (surface === 'taskpane') {
    // office.js only where Office may be (detected at once); a plain browser gets the page without it. The Excel host
    // is its own chunk: the tab's pages never load it.
    const [{ connectExcelHost }, { loadOfficeJs }] = await Promise.all([import(/* webpackChunkName: "excel-host" */ '../../hosts/excel/excel-host.js'), import(/* webpackChunkName: "excel-host" */ './office-js.js')]);
    const excel = await connectExcelHost({ loadOffice: () => loadOfficeJs(window), window, tokens: local, account: local });
    const host = excel?.host ?? createBrowserHost({ window, session: local, frameContext });
    const data = lazyData(config, host);
    // The follow-up store is the sync's SyncRows (open by scope, saveChanges).
    return { host, config, data, drafts: lazyDrafts(), ...(excel ? { workbook: { workbook: excel.workbook, rows: (site: SiteInfo): Promise<SyncRows> => data.store(site), structure: (site: SiteInfo) => data.admin(site) } } : {}) };
  }
  const teams = await connectTeamsHost({
    loadSdk: async () => (await import(/* webpackChunkName: "teams-js" */ '@microsoft/teams-js')) as unknown as TeamsSdk,
    window,
    tokens: { getToken: (r) => (nested ?? local).getToken(r) },
    ...(auth ? {} : { account: local }),
  });
  if (teams && auth) {
    const { msal } = await loadNestedMsal(auth, redirectUri);
    nested = createNestedMsalTokens({ msal, scopes: { graph: auth.graphScopes, sharePoint: auth.sharePointScopes }, loginHint: () => teams.context().user?.loginHint ?? null });
  }
  // A plain browser signs in with MSAL; a token of the local sign-in page (/_local/signin, a developer shortcut) wins.
  const session = !teams && auth && !local.isSignedIn() ? await browserMsalSession(auth, redirectUri) : local;
  const host = teams ?? createBrowserHost({ window, session, frameContext });
  return { host, config, data: lazyData(config, host), drafts: lazyDrafts() };
}

async function browserMsalSession(auth: AuthSettings, redirectUri: string): Promise<MsalSession> {
  const { msal, redirect } = await loadBrowserMsal(auth, redirectUri);
  return createBrowserMsalSession({ msal, scopes: { graph: auth.graphScopes, sharePoint: auth.sharePointScopes }, redirect: redirect ?? { result: null }, absolute: (p) => new URL(p, window.location.origin).toString() });
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
