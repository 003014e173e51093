/**
 * The ledger (#8): a secretariat-only list (FollowUpLedger) recording, for every row, what ties it to its report and
 * division — its report-local key under its report, its DivisionCode and a SHA-256 of its SourceRaw (the printed
 * source). SharePoint cannot protect single fields of an item a division may edit, so `audit` compares the rows with
 * this record. One item per report (split in chunks of at most LEDGER_CHUNK_CHARS of JSON), so an import adds one
 * create per report to the batches it sends anyway, and an assignment one look-up and one PATCH batch.
 */
import { GraphAccessError } from '../core/errors.js';
import { canonicalJson, toListRowKey, type RowRecord } from '../core/lists/row-fields.js';
import { FieldGroup, MAX_TEXT_LENGTH, ROWS_LIST } from '../core/lists/schema.js';
import type { StoredRow } from '../core/ports.js';
import type { BatchStep } from './batch.js';
import { collectPages, getAll, odataString, toPage, withQuery } from './paging.js';
import { ITEM_SELECT, ROW_EXPAND, toStoredRow, type GraphItem } from './row-items.js';
import { batch, stepError, type StoreContext } from './store-context.js';

/** What the ledger holds of one row. */
export interface LedgerEntry {
  /** DivisionCode the secretariat assigned (null: unassigned). */
  d: string | null;
  /** SHA-256 (hex) of the SourceRaw the import wrote. */
  s: string;
  /**
   * SHA-256 (hex) of the secretariat's other fields (SECRETARIAT_FIELDS) as written; absent in entries recorded
   * before it existed (those rows' secretariat fields are not checked until the row is recorded again).
   */
  o?: string;
}

/**
 * The FollowUpRows columns only the secretariat writes, besides DivisionCode (entry `d`): structure (Title,
 * FiscalYear, OrgCode, RowKind, SortOrder, Level, ParentRowKey, MajorItem, markers, FocusItem, SplitKind,
 * RowDetailJson) and the schema-5 review columns. Derived from the schema, so a new structure column is covered.
 */
export const SECRETARIAT_FIELDS: readonly string[] = ROWS_LIST.columns.filter((c) => (c.group === FieldGroup.Structure || c.group === FieldGroup.Review) && c.name !== 'DivisionCode').map((c) => c.name);

/** A field's value as the audit compares it: text, a number as text, empty/absent as null. */
export const fieldText = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : typeof v === 'number' ? String(v) : null);

/** SHA-256 of a row's secretariat fields (as written or as read back from Graph: both give the same text). */
export const ownedHash = (fields: Readonly<Record<string, unknown>>): Promise<string> => sha256Hex(canonicalJson(Object.fromEntries(SECRETARIAT_FIELDS.map((f) => [f, fieldText(fields[f])]))));

/** One ledger item: a report's entries (or one chunk of them), by report-local row key. */
export interface LedgerItem {
  id: string;
  eTag: string;
  ledgerKey: string;
  reportKey: string;
  entries: Record<string, LedgerEntry>;
}

/** JSON characters per ledger item (a multi-line text column holds 63,999). */
export const LEDGER_CHUNK_CHARS = 60_000;

/** SHA-256 of a text, hex (WebCrypto: the same in Node and the browser). */
export async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/** The ledger key of chunk `n` of a report (unique; long report keys keep a prefix and a hash). */
export const ledgerKey = (reportKey: string, n: number): string => (reportKey.length + String(n).length + 1 <= MAX_TEXT_LENGTH ? `${reportKey}#${n}` : toListRowKey(reportKey, `#${n}`));

/** The ledger entries of a report's rows, as the import writes them (`rowFields`: the fields it creates, in order). */
export async function ledgerEntries(records: readonly RowRecord[], rowFields: readonly Readonly<Record<string, unknown>>[]): Promise<Record<string, LedgerEntry>> {
  const out: Record<string, LedgerEntry> = {};
  const hashes = await Promise.all(rowFields.map((f) => sha256Hex(String(f.SourceRaw ?? ''))));
  const owned = await Promise.all(rowFields.map(ownedHash));
  records.forEach((r, i) => (out[r.row.key] = { d: r.row.division, s: hashes[i] ?? '', o: owned[i] ?? '' }));
  return out;
}

/** Splits a report's entries into ledger item bodies (`fields` of a create), each under LEDGER_CHUNK_CHARS. */
export function ledgerCreates(reportKey: string, entries: Record<string, LedgerEntry>): Record<string, string>[] {
  const chunks: Record<string, LedgerEntry>[] = [{}];
  let size = 2;
  for (const [k, v] of Object.entries(entries).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const add = canonicalJson({ [k]: v }).length;
    if (size + add > LEDGER_CHUNK_CHARS && Object.keys(chunks[chunks.length - 1] as object).length > 0) {
      chunks.push({});
      size = 2;
    }
    (chunks[chunks.length - 1] as Record<string, LedgerEntry>)[k] = v;
    size += add;
  }
  return chunks.map((c, n) => {
    const key = ledgerKey(reportKey, n);
    return { Title: key, LedgerKey: key, ReportKey: reportKey, EntriesJson: canonicalJson(c) };
  });
}

interface LedgerGraphItem {
  id: string;
  eTag?: string;
  fields?: Record<string, unknown>;
}

function toLedgerItem(item: LedgerGraphItem): LedgerItem | null {
  const f = item.fields ?? {};
  if (typeof f.LedgerKey !== 'string' || typeof f.ReportKey !== 'string') return null;
  let entries: Record<string, LedgerEntry> = {};
  try {
    const parsed = JSON.parse(typeof f.EntriesJson === 'string' ? f.EntriesJson : '{}') as unknown;
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) entries = parsed as Record<string, LedgerEntry>;
  } catch {
    // A ledger item that is not JSON was edited by hand: treated as empty, so the audit flags its rows.
  }
  return { id: String(item.id), eTag: item.eTag ?? String(f['@odata.etag'] ?? ''), ledgerKey: f.LedgerKey, reportKey: f.ReportKey, entries };
}

const LEDGER_SELECT = { $expand: 'fields($select=LedgerKey,ReportKey,EntriesJson)', $select: 'id,eTag' };

/** Every ledger item (the audit): 1 request per 5,000 items. */
export async function readWholeLedger(ctx: StoreContext, ledgerPath: string, signal?: AbortSignal): Promise<LedgerItem[]> {
  const what = 'read the ledger';
  const { items } = await getAll<LedgerGraphItem>(ctx.client, withQuery(ledgerPath, { ...LEDGER_SELECT, $top: 5000 }), what, signal);
  return items.map(toLedgerItem).filter((i): i is LedgerItem => i !== null);
}

/** The ledger items of some reports, 20 look-ups per `$batch`. @throws the first failed look-up */
export async function readLedgerOf(ctx: StoreContext, ledgerPath: string, reportKeys: readonly string[]): Promise<LedgerItem[]> {
  const keys = [...new Set(reportKeys)];
  const found = await batch(
    ctx,
    keys.map((k, i) => [{ id: `ledger-${i}`, method: 'GET' as const, url: withQuery(ledgerPath, { $filter: `fields/ReportKey eq ${odataString(k)}`, ...LEDGER_SELECT }) }]),
  );
  const out: LedgerItem[] = [];
  for (const [i, k] of keys.entries()) {
    const r = found.get(`ledger-${i}`);
    if (r?.status !== 200) throw stepError(r, `read the ledger of ${k}`);
    const { items } = await collectPages<LedgerGraphItem>(ctx.client, toPage(r.body), `read the ledger of ${k}`);
    out.push(...items.map(toLedgerItem).filter((x): x is LedgerItem => x !== null));
  }
  return out;
}

/** A row's new DivisionCode (with the SourceRaw hash for a row not recorded yet), or a row the secretariat deleted. */
export type LedgerChange = { reportKey: string; rowKey: string; division: string | null; sourceHash: string; ownedHash?: string } | { reportKey: string; rowKey: string; removed: true };

/**
 * Records new DivisionCodes in the ledger after an assignment or a creation, and forgets rows the secretariat deleted
 * (so the audit does not list them missing): reads the items of the reports concerned, PATCHes the chunks that hold
 * the rows with If-Match (a 412 re-reads and applies again, up to 3 times). Rows without a
 * ledger entry (imported before schema 4 and not yet recorded) get one with the SourceRaw hash given.
 */
export async function recordDivisions(ctx: StoreContext, ledgerPath: string, changes: readonly LedgerChange[]): Promise<void> {
  let pending = [...changes];
  for (let round = 0; round < 3 && pending.length > 0; round++) {
    const items = await readLedgerOf(ctx, ledgerPath, pending.map((c) => c.reportKey));
    const updates = new Map<LedgerItem, Record<string, LedgerEntry>>();
    const creates: Record<string, string>[] = [];
    const byReport = new Map<string, typeof pending>();
    for (const c of pending) byReport.set(c.reportKey, [...(byReport.get(c.reportKey) ?? []), c]);
    for (const [reportKey, cs] of byReport) {
      const mine = items.filter((i) => i.reportKey === reportKey);
      const orphans: Record<string, LedgerEntry> = {};
      for (const c of cs) {
        const holder = mine.find((i) => c.rowKey in i.entries);
        if (!holder) {
          if (!('removed' in c)) orphans[c.rowKey] = { d: c.division, s: c.sourceHash, ...(c.ownedHash ? { o: c.ownedHash } : {}) };
          continue;
        }
        const entries = updates.get(holder) ?? { ...holder.entries };
        if ('removed' in c) delete entries[c.rowKey];
        else entries[c.rowKey] = { ...(entries[c.rowKey] as LedgerEntry), d: c.division };
        updates.set(holder, entries);
      }
      if (Object.keys(orphans).length > 0) {
        // The report has no ledger item holding these rows yet: a new chunk after the existing ones.
        const first = mine.length;
        creates.push(...ledgerCreates(reportKey, orphans).map((f, n) => ({ ...f, Title: ledgerKey(reportKey, first + n), LedgerKey: ledgerKey(reportKey, first + n) })));
      }
    }
    const steps: BatchStep[][] = [
      ...[...updates].map(([item, entries], i) => [{ id: `upd-${i}`, method: 'PATCH' as const, url: `${ledgerPath}/${item.id}/fields`, headers: { 'If-Match': item.eTag }, body: { EntriesJson: canonicalJson(entries) } }]),
      ...creates.map((fields, i) => [{ id: `new-${i}`, method: 'POST' as const, url: ledgerPath, body: { fields } }]),
    ];
    const answers = await batch(ctx, steps);
    const retry = new Set<string>();
    [...updates.keys()].forEach((item, i) => {
      const r = answers.get(`upd-${i}`);
      if (r?.status === 412) retry.add(item.reportKey);
      else if (r?.status !== 200) throw stepError(r, `record divisions in ${item.ledgerKey}`);
    });
    creates.forEach((f, i) => {
      const r = answers.get(`new-${i}`);
      // 409: a concurrent assignment created the same chunk; look again.
      if (r?.status === 409) retry.add(String(f.ReportKey));
      else if (r?.status !== 201) throw stepError(r, `record ${String(f.LedgerKey)}`);
    });
    pending = pending.filter((c) => retry.has(c.reportKey));
  }
  if (pending.length > 0) throw new GraphAccessError(`record divisions in the ledger: the items of ${[...new Set(pending.map((c) => c.reportKey))].join(', ')} kept changing`, { status: 412 });
}

/**
 * Records every row of the Rows list in the ledger as it is now (the upgrade to schema 4: rows imported before the
 * ledger existed). One ledger item per report (and chunk), 20 creates per `$batch`; an item already there (409) is
 * kept. Returns the rows read, for the rest of the upgrade.
 */
export async function recordAllRows(ctx: StoreContext, ledgerPath: string): Promise<{ rows: number; reports: number; stored: StoredRow[] }> {
  const { items } = await getAll<GraphItem>(ctx.client, withQuery(ctx.rowsPath, { $expand: ROW_EXPAND, $select: ITEM_SELECT, $top: 5000 }), 'read every row to record it in the ledger');
  const byReport = new Map<string, { local: string; division: string | null; sourceRaw: string; owned: string }[]>();
  const stored: StoredRow[] = [];
  for (const item of items) {
    const parsed = toStoredRow(item);
    if (!parsed.ok) continue;
    stored.push(parsed.row);
    const r = parsed.row;
    byReport.set(r.reportKey, [...(byReport.get(r.reportKey) ?? []), { local: r.row.key, division: r.row.division, sourceRaw: String(item.fields?.SourceRaw ?? ''), owned: await ownedHash(item.fields ?? {}) }]);
  }
  const creates: Record<string, string>[] = [];
  for (const [reportKey, rows] of byReport) {
    const entries: Record<string, LedgerEntry> = {};
    const hashes = await Promise.all(rows.map((r) => sha256Hex(r.sourceRaw)));
    rows.forEach((r, i) => (entries[r.local] = { d: r.division, s: hashes[i] ?? '', o: r.owned }));
    creates.push(...ledgerCreates(reportKey, entries));
  }
  const answers = await batch(
    ctx,
    creates.map((fields, i) => [{ id: `rec-${i}`, method: 'POST' as const, url: ledgerPath, body: { fields } }]),
  );
  creates.forEach((f, i) => {
    const r = answers.get(`rec-${i}`);
    if (r?.status !== 201 && r?.status !== 409) throw stepError(r, `record ${String(f.LedgerKey)}`);
  });
  return { rows: stored.length, reports: byReport.size, stored };
}
