/**
 * The Content-Security-Policy of the app's pages (#10). Scripts: only files from the origin (the HTML has no inline
 * script). Styles: Fluent UI's Griffel and FluentProvider create `<style>` elements at run time, so styles need either
 * `'unsafe-inline'` or a nonce; `npm start` serves each page with a fresh nonce (also given to Griffel through
 * `<meta name="csp-nonce">`), so no inline style is allowed. Static hosting (a tenant's web server without per-request
 * HTML) must use `style-src 'self' 'unsafe-inline'` instead (docs/teams-app.md). Teams and Office frame the tab.
 */
export const FRAME_ANCESTORS = [
  "'self'",
  'https://teams.microsoft.com',
  'https://*.teams.microsoft.com',
  'https://teams.cloud.microsoft',
  'https://*.cloud.microsoft',
  'https://*.office.com',
  'https://*.office365.com',
  'https://*.microsoft365.com',
  'https://*.sharepoint.com',
  'https://outlook.office.com',
] as const;

export function appContentSecurityPolicy(nonce: string | null): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    `style-src 'self' ${nonce ? `'nonce-${nonce}'` : "'unsafe-inline'"}`,
    "img-src 'self' data:",
    "font-src 'self' data:",
    "connect-src 'self'",
    `frame-ancestors ${FRAME_ANCESTORS.join(' ')}`,
    "base-uri 'none'",
    "form-action 'self'",
    "object-src 'none'",
  ].join('; ');
}
