/** HTML fragments of the seed cells → plain text (domain.md §6.3, §6.5). */

/** Tags the cells use (and a few more that rich-text columns may hold). Anything else after `<` is literal text. */
const KNOWN_TAGS = new Set([
  'a', 'b', 'br', 'div', 'em', 'font', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'hr', 'i', 'li', 'ol', 'p', 's', 'small', 'span',
  'strong', 'sub', 'sup', 'table', 'tbody', 'td', 'th', 'thead', 'tr', 'u', 'ul',
]);

/** Tags whose start and end break the line. */
const BLOCK_TAGS = new Set(['div', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'hr', 'li', 'ol', 'p', 'table', 'tr', 'ul', 'br']);

const NAMED_ENTITIES: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: ' ',
  ensp: ' ',
  emsp: ' ',
  thinsp: ' ',
  yen: '¥',
  copy: '©',
  reg: '®',
  hellip: '…',
  mdash: '—',
  ndash: '–',
  middot: '·',
  times: '×',
  divide: '÷',
};

export interface HtmlToken {
  kind: 'text' | 'open' | 'close';
  /** Text content (undecoded) or tag name (lower case). */
  value: string;
}

const RE_TAG = /<(\/?)([a-zA-Z][a-zA-Z0-9]*)((?:\s[^<>]*)?)\/?>/y;

/**
 * Splits an HTML fragment into text and known tags. A `<` that does not open a known, well-formed tag stays text
 * (004: `乖離(目標数<実績)`), so nothing the author typed is eaten.
 */
export function tokenizeHtml(html: string): HtmlToken[] {
  const tokens: HtmlToken[] = [];
  let text = '';
  let i = 0;
  while (i < html.length) {
    const lt = html.indexOf('<', i);
    if (lt < 0) {
      text += html.slice(i);
      break;
    }
    text += html.slice(i, lt);
    RE_TAG.lastIndex = lt;
    const m = RE_TAG.exec(html);
    const name = m?.[2]?.toLowerCase();
    if (m && name !== undefined && KNOWN_TAGS.has(name)) {
      if (text) tokens.push({ kind: 'text', value: text });
      text = '';
      // `<br>` has no end tag; `<br/>` and `</br>` (seen in the wild) all mean a line break.
      tokens.push({ kind: m[1] === '/' && name !== 'br' ? 'close' : 'open', value: name });
      i = lt + m[0].length;
    } else {
      text += '<';
      i = lt + 1;
    }
  }
  if (text) tokens.push({ kind: 'text', value: text });
  return tokens;
}

/** Decodes named (`&amp;` …) and numeric (`&#12354;`, `&#x3042;`) entities; unknown ones stay as written. */
export function decodeEntities(text: string): string {
  return text.replace(/&(#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[a-zA-Z]{2,8});/g, (whole, body: string) => {
    if (body.startsWith('#')) {
      const cp = body[1] === 'x' || body[1] === 'X' ? parseInt(body.slice(2), 16) : parseInt(body.slice(1), 10);
      return cp > 0 && cp <= 0x10ffff && !(cp >= 0xd800 && cp <= 0xdfff) ? String.fromCodePoint(cp) : whole;
    }
    return NAMED_ENTITIES[body] ?? NAMED_ENTITIES[body.toLowerCase()] ?? whole;
  });
}

/**
 * Converts a cell's HTML fragment to plain text: `<p>` and `<li>` become lines, `<br>` a newline, other known tags
 * (`ul`, `b`, …) are dropped, unclosed tags are tolerated, and a literal `<` that does not start a tag (`目標数<実績`)
 * is kept. Entities are decoded. Whitespace runs are folded within a line.
 *
 * Inside a `<ul>` without `<li>` (000, 004 write `<ul style="list-style-type: none"> ・a ・b` and never close it) each
 * inline `・` bullet and each `【…】` heading starts its own line, as it does on the printed page.
 * @example htmlToText('<p>【継続】 A</p> <ul style="list-style-type: none"> ・B ・C') → '【継続】 A\n・B\n・C'
 */
export function htmlToText(html: string): string {
  const lines: string[] = [];
  let line = '';
  let ulDepth = 0;
  let liDepth = 0;
  const breakLine = (): void => {
    lines.push(line);
    line = '';
  };
  for (const token of tokenizeHtml(html)) {
    if (token.kind === 'text') {
      let text = token.value;
      if (ulDepth > 0 && liDepth === 0) text = text.replace(/[ \t\u3000]+(?=[・【])/g, '\n');
      const parts = text.split(/\r\n|\r|\n/);
      parts.forEach((part, k) => {
        if (k > 0) breakLine();
        line += part;
      });
      continue;
    }
    const name = token.value;
    if (name === 'ul' || name === 'ol') ulDepth = Math.max(0, ulDepth + (token.kind === 'open' ? 1 : -1));
    if (name === 'li') liDepth = Math.max(0, liDepth + (token.kind === 'open' ? 1 : -1));
    if (BLOCK_TAGS.has(name)) breakLine();
  }
  breakLine();
  return lines
    .map((l) => decodeEntities(l).replace(/[ \t\f\v\u00a0]+/g, ' ').trim())
    .filter((l) => l.length > 0)
    .join('\n');
}

const escapeText = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/**
 * Writes plain text as a cell's HTML fragment, the inverse of htmlToText for text that has no printed raw form (an
 * edited value): `&`, `<`, `>` are escaped, one line stays bare text, several lines become one `<p>` each.
 * @example textToHtml('説明会\n<script>') → '<p>説明会</p><p>&lt;script&gt;</p>'
 */
export function textToHtml(text: string): string {
  const lines = text.split(/\r\n|\r|\n/).filter((l) => l.trim() !== '');
  if (lines.length <= 1) return escapeText(lines[0] ?? '');
  return lines.map((l) => `<p>${escapeText(l)}</p>`).join('');
}
