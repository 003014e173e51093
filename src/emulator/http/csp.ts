/**
 * The one Content-Security-Policy builder (#8) for every HTML answer: the local pages here and the app's pages in
 * src/entries. Scripts only from our own origin plus the origins a page names, never inline; no plugins; `<base>` only
 * ours; and framing only by ourselves and the Teams and Office hosts that frame the tab and the add-in.
 * The host list and its sources are in docs/local-graph.md (Content-Security-Policy).
 */

/** Origins a page may name besides its own. */
export const CSP_ORIGINS = {
  /** The Office JavaScript API CDN (office.js must be loaded from it for the task pane). */
  officeJs: 'https://appsforoffice.microsoft.com',
  /** The Microsoft Entra sign-in authority (MSAL on a tenant). */
  entra: 'https://login.microsoftonline.com',
  /** Microsoft Graph on a tenant. */
  graph: 'https://graph.microsoft.com',
} as const;

/**
 * The Teams and Microsoft 365 hosts that frame a Teams tab (MicrosoftDocs/msteams-docs,
 * msteams-platform/includes/tabs/content-security-policy-headers.md, "tab requirements") and the Office on the web
 * hosts that frame an Excel task pane (OfficeDev/office-js#3342, OfficeDev/office-js-docs-pr#4911). `*.cloud.microsoft`
 * covers teams.cloud.microsoft, excel.cloud.microsoft and m365.cloud.microsoft.
 */
export const M365_FRAME_ANCESTORS: readonly string[] = [
  'https://teams.microsoft.com',
  'https://*.teams.microsoft.com',
  'https://*.cloud.microsoft',
  'https://*.microsoft365.com',
  'https://*.office.com',
  'https://outlook.office.com',
  'https://outlook.office365.com',
  'https://outlook.live.com',
  'https://*.officeapps.live.com',
  'https://*.sharepoint.com',
  'https://onedrive.live.com',
];

export interface CspOptions {
  /** Origins scripts may come from besides our own (e.g. {@link CSP_ORIGINS.officeJs} for the task pane). */
  scriptOrigins?: readonly string[];
  /** Origins `fetch`/XHR may reach besides our own (e.g. Graph and the sign-in authority on a tenant). */
  connectOrigins?: readonly string[];
  /** Origins the page may frame (e.g. the sign-in authority's silent-renewal iframe). Default: none. */
  frameOrigins?: readonly string[];
  /**
   * Who may frame the page: `self` (only our origin, e.g. the sign-in page) or `m365` (ourselves and the
   * {@link M365_FRAME_ANCESTORS}, for pages shown in a Teams tab or an Office task pane). Default `self`.
   */
  frameAncestors?: 'self' | 'm365';
  /**
   * A per-answer nonce for run-time `<style>` elements (Fluent UI's Griffel): then no other inline style is allowed.
   * Without one, inline styles are allowed (`'unsafe-inline'`), as static hosting needs. Scripts never run inline.
   */
  styleNonce?: string | null;
}

const HOST_SOURCE = /^https:\/\/(\*\.)?[a-z0-9-]+(\.[a-z0-9-]+)*(:\d{1,5})?$/;

function sources(list: readonly string[] | undefined, directive: string): string {
  for (const o of list ?? []) if (!HOST_SOURCE.test(o)) throw new Error(`CSP ${directive}: '${o}' is not an https origin (https://host[:port], optionally *.host).`);
  return (list ?? []).join(' ');
}

/**
 * The Content-Security-Policy header value for one page.
 * @throws Error when an origin is not a plain `https://host` source (so nothing can widen the policy by accident).
 * @example contentSecurityPolicy({ scriptOrigins: [CSP_ORIGINS.officeJs], frameAncestors: 'm365' })
 */
export function contentSecurityPolicy(o: CspOptions = {}): string {
  const join = (...parts: string[]): string => parts.filter((x) => x !== '').join(' ');
  const ancestors = o.frameAncestors === 'm365' ? join("'self'", M365_FRAME_ANCESTORS.join(' ')) : "'self'";
  if (o.styleNonce && !/^[A-Za-z0-9+/_-]{16,}={0,2}$/.test(o.styleNonce)) throw new Error('CSP style nonce: expected at least 16 base64 characters.');
  return [
    "default-src 'none'",
    `script-src ${join("'self'", sources(o.scriptOrigins, 'script-src'))}`,
    // Inline styles are allowed unless the answer carries a nonce for them; scripts never run inline.
    `style-src 'self' ${o.styleNonce ? `'nonce-${o.styleNonce}'` : "'unsafe-inline'"}`,
    "img-src 'self' data:",
    "font-src 'self' data:",
    `connect-src ${join("'self'", sources(o.connectOrigins, 'connect-src'))}`,
    `frame-src ${o.frameOrigins && o.frameOrigins.length > 0 ? sources(o.frameOrigins, 'frame-src') : "'none'"}`,
    "form-action 'self'",
    "base-uri 'self'",
    "object-src 'none'",
    `frame-ancestors ${ancestors}`,
  ].join('; ');
}

/** The headers every HTML answer carries: the policy, no MIME sniffing, no referrer beyond our origin, no caching. */
export function htmlSecurityHeaders(o: CspOptions = {}): Record<string, string> {
  return {
    'Content-Type': 'text/html; charset=utf-8',
    'Content-Security-Policy': contentSecurityPolicy(o),
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'same-origin',
    'Cache-Control': 'no-store',
  };
}
