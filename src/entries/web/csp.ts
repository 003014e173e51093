/**
 * The Content-Security-Policy of the app's pages (#10). Scripts: only files from the origin (the HTML has no inline
 * script). Styles: Fluent UI's Griffel and FluentProvider create `<style>` elements at run time, so styles need either
 * `'unsafe-inline'` or a nonce; `npm start` serves each page with a fresh nonce (also given to Griffel through
 * `<meta name="csp-nonce">`), so no inline style is allowed. Static hosting (a tenant's web server without per-request
 * HTML) must use `style-src 'self' 'unsafe-inline'` instead (docs/teams-app.md). Teams and Office frame the tab.
 */
import { contentSecurityPolicy } from '../../emulator/index.js';

/** The app's policy, from the one CSP builder (src/emulator/http/csp.ts, #8), framed by the Teams and Office hosts. */
export function appContentSecurityPolicy(nonce: string | null): string {
  return contentSecurityPolicy({ styleNonce: nonce, frameAncestors: 'm365' });
}
