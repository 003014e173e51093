/**
 * A check of the CAML a view's `ViewQuery` holds (#12 item 5): well-formed XML of the elements SharePoint's
 * CamlQueryRoot allows here (`<Where>`, `<OrderBy>`, `<GroupBy>`), comparisons of list fields with typed values,
 * `<Today/>` in date values. It does not evaluate the query: which items a view shows is SharePoint's to render.
 */

interface XmlNode { name: string; attrs: Record<string, string>; children: XmlNode[]; text: string }

const NAME = /^[A-Za-z_][\w.-]*$/;

/** Parses an XML fragment (elements, attributes, text; no comments, CDATA, DTDs) into its top-level elements. */
function parseFragment(xml: string): XmlNode[] | string {
  const root: XmlNode = { name: '#root', attrs: {}, children: [], text: '' };
  const stack: XmlNode[] = [root];
  const tag = /<(\/?)([^\s/>]+)((?:\s+[^\s=/>]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*(\/?)>/y;
  let i = 0;
  while (i < xml.length) {
    const lt = xml.indexOf('<', i);
    const text = lt === -1 ? xml.slice(i) : xml.slice(i, lt);
    if (text !== '') (stack[stack.length - 1] as XmlNode).text += decode(text);
    if (lt === -1) break;
    tag.lastIndex = lt;
    const m = tag.exec(xml);
    if (!m) return `malformed XML at character ${lt + 1}: ${xml.slice(lt, lt + 30)}`;
    const [, close, name, attrText, selfClose] = m as unknown as [string, string, string, string, string];
    if (!NAME.test(name)) return `malformed element name '${name}'`;
    if (close) {
      const open = stack.pop() as XmlNode;
      if (open.name !== name || stack.length === 0) return `</${name}> closes <${open.name}>`;
    } else {
      const attrs: Record<string, string> = {};
      for (const a of attrText.matchAll(/([^\s=/>]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g)) attrs[a[1] as string] = decode(a[2] ?? a[3] ?? '');
      const node: XmlNode = { name, attrs, children: [], text: '' };
      (stack[stack.length - 1] as XmlNode).children.push(node);
      if (!selfClose) stack.push(node);
    }
    i = tag.lastIndex;
  }
  if (stack.length !== 1) return `<${(stack[stack.length - 1] as XmlNode).name}> is not closed`;
  if (root.text.trim() !== '') return 'text outside the elements';
  return root.children;
}

function decode(s: string): string {
  return s.replace(/&(lt|gt|amp|quot|apos);/g, (_, e: string) => ({ lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" })[e] as string);
}

const COMPARISONS = new Set(['Eq', 'Neq', 'Lt', 'Leq', 'Gt', 'Geq', 'Contains', 'BeginsWith']);
const VALUE_TYPES = new Set(['Text', 'Note', 'Choice', 'Number', 'Integer', 'Counter', 'DateTime', 'Boolean', 'Lookup', 'User', 'Computed']);
const TRUE_FALSE = /^(TRUE|FALSE)$/i;
/** <And>/<Or> nesting the local service checks (a deeper query is refused with a 400, never walked). */
export const MAX_CONDITION_DEPTH = 64;

/** Null when `caml` is a ViewQuery SharePoint would take over these fields, else what is wrong. */
export function checkCaml(caml: string, fields: ReadonlySet<string>): string | null {
  if (caml.trim() === '') return null;
  const nodes = parseFragment(caml);
  if (typeof nodes === 'string') return nodes;
  const seen = new Set<string>();
  const fieldRef = (n: XmlNode, where: string): string | null => {
    if (n.name !== 'FieldRef') return `${where}: expected <FieldRef>, got <${n.name}>`;
    const name = n.attrs.Name;
    if (name === undefined) return `${where}: <FieldRef> needs Name`;
    if (!fields.has(name)) return `${where}: field '${name}' does not exist in the list`;
    if (n.attrs.Ascending !== undefined && !TRUE_FALSE.test(n.attrs.Ascending)) return `${where}: Ascending must be TRUE or FALSE`;
    return null;
  };
  const value = (n: XmlNode, where: string): string | null => {
    if (n.name !== 'Value') return `${where}: expected <Value>, got <${n.name}>`;
    const type = n.attrs.Type;
    if (type === undefined || !VALUE_TYPES.has(type)) return `${where}: <Value> needs a Type of ${[...VALUE_TYPES].join(', ')}`;
    if (n.children.length > 0) {
      const [c] = n.children as [XmlNode];
      if (n.children.length > 1 || c.name !== 'Today' || type !== 'DateTime') return `${where}: only <Today/> may be inside a DateTime <Value>`;
      if (c.attrs.OffsetDays !== undefined && !/^-?\d+$/.test(c.attrs.OffsetDays)) return `${where}: OffsetDays must be an integer`;
      return null;
    }
    if (type === 'Number' || type === 'Integer' || type === 'Counter') return Number.isFinite(Number(n.text)) && n.text.trim() !== '' ? null : `${where}: '${n.text}' is not a number`;
    if (type === 'Boolean') return /^(0|1|TRUE|FALSE)$/i.test(n.text.trim()) ? null : `${where}: '${n.text}' is not a Boolean`;
    if (type === 'DateTime') return Number.isNaN(Date.parse(n.text.trim())) ? `${where}: '${n.text}' is not a date` : null;
    return null;
  };
  const condition = (n: XmlNode, where: string, depth = 1): string | null => {
    const at = `${where}/${n.name}`;
    if (n.name === 'And' || n.name === 'Or') {
      if (depth > MAX_CONDITION_DEPTH) return `${where}: <And>/<Or> nest deeper than ${MAX_CONDITION_DEPTH} levels`;
      if (n.children.length !== 2) return `${at}: <${n.name}> takes exactly two conditions (nest them for more)`;
      return condition(n.children[0] as XmlNode, at, depth + 1) ?? condition(n.children[1] as XmlNode, at, depth + 1);
    }
    if (n.name === 'IsNull' || n.name === 'IsNotNull') return n.children.length === 1 ? fieldRef(n.children[0] as XmlNode, at) : `${at}: takes one <FieldRef>`;
    if (n.name === 'In') {
      const [f, vs] = n.children;
      if (n.children.length !== 2 || !f || !vs || vs.name !== 'Values' || vs.children.length === 0) return `${at}: takes <FieldRef> and <Values> with at least one <Value>`;
      return fieldRef(f, at) ?? vs.children.map((v) => value(v, at)).find((p) => p !== null) ?? null;
    }
    if (COMPARISONS.has(n.name)) {
      const [f, v] = n.children;
      if (n.children.length !== 2 || !f || !v) return `${at}: takes <FieldRef> and <Value>`;
      return fieldRef(f, at) ?? value(v, at);
    }
    return `${at}: unknown CAML element`;
  };
  for (const n of nodes) {
    if (seen.has(n.name)) return `<${n.name}> appears twice`;
    seen.add(n.name);
    switch (n.name) {
      case 'Where':
        if (n.children.length !== 1) return '<Where> takes exactly one condition';
        {
          const p = condition(n.children[0] as XmlNode, 'Where');
          if (p) return p;
        }
        break;
      case 'OrderBy':
      case 'GroupBy': {
        if (n.children.length === 0) return `<${n.name}> needs at least one <FieldRef>`;
        if (n.name === 'GroupBy' && n.children.length > 2) return '<GroupBy> takes at most two fields';
        if (n.name === 'GroupBy' && n.attrs.Collapse !== undefined && !TRUE_FALSE.test(n.attrs.Collapse)) return 'GroupBy: Collapse must be TRUE or FALSE';
        if (n.name === 'GroupBy' && n.attrs.GroupLimit !== undefined && !/^\d+$/.test(n.attrs.GroupLimit)) return 'GroupBy: GroupLimit must be a number';
        for (const c of n.children) {
          const p = fieldRef(c, n.name);
          if (p) return p;
        }
        break;
      }
      default:
        return `<${n.name}> is not allowed in a ViewQuery (Where, OrderBy, GroupBy)`;
    }
  }
  return null;
}
