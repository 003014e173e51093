/**
 * FollowUpRows items as Graph returns them ⇄ StoredRow (#4): the `$select`/`$expand` every row read uses, the scope
 * filter, and the mapping through src/core/lists/row-fields.ts. Reads, saves, refresh, history and the audit all map
 * items here, so a row looks the same whichever way it arrived.
 */
import type { Issue } from '../core/errors.js';
import { fromRowFields, pickOwnedFields, type RowRecord } from '../core/lists/row-fields.js';
import { ROWS_LIST } from '../core/lists/schema.js';
import type { RowScope, StoredRow, UnreadableItem, UnreadableRow } from '../core/ports.js';
import { odataString } from './paging.js';

/** A list item as Graph returns it (also a delta entry, or a version with its fields). */
export interface GraphItem {
  id: string;
  eTag?: string;
  lastModifiedDateTime?: string;
  lastModifiedBy?: { user?: { id?: string; displayName?: string; email?: string } };
  fields?: Record<string, unknown>;
  deleted?: { state?: string };
}

export const ITEM_SELECT = 'id,eTag,lastModifiedDateTime';
export const ROW_COLUMNS = ROWS_LIST.columns.map((c) => c.name);
export const ROW_EXPAND = `fields($select=${ROW_COLUMNS.join(',')})`;
export const EPOCH = '1970-01-01T00:00:00Z';

/** `$filter` of a scope. The most selective indexed column comes first: SharePoint seeks on it (view threshold). */
export const scopeFilter = (scope: RowScope): string =>
  [
    ...(scope.divisionCode !== undefined ? [`fields/DivisionCode eq ${odataString(scope.divisionCode)}`] : []),
    `fields/OrgCode eq ${odataString(scope.orgCode)}`,
    `fields/FiscalYear eq ${scope.fiscalYear}`,
  ].join(' and ');

export const inScope = (row: StoredRow, scope: RowScope): boolean =>
  row.fiscalYear === scope.fiscalYear && row.orgCode === scope.orgCode && (scope.divisionCode === undefined || row.row.division === scope.divisionCode);

/** The eTag of a write's answer: the body's `@odata.etag`/`eTag`, else the ETag header. */
export const etagOf = (headers: Record<string, string>, body: unknown): string | undefined => {
  const b = body as Record<string, unknown> | undefined;
  const fromBody = b?.['@odata.etag'] ?? b?.eTag;
  return typeof fromBody === 'string' ? fromBody : headers.etag;
};

/** The domain record of a fieldValueSet, or every reason it cannot be read. */
export function toRecord(fields: Record<string, unknown>, where: string): { ok: true; record: RowRecord } | { ok: false; issues: Issue[] } {
  const record = fromRowFields(pickOwnedFields(ROWS_LIST, fields));
  if (!record.ok) return { ok: false, issues: record.error.map((i) => ({ ...i, row: i.row ?? where })) };
  return { ok: true, record: record.value };
}

/** An item as a StoredRow, or why it cannot be read (hand-edited in SharePoint, say). */
export function toStoredRow(item: GraphItem): { ok: true; row: StoredRow } | { ok: false; issues: Issue[] } {
  const fields = item.fields ?? {};
  const r = toRecord(fields, `item ${item.id}`);
  if (!r.ok) return r;
  const eTag = item.eTag ?? (typeof fields['@odata.etag'] === 'string' ? fields['@odata.etag'] : undefined);
  if (!eTag) return { ok: false, issues: [{ row: `item ${item.id}`, field: 'eTag', reason: 'the service returned no eTag' }] };
  return { ok: true, row: { ...r.record, itemId: String(item.id), eTag, lastModified: item.lastModifiedDateTime ?? (typeof fields.Modified === 'string' ? fields.Modified : EPOCH) } };
}

/** What can still be told of an unreadable row item: its RowKey, title and division when those columns are readable. */
export function unreadableRow(item: GraphItem, issues: Issue[]): UnreadableRow {
  const f = item.fields ?? {};
  const text = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);
  return { itemId: String(item.id), rowKey: text(f.RowKey), title: text(f.Title), divisionCode: text(f.DivisionCode), issues };
}

/** Maps items, keeping the unreadable ones apart (shown to the secretariat, never dropped silently). */
export function toStoredRows(items: readonly GraphItem[]): { rows: StoredRow[]; unreadable: UnreadableItem[] } {
  const rows: StoredRow[] = [];
  const unreadable: UnreadableItem[] = [];
  for (const item of items) {
    const r = toStoredRow(item);
    if (r.ok) rows.push(r.row);
    else unreadable.push({ itemId: String(item.id), issues: r.issues });
  }
  return { rows, unreadable };
}
