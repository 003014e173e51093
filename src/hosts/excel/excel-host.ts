/// <reference types="office-js" />
/**
 * The Excel host (#11): the task pane inside Excel on the web or desktop, behind HostBridge, plus the workbook port.
 * office.js is *passed in* (the entry loads it from Microsoft's CDN only when the page may be inside Office), so a
 * plain browser never downloads it and tests pass a fake.
 *
 * Inside Office or not is answered at once where it cannot be (as for Teams, platform facts D/E): Office gives the
 * task pane its host in the `_host_Info` query parameter (office.js keeps it in sessionStorage for later navigations),
 * and hosts it in a frame (Excel on the web) or a webview (Windows WebView2, Mac WKWebView). A top-level page with
 * none of these is standalone and never loads office.js. Otherwise `Office.onReady()` is raced against a timeout:
 * outside Office it answers with host null (then the page runs standalone); a blocked office.js never answers.
 */
import { HostError } from '../../core/errors.js';
import type { TokenProvider, TokenRequest } from '../../core/ports.js';
import type { LiveWorkbook } from '../../core/sync/workbook-port.js';
import { browserTheme, DARK_QUERY, FORCED_COLORS_QUERY, type BrowserWindowLike } from '../browser/browser-host.js';
import type { AccountControl, HostBridge, HostContext, HostTheme, HostUser, Unsubscribe } from '../host-bridge.js';
import { raceHandshake, type Timers } from '../teams/detect.js';
import { ExcelFollowUpWorkbook, type ExcelApi } from './excel-workbook.js';
import { EXCEL_API_MIN, EXCEL_API_PROBE } from './requirement-sets.js';

/** The parts of `Office` the host reads (the global office.js defines; a fake in tests). */
export interface OfficeApi {
  onReady(): Promise<{ host: string | null; platform: string | null }>;
  context: {
    displayLanguage?: string;
    officeTheme?: { bodyBackgroundColor?: string } | undefined;
    requirements: { isSetSupported(name: string, minVersion?: string): boolean };
    /** The dialog API (DialogApi 1.1): the sign-in fallback where nested app auth is not supported (#13). */
    ui?: import('./office-dialog.js').OfficeDialogUi;
  };
  /** `Office.auth.getAuthContext()` (NestedAppAuth 1.1): the login hint for MSAL (#13). */
  auth?: { getAuthContext(): Promise<{ userPrincipalName?: string; loginHint?: string }> };
}

/** The requirement set of nested app authentication in Office (checked at run time, not required by the manifest). */
export const NESTED_APP_AUTH = { name: 'NestedAppAuth', version: '1.1' } as const;
export const supportsNestedAppAuth = (office: OfficeApi): boolean => office.context.requirements.isSetSupported(NESTED_APP_AUTH.name, NESTED_APP_AUTH.version);

/** The window parts detection and the theme read. */
export interface OfficeWindowLike extends BrowserWindowLike {
  readonly parent: unknown;
  readonly location: { readonly search: string };
  readonly sessionStorage?: Pick<Storage, 'getItem'>;
  readonly chrome?: { webview?: unknown };
  readonly webkit?: { messageHandlers?: unknown };
}

/** office.js's own key for the host information it was launched with. */
export const HOST_INFO_STORAGE_KEY = 'hostInfoValue';
/** office.js bootstraps more scripts from the CDN before it answers: give it longer than Teams' handshake. */
export const OFFICE_READY_TIMEOUT_MS = 10_000;

/** True when the page may run inside Office (so office.js is worth loading); false means standalone, at once. */
export function mayBeInOffice(win: OfficeWindowLike): boolean {
  if (new URLSearchParams(win.location.search).has('_host_Info')) return true;
  try {
    if (win.sessionStorage?.getItem(HOST_INFO_STORAGE_KEY)) return true;
  } catch {
    // Storage blocked (a sandboxed frame): decide from the other signs.
  }
  if (win.parent !== win) return true;
  return win.chrome?.webview !== undefined || win.webkit?.messageHandlers !== undefined;
}

/** Office theme (where the host gives one) → our kinds: a dark body background means dark. */
export function officeThemeKind(theme: { bodyBackgroundColor?: string } | undefined): HostTheme | null {
  const hex = /^#?([0-9a-f]{6})$/i.exec(theme?.bodyBackgroundColor ?? '')?.[1];
  if (!hex) return null;
  const [r, g, b] = [0, 2, 4].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255) as [number, number, number];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b < 0.5 ? 'dark' : 'light';
}

/** The highest ExcelApi set the host supports, or null below the add-in's minimum. */
export function supportedExcelApi(office: OfficeApi): string | null {
  return EXCEL_API_PROBE.find((v) => office.context.requirements.isSetSupported('ExcelApi', v)) ?? null;
}

export interface ExcelHostOptions {
  /** Loads office.js and resolves with `Office` (the entry adds the CDN script); tests pass a fake. */
  loadOffice: () => Promise<{ office: OfficeApi; excel: ExcelApi }>;
  window: OfficeWindowLike;
  tokens: TokenProvider;
  account: AccountControl & { user(): HostUser | null };
  timers?: Timers;
  readyTimeoutMs?: number;
}

/** What the task pane runs on inside Excel: the host, and the workbook when the ExcelApi set is there. */
export interface ExcelConnection {
  host: HostBridge;
  /** Null when Excel lacks ExcelApi EXCEL_API_MIN (the pane says so instead of failing on a call). */
  workbook: LiveWorkbook | null;
  /** office.js once `Office.onReady` answered: the sign-in is chosen from it (src/hosts/excel/excel-signin.ts). */
  office: OfficeApi;
}

class ExcelHost implements HostBridge {
  readonly capabilities;
  constructor(
    private readonly win: OfficeWindowLike,
    private readonly office: OfficeApi,
    private readonly tokens: TokenProvider,
    readonly account: AccountControl & { user(): HostUser | null },
    excelApi: string | null,
  ) {
    this.capabilities = { kind: 'excel', supportsNaa: supportsNestedAppAuth(office), configuresTabs: false, canSignOut: true, ...(excelApi ? { excelApi } : {}) } as const;
  }

  context(): HostContext {
    return {
      user: this.account.user(),
      team: null,
      channel: null,
      locale: new URLSearchParams(this.win.location.search).get('lang') ?? this.office.context.displayLanguage ?? 'ja-JP',
      theme: this.theme(),
      sharePointSite: null,
      frameContext: 'content',
      entityId: null,
    };
  }

  private theme(): HostTheme {
    // Forced colours (Windows high contrast) win; then Office's own theme where it gives one; then the webview's.
    if (this.win.matchMedia(FORCED_COLORS_QUERY).matches) return 'contrast';
    return officeThemeKind(this.office.context.officeTheme) ?? browserTheme(this.win);
  }

  onThemeChange(listener: (theme: HostTheme) => void): Unsubscribe {
    let last = this.theme();
    const changed = (): void => {
      const theme = this.theme();
      if (theme === last) return;
      last = theme;
      listener(theme);
    };
    const queries = [this.win.matchMedia(FORCED_COLORS_QUERY), this.win.matchMedia(DARK_QUERY)];
    for (const q of queries) q.addEventListener('change', changed);
    return () => {
      for (const q of queries) q.removeEventListener('change', changed);
    };
  }

  getToken(request: TokenRequest): Promise<string> {
    return this.tokens.getToken(request);
  }
}

/**
 * Connects to Excel when the task pane runs inside it: resolves `null` at once for a page that cannot be in Office,
 * and when office.js does not load, answers with another host (or none), or does not answer in time.
 * @throws HostError when Office answered but office.js failed in a way the person must hear about.
 */
export async function connectExcelHost(options: ExcelHostOptions): Promise<ExcelConnection | null> {
  if (!mayBeInOffice(options.window)) return null;
  const timers: Timers = options.timers ?? { setTimeout: (fn, ms) => setTimeout(fn, ms), clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>) };
  let loaded: { office: OfficeApi; excel: ExcelApi } | undefined;
  let host: string | null = null;
  const inOffice = await raceHandshake(
    async () => {
      loaded = await options.loadOffice();
      host = (await loaded.office.onReady()).host;
      if (host === null) throw new Error('Office.onReady: no host (a plain browser)');
    },
    options.readyTimeoutMs ?? OFFICE_READY_TIMEOUT_MS,
    timers,
  );
  if (!inOffice || !loaded) return null;
  if (host !== 'Excel') throw new HostError(`This add-in runs in Excel; Office opened it in ${String(host)}.`);
  const excelApi = supportedExcelApi(loaded.office);
  const workbook = excelApi ? new ExcelFollowUpWorkbook({ excel: loaded.excel }) : null;
  return { host: new ExcelHost(options.window, loaded.office, options.tokens, options.account, excelApi), workbook, office: loaded.office };
}

export { EXCEL_API_MIN };
