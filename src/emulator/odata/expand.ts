/** `$expand` of sites, lists and items (#3): `fields($select=…)`, `columns`, `items(expand=fields)`. */
import { badRequest } from '../errors.js';

/** Splits `a,b(c,d),e` at top-level commas. */
function splitTop(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of s) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      out.push(cur.trim());
      cur = '';
    } else cur += ch;
  }
  if (cur.trim()) out.push(cur.trim());
  return out;
}

export interface Expand { fields: boolean; fieldSelect?: string[]; columns: boolean; items: boolean; itemsExpandFields: boolean }

export function parseExpand(raw: string | null): Expand {
  const e: Expand = { fields: false, columns: false, items: false, itemsExpandFields: false };
  if (!raw) return e;
  for (const part of splitTop(raw)) {
    const m = /^([A-Za-z]+)(?:\((.*)\))?$/.exec(part);
    if (!m) throw badRequest(`Invalid $expand clause '${part}'.`);
    const name = m[1] as string;
    const inner = m[2];
    if (name === 'fields') {
      e.fields = true;
      if (inner !== undefined) {
        const sel = /^\$?select=(.*)$/.exec(inner.trim());
        if (!sel) throw badRequest(`Invalid $expand option '${inner}': only $select is supported inside fields(...).`);
        e.fieldSelect = (sel[1] as string).split(',').map((x) => x.trim()).filter(Boolean);
      }
    } else if (name === 'columns') e.columns = true;
    else if (name === 'items') {
      e.items = true;
      e.itemsExpandFields = inner !== undefined && /\$?expand=fields/.test(inner);
    } else throw badRequest(`Could not find a navigation property named '${name}' to expand.`);
  }
  return e;
}
