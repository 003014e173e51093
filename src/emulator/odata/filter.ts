/**
 * OData `$filter` and `$orderby` parsing for list items (#3): the subset SharePoint honours through Graph —
 * eq ne lt gt le ge, and or not, parentheses, startswith(), string/number/boolean/null/datetime literals,
 * `fields/X`, `id`, `lastModifiedDateTime`, `createdDateTime`. Anything else is rejected naming the token.
 */

export type CompareOp = 'eq' | 'ne' | 'lt' | 'gt' | 'le' | 'ge';
export interface Ref { kind: 'ref'; path: string }
export interface Literal { kind: 'lit'; type: 'string' | 'number' | 'boolean' | 'null' | 'datetime'; value: string | number | boolean | null }
export type FilterExpr =
  | { kind: 'and' | 'or'; left: FilterExpr; right: FilterExpr }
  | { kind: 'not'; expr: FilterExpr }
  | { kind: 'cmp'; op: CompareOp; ref: Ref; lit: Literal }
  | { kind: 'startswith'; ref: Ref; lit: Literal };
export interface OrderKey { ref: Ref; desc: boolean }

/** A `$filter`/`$orderby` the parser cannot accept; the message names the offending token. */
export class FilterSyntaxError extends Error {
  override name = 'FilterSyntaxError';
}

type Tok =
  | { t: 'str'; v: string; at: number }
  | { t: 'num'; v: number; at: number }
  | { t: 'dt'; v: string; at: number }
  | { t: 'id'; v: string; at: number }
  | { t: '(' | ')' | ','; at: number };

const COMPARE: ReadonlySet<string> = new Set(['eq', 'ne', 'lt', 'gt', 'le', 'ge']);
const FLIP: Record<CompareOp, CompareOp> = { eq: 'eq', ne: 'ne', lt: 'gt', gt: 'lt', le: 'ge', ge: 'le' };
const DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,7})?)?(Z|[+-]\d{2}:\d{2})/;
const IDENT = /^[A-Za-z_$][A-Za-z0-9_$]*(\/[A-Za-z_$][A-Za-z0-9_$]*)*/;

function tokenize(src: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i] as string;
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      i++;
      continue;
    }
    if (c === '(' || c === ')' || c === ',') {
      out.push({ t: c, at: i });
      i++;
      continue;
    }
    if (c === "'") {
      let v = '';
      let j = i + 1;
      for (;;) {
        if (j >= src.length) throw new FilterSyntaxError(`Invalid filter clause: unterminated string literal at position ${i}.`);
        if (src[j] === "'") {
          if (src[j + 1] === "'") {
            v += "'";
            j += 2;
            continue;
          }
          break;
        }
        v += src[j];
        j++;
      }
      out.push({ t: 'str', v, at: i });
      i = j + 1;
      continue;
    }
    const rest = src.slice(i);
    const dt = DATETIME.exec(rest);
    if (dt) {
      out.push({ t: 'dt', v: dt[0], at: i });
      i += dt[0].length;
      continue;
    }
    const num = /^-?\d+(\.\d+)?([eE][+-]?\d+)?/.exec(rest);
    if (num) {
      out.push({ t: 'num', v: Number(num[0]), at: i });
      i += num[0].length;
      continue;
    }
    const id = IDENT.exec(rest);
    if (id) {
      out.push({ t: 'id', v: id[0], at: i });
      i += id[0].length;
      continue;
    }
    throw new FilterSyntaxError(`Invalid filter clause: unexpected character '${c}' at position ${i}.`);
  }
  return out;
}

const describeTok = (t: Tok | undefined): string =>
  t === undefined ? 'end of input' : t.t === 'str' ? `'${t.v}'` : t.t === 'num' ? String(t.v) : t.t === 'dt' || t.t === 'id' ? `'${t.v}'` : `'${t.t}'`;

/** Limits that keep the parser's recursion and the compiled SQL bounded (#8; documented in docs/local-graph.md). */
export const FILTER_LIMITS = { maxLength: 4096, maxDepth: 32, maxTerms: 200, maxOrderKeys: 8 } as const;

class Parser {
  private i = 0;
  private depth = 0;
  private terms = 0;
  constructor(private readonly toks: Tok[]) {}

  private enter(t: Tok | undefined): void {
    if (++this.depth > FILTER_LIMITS.maxDepth) {
      throw new FilterSyntaxError(`Invalid filter clause: parentheses and 'not' are nested deeper than ${FILTER_LIMITS.maxDepth} levels${t ? ` (at position ${t.at})` : ''}.`);
    }
  }
  private term(t: Tok | undefined): void {
    if (++this.terms > FILTER_LIMITS.maxTerms) {
      throw new FilterSyntaxError(`Invalid filter clause: more than ${FILTER_LIMITS.maxTerms} comparisons${t ? ` (at position ${t.at})` : ''}.`);
    }
  }

  private peek(): Tok | undefined {
    return this.toks[this.i];
  }
  private next(): Tok | undefined {
    return this.toks[this.i++];
  }
  private isWord(w: string): boolean {
    const t = this.peek();
    return t?.t === 'id' && t.v.toLowerCase() === w;
  }
  private fail(t: Tok | undefined, what: string): never {
    const where = t === undefined ? 'at the end' : `at position ${t.at}`;
    throw new FilterSyntaxError(`Invalid filter clause: ${what} ${describeTok(t)} ${where}.`);
  }
  private expect(kind: '(' | ')' | ','): void {
    const t = this.next();
    if (t?.t !== kind) this.fail(t, `expected '${kind}' but found`);
  }

  parseAll(): FilterExpr {
    if (this.toks.length === 0) throw new FilterSyntaxError('Invalid filter clause: the filter is empty.');
    const e = this.or();
    if (this.i < this.toks.length) this.fail(this.peek(), 'unsupported or unexpected token');
    return e;
  }
  private or(): FilterExpr {
    let left = this.and();
    while (this.isWord('or')) {
      this.i++;
      left = { kind: 'or', left, right: this.and() };
    }
    return left;
  }
  private and(): FilterExpr {
    let left = this.unary();
    while (this.isWord('and')) {
      this.i++;
      left = { kind: 'and', left, right: this.unary() };
    }
    return left;
  }
  private unary(): FilterExpr {
    if (this.isWord('not')) {
      this.enter(this.peek());
      this.i++;
      const expr = this.unary();
      this.depth--;
      return { kind: 'not', expr };
    }
    return this.primary();
  }
  private primary(): FilterExpr {
    const t = this.peek();
    if (t?.t === '(') {
      this.enter(t);
      this.i++;
      const e = this.or();
      this.expect(')');
      this.depth--;
      return e;
    }
    this.term(t);
    if (t?.t === 'id' && this.toks[this.i + 1]?.t === '(') {
      if (t.v.toLowerCase() !== 'startswith') this.fail(t, 'unsupported function');
      this.i += 2;
      const ref = this.operand();
      this.expect(',');
      const lit = this.operand();
      this.expect(')');
      if (ref.kind !== 'ref' || lit.kind !== 'lit' || lit.type !== 'string') throw new FilterSyntaxError('Invalid filter clause: startswith expects a field and a string literal.');
      return { kind: 'startswith', ref, lit };
    }
    const left = this.operand();
    const opTok = this.next();
    if (opTok?.t !== 'id' || !COMPARE.has(opTok.v.toLowerCase())) this.fail(opTok, 'unsupported operator');
    const op = opTok.v.toLowerCase() as CompareOp;
    const right = this.operand();
    if (left.kind === 'ref' && right.kind === 'lit') return { kind: 'cmp', op, ref: left, lit: right };
    if (left.kind === 'lit' && right.kind === 'ref') return { kind: 'cmp', op: FLIP[op], ref: right, lit: left };
    throw new FilterSyntaxError(`Invalid filter clause: '${op}' must compare a field with a literal value.`);
  }
  private operand(): Ref | Literal {
    const t = this.next();
    if (t === undefined) this.fail(t, 'expected a field or a value but found');
    switch (t.t) {
      case 'str':
        return { kind: 'lit', type: 'string', value: t.v };
      case 'num':
        return { kind: 'lit', type: 'number', value: t.v };
      case 'dt':
        return { kind: 'lit', type: 'datetime', value: t.v };
      case 'id': {
        const w = t.v.toLowerCase();
        if (w === 'true' || w === 'false') return { kind: 'lit', type: 'boolean', value: w === 'true' };
        if (w === 'null') return { kind: 'lit', type: 'null', value: null };
        if (['and', 'or', 'not', ...COMPARE].includes(w)) this.fail(t, 'expected a field or a value but found');
        return { kind: 'ref', path: t.v };
      }
      default:
        return this.fail(t, 'expected a field or a value but found');
    }
  }
}

/**
 * Parses a `$filter` expression into an AST.
 * @throws FilterSyntaxError naming the unsupported token.
 * @example parseFilter("fields/Status eq 'done' and id gt 3")
 */
export function parseFilter(src: string): FilterExpr {
  if (src.length > FILTER_LIMITS.maxLength) throw new FilterSyntaxError(`Invalid filter clause: the filter is ${src.length} characters long; the limit is ${FILTER_LIMITS.maxLength}.`);
  return new Parser(tokenize(src)).parseAll();
}

/**
 * Parses `$orderby` (`fields/X desc, id`).
 * @throws FilterSyntaxError on anything but comma-separated `ref [asc|desc]`.
 */
export function parseOrderBy(src: string): OrderKey[] {
  if (src.length > FILTER_LIMITS.maxLength) throw new FilterSyntaxError(`Invalid $orderby clause: it is ${src.length} characters long; the limit is ${FILTER_LIMITS.maxLength}.`);
  const keys: OrderKey[] = [];
  for (const part of src.split(',')) {
    const words = part.trim().split(/\s+/).filter(Boolean);
    const [path, dir, extra] = words;
    if (!path || !IDENT.test(path) || IDENT.exec(path)?.[0] !== path) throw new FilterSyntaxError(`Invalid $orderby clause: '${part.trim()}' is not a field.`);
    if (extra !== undefined || (dir !== undefined && !/^(asc|desc)$/i.test(dir))) throw new FilterSyntaxError(`Invalid $orderby clause: unexpected '${extra ?? dir ?? ''}' after '${path}'.`);
    keys.push({ ref: { kind: 'ref', path }, desc: dir?.toLowerCase() === 'desc' });
    if (keys.length > FILTER_LIMITS.maxOrderKeys) throw new FilterSyntaxError(`Invalid $orderby clause: more than ${FILTER_LIMITS.maxOrderKeys} keys.`);
  }
  return keys;
}

/** Every field reference in a filter, in order of appearance. */
export function filterRefs(e: FilterExpr): Ref[] {
  const out: Ref[] = [];
  const stack: FilterExpr[] = [e];
  while (stack.length > 0) {
    const x = stack.pop() as FilterExpr;
    switch (x.kind) {
      case 'and':
      case 'or':
        stack.push(x.right, x.left);
        break;
      case 'not':
        stack.push(x.expr);
        break;
      default:
        out.push(x.ref);
    }
  }
  return out;
}
