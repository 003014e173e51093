/**
 * A row's history (#10): `GET …/items/{id}/versions?$expand=fields`, newest first, each version mapped with the row
 * mapping (src/core/lists/row-fields.ts) — who changed it, when, the row as it was, and which columns changed since
 * the version before. Divisions can read it for the rows they can read (SharePoint's Read level includes
 * ViewVersions).
 */
import { pickOwnedFields } from '../core/lists/row-fields.js';
import { ROWS_LIST } from '../core/lists/schema.js';
import type { ReadOptions, RowVersion, StoredRow } from '../core/ports.js';
import { isSameValue } from '../core/sync/merge.js';
import { getAll, withQuery } from './paging.js';
import { toRecord, type GraphItem } from './row-items.js';
import { asAbortSignal, type StoreContext } from './store-context.js';

/** Requests: 1 (+1 per further page of versions). @throws NotFoundError when the item is gone, PermissionError */
export async function rowHistory(ctx: StoreContext, row: Pick<StoredRow, 'itemId' | 'rowKey'>, options: ReadOptions = {}): Promise<RowVersion[]> {
  const path = withQuery(`${ctx.rowsPath}/${row.itemId}/versions`, { $expand: 'fields' });
  const { items } = await getAll<GraphItem>(ctx.client, path, `GET versions of row ${row.rowKey}`, asAbortSignal(options.signal));
  // Newest first, as Graph lists them; sort by version number in case a service does not.
  const versions = [...items].sort((a, b) => Number.parseFloat(String(b.id)) - Number.parseFloat(String(a.id)));
  const owned = versions.map((v) => pickOwnedFields(ROWS_LIST, v.fields ?? {}));
  return versions.map((v, i) => {
    const fields = owned[i] ?? {};
    const older = owned[i + 1];
    const changedFields = Object.keys(fields).filter((k) => (older === undefined ? fields[k] !== null : !isSameValue(fields[k], older[k])));
    const mapped = toRecord(v.fields ?? {}, `${row.rowKey} version ${v.id}`);
    const user = v.lastModifiedBy?.user;
    return {
      versionId: String(v.id),
      modifiedAt: v.lastModifiedDateTime ?? '',
      modifiedBy: user ? { ...(user.id ? { id: user.id } : {}), ...(user.displayName ? { displayName: user.displayName } : {}), ...(user.email ? { email: user.email } : {}) } : null,
      record: mapped.ok ? mapped.record : null,
      issues: mapped.ok ? [] : mapped.issues,
      changedFields,
      changes: changedFields.map((field) => ({ field, before: older === undefined ? null : (older[field] ?? null), after: fields[field] ?? null })),
    };
  });
}
