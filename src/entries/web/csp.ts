/**
 * The Content-Security-Policy of the app's pages (#10). Scripts: only files from the origin (the HTML has no inline
 * script). Styles: Fluent UI's Griffel and FluentProvider create `<style>` elements at run time, so styles need either
 * `'unsafe-inline'` or a nonce; `npm start` serves each page with a fresh nonce (also given to Griffel through
 * `<meta name="csp-nonce">`), so no inline style is allowed. Static hosting (a tenant's web server without per-request
 * HTML) must use `style-src 'self' 'unsafe-inline'` instead (docs/teams-app.md). Teams and Office frame the tab.
 */
import { contentSecurityPolicy, CSP_ORIGINS } from '../../emulator/index.js';

/** The Office JavaScript API CDN: the task pane loads office.js from it (#11). */
export const OFFICE_JS_ORIGIN = CSP_ORIGINS.officeJs;

/**
 * The app's policy, from the one CSP builder (src/emulator/http/csp.ts, #8), framed by the Teams and Office hosts.
 * `scriptOrigins`: origins a page may load scripts (and fetch) from besides its own — the task pane: the Office CDN,
 * whose office.js bootstraps further files from there (#11). The task pane is served without a nonce: office.js on
 * the web adds inline styles of its own (OfficeDev/office-js#1687), which a nonce would block.
 */
export function appContentSecurityPolicy(nonce: string | null, options: { scriptOrigins?: readonly string[] } = {}): string {
  const origins = options.scriptOrigins ?? [];
  return contentSecurityPolicy({ styleNonce: nonce, frameAncestors: 'm365', scriptOrigins: origins, connectOrigins: origins });
}
