/**
 * The audit (#8): SharePoint cannot protect single fields, so a division that may edit its rows could also change
 * what ties a row to its report and division, or the secretariat's other fields (Title, FiscalYear, SortOrder…). The
 * audit compares every row's RowKey, ReportKey, DivisionCode and SourceRaw with the ledger (./ledger.ts), which only
 * the secretariat can write, and the hash of its secretariat fields (SECRETARIAT_FIELDS) with the one recorded; it
 * lists the differences with who made them (from the item's versions: for a secretariat field, the value before
 * the change, the new one, who and when). Reads only.
 *
 * Requests: ceil(rows/5000) pages of the Rows list + ceil(ledger items/5000) pages of the ledger
 * + ceil(flagged rows/20) `$batch` requests of versions (to find who changed each one, and the original RowKey of a
 * re-keyed row). With nothing changed: 2 requests up to 5,000 rows.
 */
import { toListRowKey } from '../core/lists/row-fields.js';
import type { AuditFinding, AuditReport, ReadOptions } from '../core/ports.js';
import { fieldText as text, ownedHash, readWholeLedger, SECRETARIAT_FIELDS, sha256Hex, type LedgerEntry } from './ledger.js';
import { getAll, toPage, withQuery } from './paging.js';
import type { GraphItem } from './row-items.js';
import { asAbortSignal, batch, type StoreContext } from './store-context.js';

/** The fields the audit protects. */
export const TIE_FIELDS = ['RowKey', 'ReportKey', 'DivisionCode', 'SourceRaw'] as const;

interface Expected {
  rowKey: string;
  reportKey: string;
  entry: LedgerEntry;
}

/** What differs between an item's tie fields and the record (SourceRaw compared by hash; shown shortened). */
async function differences(fields: Record<string, unknown>, want: Expected): Promise<AuditFinding['fields']> {
  const out: AuditFinding['fields'] = [];
  if (text(fields.RowKey) !== want.rowKey) out.push({ field: 'RowKey', expected: want.rowKey, actual: text(fields.RowKey) });
  if (text(fields.ReportKey) !== want.reportKey) out.push({ field: 'ReportKey', expected: want.reportKey, actual: text(fields.ReportKey) });
  if (text(fields.DivisionCode) !== want.entry.d) out.push({ field: 'DivisionCode', expected: want.entry.d, actual: text(fields.DivisionCode) });
  const hash = await sha256Hex(text(fields.SourceRaw) ?? '');
  if (hash !== want.entry.s) out.push({ field: 'SourceRaw', expected: `sha256:${want.entry.s.slice(0, 16)}`, actual: `sha256:${hash.slice(0, 16)}` });
  if (want.entry.o !== undefined) {
    const owned = await ownedHash(fields);
    // Replaced by the changed fields themselves once the versions are read (ownedChanges).
    if (owned !== want.entry.o) out.push({ field: OWNED, expected: `sha256:${want.entry.o.slice(0, 16)}`, actual: `sha256:${owned.slice(0, 16)}` });
  }
  return out;
}

/** The placeholder of "some secretariat field differs from the record" until the versions say which. */
const OWNED = '(secretariat fields)';

type Version = GraphItem;
const editor = (v: Version | undefined): string | null => v?.lastModifiedBy?.user?.displayName ?? v?.lastModifiedBy?.user?.id ?? null;

/**
 * The secretariat fields whose current value differs from the row as created (its oldest version), each with the
 * value before the version that introduced the current one, that version's editor and time. Empty when the versions
 * show no such field (e.g. versioning off): the caller keeps the placeholder.
 */
function ownedChanges(current: Record<string, unknown>, history: readonly Version[]): AuditFinding['fields'] {
  const out: AuditFinding['fields'] = [];
  if (history.length === 0) return out;
  for (const field of SECRETARIAT_FIELDS) {
    const now = text(current[field]);
    if (text(history[0]?.fields?.[field]) === now) continue;
    let i = history.length - 1;
    while (i > 0 && text(history[i - 1]?.fields?.[field]) === now) i--;
    const by = editor(history[i]);
    const at = history[i]?.lastModifiedDateTime ?? null;
    out.push({ field, expected: i > 0 ? text(history[i - 1]?.fields?.[field]) : null, actual: now, ...(by ? { changedBy: by } : {}), ...(at ? { changedAt: at } : {}) });
  }
  return out;
}

export async function auditRows(ctx: StoreContext, ledgerPath: string, options: ReadOptions = {}): Promise<AuditReport> {
  const signal = asAbortSignal(options.signal);
  const before = ctx.connection.counters.logical;
  const select = { $expand: `fields($select=${[...TIE_FIELDS, ...SECRETARIAT_FIELDS].join(',')})`, $select: 'id,lastModifiedDateTime', $top: 5000 };
  const [{ items }, ledger] = await Promise.all([getAll<GraphItem>(ctx.client, withQuery(ctx.rowsPath, select), 'read every row for the audit', signal), readWholeLedger(ctx, ledgerPath, signal)]);

  const expected = new Map<string, Expected>();
  for (const l of ledger) for (const [local, entry] of Object.entries(l.entries)) expected.set(toListRowKey(l.reportKey, local), { rowKey: toListRowKey(l.reportKey, local), reportKey: l.reportKey, entry });
  const matched = new Set<string>();
  const flagged: { item: GraphItem; want: Expected | null; fields: AuditFinding['fields'] }[] = [];
  for (const item of items) {
    const fields = item.fields ?? {};
    const want = expected.get(text(fields.RowKey) ?? '');
    if (!want) {
      flagged.push({ item, want: null, fields: [{ field: 'RowKey', expected: null, actual: text(fields.RowKey) }] });
      continue;
    }
    matched.add(want.rowKey);
    const diff = await differences(fields, want);
    if (diff.length > 0) flagged.push({ item, want, fields: diff });
  }

  // Who changed each flagged row, and the RowKey a re-keyed row had: from its versions (oldest = as created).
  const versions = await batch(
    ctx,
    flagged.map((f) => [{ id: `v-${f.item.id}`, method: 'GET' as const, url: withQuery(`${ctx.rowsPath}/${f.item.id}/versions`, { $expand: 'fields' }) }]),
    signal ? { signal } : {},
  );
  const findings: AuditFinding[] = [];
  for (const f of flagged) {
    const r = versions.get(`v-${f.item.id}`);
    const history = r?.status === 200 ? [...toPage<GraphItem>(r.body).value].sort((a, b) => Number.parseFloat(String(a.id)) - Number.parseFloat(String(b.id))) : [];
    let want = f.want;
    let fields = f.fields;
    if (!want) {
      // Not in the record under its current RowKey: re-keyed (its first version had a recorded key) or made by hand.
      const original = expected.get(text(history[0]?.fields?.RowKey) ?? '');
      if (original && !matched.has(original.rowKey)) {
        want = original;
        matched.add(original.rowKey);
        fields = await differences(f.item.fields ?? {}, original);
      }
    }
    if (fields.some((c) => c.field === OWNED)) {
      const named = ownedChanges(f.item.fields ?? {}, history);
      if (named.length > 0) fields = [...fields.filter((c) => c.field !== OWNED), ...named];
    }
    // Who: the version that introduced the current value of a flagged field (the latest such, over the fields).
    let introducer: GraphItem | undefined;
    for (const { field } of fields) {
      if (field === OWNED) continue;
      const actual = text(f.item.fields?.[field]);
      let since: GraphItem | undefined;
      for (let i = history.length - 1; i >= 0 && text(history[i]?.fields?.[field]) === actual; i--) since = history[i];
      if (since && (!introducer || Number.parseFloat(String(since.id)) > Number.parseFloat(String(introducer.id)))) introducer = since;
    }
    const changedBy = editor(introducer);
    const changedAt = introducer?.lastModifiedDateTime ?? null;
    findings.push({ itemId: String(f.item.id), expectedRowKey: want?.rowKey ?? null, fields, changedBy, changedAt });
  }
  const missing = [...expected.values()].filter((e) => !matched.has(e.rowKey)).map((e) => ({ rowKey: e.rowKey, reportKey: e.reportKey }));
  return { checked: items.length, findings, missing, requests: ctx.connection.counters.logical - before };
}
