/**
 * Serves the built browser pages from dist/ on the local service's origin (#10): `/` and `/tab.html` (the tab and
 * browser app), `/config.html` (the tab's configuration page), `/assets/*` (content-hashed, cached for good) and
 * `/app-config.json` (the deployment settings, made by `npm start` for the local site). Each HTML answer carries a
 * fresh CSP nonce for the run-time styles (see csp.ts).
 */
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';

import type { AppConfig } from '../../ui/app/services.js';
import { appContentSecurityPolicy, OFFICE_JS_ORIGIN } from './csp.js';

const PAGES: Readonly<Record<string, string>> = {
  '/': 'tab.html',
  '/tab.html': 'tab.html',
  '/config.html': 'config.html',
  '/taskpane.html': 'taskpane.html',
  // Sign-in (#13): the Office dialog's page and MSAL's redirect bridge (registered redirect URIs).
  '/auth/dialog.html': 'auth/dialog.html',
  '/auth/redirect.html': 'auth/redirect.html',
};
/** Pages that load scripts from elsewhere: the task pane and its sign-in dialog load office.js from Microsoft's CDN (#11). */
const PAGE_SCRIPT_ORIGINS: Readonly<Record<string, readonly string[]>> = { 'taskpane.html': [OFFICE_JS_ORIGIN], 'auth/dialog.html': [OFFICE_JS_ORIGIN] };
/** The add-in's icons (manifest/manifest.xml), copied into dist/icons by the build. */
const ICON_PATH = /^\/icons\/icon-(16|32|64|80)\.png$/;
const TYPES: Readonly<Record<string, string>> = {
  '.js': 'text/javascript; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.txt': 'text/plain; charset=utf-8',
};

export interface AppServerOptions {
  distDir: string;
  /** The deployment settings; null while the service is starting. */
  appConfig: () => AppConfig | null;
  /** Resolves once dist/ is current (npm start builds it when stale); requests wait for it. */
  ready?: Promise<unknown>;
}

const SECURITY_HEADERS = { 'x-content-type-options': 'nosniff', 'referrer-policy': 'same-origin' } as const;

function answer(res: ServerResponse, status: number, type: string, body: string | Buffer, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': type, 'content-length': String(Buffer.byteLength(body)), ...SECURITY_HEADERS, ...headers });
  res.end(body);
}

/** Puts the page's nonce where the app reads it (a meta element; the HTML has no inline script to carry it). */
export function withNonce(html: string, nonce: string): string {
  return html.replace(/<head>/i, `<head><meta name="csp-nonce" content="${nonce}">`);
}

/** Handles the app's paths; returns false for others (the local service or the report pages answer them). */
export function createAppServer(options: AppServerOptions): (req: IncomingMessage, res: ServerResponse) => Promise<boolean> {
  const assetsDir = join(options.distDir, 'assets') + sep;
  return async (req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return false;
    const url = new URL(req.url ?? '/', 'https://localhost');
    const path = url.pathname;
    const page = PAGES[path];
    const isAsset = path.startsWith('/assets/');
    const isIcon = path === '/favicon.png' || path === '/favicon.ico';
    const isAddinIcon = ICON_PATH.test(path);
    if (!page && !isAsset && !isIcon && !isAddinIcon && path !== '/app-config.json') return false;
    try {
      await options.ready;
    } catch (error) {
      answer(res, 503, 'text/plain; charset=utf-8', `The web app could not be built: ${error instanceof Error ? error.message : String(error)}\n`, { 'cache-control': 'no-store' });
      return true;
    }
    if (path === '/app-config.json') {
      const config = options.appConfig();
      if (!config) answer(res, 503, 'application/json; charset=utf-8', JSON.stringify({ error: 'starting' }), { 'cache-control': 'no-store', 'retry-after': '2' });
      else answer(res, 200, 'application/json; charset=utf-8', JSON.stringify(config), { 'cache-control': 'no-store' });
      return true;
    }
    if (page) {
      let html: string;
      try {
        html = await readFile(join(options.distDir, page), 'utf8');
      } catch {
        answer(res, 503, 'text/plain; charset=utf-8', 'The web app is not built: run `npm run build`.\n', { 'cache-control': 'no-store' });
        return true;
      }
      const scriptOrigins = PAGE_SCRIPT_ORIGINS[page];
      if (scriptOrigins) {
        // office.js adds inline styles of its own: this page gets no nonce (see csp.ts).
        answer(res, 200, 'text/html; charset=utf-8', html, { 'cache-control': 'no-store', 'content-security-policy': appContentSecurityPolicy(null, { scriptOrigins }) });
        return true;
      }
      const nonce = randomBytes(16).toString('base64');
      answer(res, 200, 'text/html; charset=utf-8', withNonce(html, nonce), { 'cache-control': 'no-store', 'content-security-policy': appContentSecurityPolicy(nonce) });
      return true;
    }
    if (isAddinIcon) {
      const icon = await readFile(join(options.distDir, path)).catch(() => null);
      if (icon) answer(res, 200, 'image/png', icon, { 'cache-control': 'public, max-age=86400' });
      else answer(res, 404, 'text/plain; charset=utf-8', 'Not found\n');
      return true;
    }
    if (isIcon) {
      const icon = await readFile(join(options.distDir, 'favicon.png')).catch(() => null);
      if (icon) answer(res, 200, 'image/png', icon, { 'cache-control': 'public, max-age=86400' });
      else answer(res, 404, 'text/plain; charset=utf-8', 'Not found\n');
      return true;
    }
    // Assets: only files directly under dist/assets (no traversal, no dot files).
    const file = normalize(join(options.distDir, decodeURIComponent(path)));
    if (!file.startsWith(assetsDir) || file.slice(assetsDir.length).includes(sep) || file.slice(assetsDir.length).startsWith('.')) {
      answer(res, 404, 'text/plain; charset=utf-8', 'Not found\n');
      return true;
    }
    try {
      const body = await readFile(file);
      answer(res, 200, TYPES[extname(file)] ?? 'application/octet-stream', body, { 'cache-control': 'public, max-age=31536000, immutable' });
    } catch {
      answer(res, 404, 'text/plain; charset=utf-8', 'Not found\n', { 'cache-control': 'no-store' });
    }
    return true;
  };
}

/** Tries each handler in turn; false when none answered. */
export function chainHandlers(...handlers: ((req: IncomingMessage, res: ServerResponse) => Promise<boolean>)[]): (req: IncomingMessage, res: ServerResponse) => Promise<boolean> {
  return async (req, res) => {
    for (const h of handlers) if (await h(req, res)) return true;
    return false;
  };
}
