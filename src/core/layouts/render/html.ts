/** HTML output helpers (#2): escaping, and a tag whitelist for rich cells (SharePoint rich text keeps p/ul/li/b/br). */

/** Tags a rich cell may keep (domain §9.3); everything else is shown as text. */
const ALLOWED_TAGS: ReadonlySet<string> = new Set(['p', 'ul', 'li', 'b', 'br']);
const TAG = /<(\/?)([a-zA-Z][a-zA-Z0-9]*)\b[^<>]*>/g;
const ESCAPED_ENTITY = /&amp;(?=#\d+;|#x[0-9a-f]+;|[a-z][a-z0-9]*;)/gi;

/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/**
 * Keeps the whitelisted tags of a rich cell (attributes dropped: `<ul style="…">` → `<ul>`) and escapes everything else,
 * including a literal `<` that starts no tag (004: `目標数<実績`) and any other tag (`<script>` becomes visible text).
 */
export function sanitizeRich(html: string): string {
  // An entity the cell already holds (`&lt;` of an escaped edit) is kept, not escaped twice.
  const escapeText = (s: string): string => escapeHtml(s).replace(ESCAPED_ENTITY, '&');
  let out = '';
  let last = 0;
  for (const m of html.matchAll(TAG)) {
    out += escapeText(html.slice(last, m.index));
    const name = (m[2] ?? '').toLowerCase();
    if (ALLOWED_TAGS.has(name)) {
      out += name === 'br' ? '<br>' : `<${m[1] ?? ''}${name}>`;
    } else {
      out += escapeHtml(m[0]);
    }
    last = m.index + m[0].length;
  }
  return out + escapeText(html.slice(last));
}
