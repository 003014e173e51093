/**
 * The plain-browser host (#10): the embedded default (`npm start`) and any page opened outside Teams and Office.
 * Theme follows `prefers-color-scheme` and `forced-colors`; the locale is `?lang=` or the browser's.
 */
import type { TokenRequest } from '../../core/ports.js';
import type { AccountControl, FrameContext, HostBridge, HostContext, HostTheme, HostUser, Unsubscribe } from '../host-bridge.js';

/** The window parts the host reads (a fake in tests). */
export interface BrowserWindowLike {
  matchMedia(query: string): { matches: boolean; addEventListener(type: 'change', l: () => void): void; removeEventListener(type: 'change', l: () => void): void };
  readonly navigator: { readonly languages?: readonly string[]; readonly language?: string };
  readonly location: { readonly search: string };
}

export const FORCED_COLORS_QUERY = '(forced-colors: active)';
export const DARK_QUERY = '(prefers-color-scheme: dark)';

/** Forced colors (Windows high contrast) win over a dark preference. */
export function browserTheme(win: BrowserWindowLike): HostTheme {
  if (win.matchMedia(FORCED_COLORS_QUERY).matches) return 'contrast';
  return win.matchMedia(DARK_QUERY).matches ? 'dark' : 'light';
}

/** `?lang=en|ja` first (a link can switch), then the browser's first preferred language. */
export function browserLocale(win: BrowserWindowLike): string {
  const lang = new URLSearchParams(win.location.search).get('lang');
  if (lang && /^[a-z]{2}(-[A-Za-z0-9]+)*$/.test(lang)) return lang;
  return win.navigator.languages?.[0] ?? win.navigator.language ?? 'ja-JP';
}

export interface BrowserHostOptions {
  window: BrowserWindowLike;
  /** The signed-in account and its tokens (the local sign-in in the embedded default). */
  session: AccountControl & { getToken(request: TokenRequest): Promise<string>; user(): HostUser | null };
  frameContext: FrameContext;
}

export function createBrowserHost(options: BrowserHostOptions): HostBridge {
  const { window: win, session } = options;
  const context = (): HostContext => ({
    user: session.user(),
    team: null,
    channel: null,
    locale: browserLocale(win),
    theme: browserTheme(win),
    sharePointSite: null,
    frameContext: options.frameContext,
    entityId: null,
  });
  return {
    capabilities: { kind: 'browser', supportsNaa: false, configuresTabs: false, canSignOut: true },
    context,
    onThemeChange(listener): Unsubscribe {
      let last = browserTheme(win);
      const changed = (): void => {
        const theme = browserTheme(win);
        if (theme === last) return;
        last = theme;
        listener(theme);
      };
      const queries = [win.matchMedia(FORCED_COLORS_QUERY), win.matchMedia(DARK_QUERY)];
      for (const q of queries) q.addEventListener('change', changed);
      return () => {
        for (const q of queries) q.removeEventListener('change', changed);
      };
    },
    getToken: (request) => session.getToken(request),
    account: session,
  };
}
