/**
 * The secretariat's changes to a follow-up table's rows (#11): a row added (its item created with its key, report,
 * and division, recorded in the ledger, and its item permissions set as an assignment sets them) and a row taken out
 * (its item deleted with If-Match, its ledger entry removed). Both are refused for a report whose cycle is closed.
 * Divisions can do neither: the actor is checked before anything is sent, and SharePoint refuses them anyway (the
 * Rows list gives divisions Read; an assigned item gives its division "Edit without delete").
 */
import { PermissionError, ValidationError, type Issue } from '../core/errors.js';
import { checkRowFields, toListRowKey, toRowFields, type Fields, type RowRecord } from '../core/lists/row-fields.js';
import type { CreateRowsResult, DeleteRowsResult, NewRow, RowToDelete, StoredRow } from '../core/ports.js';
import { setItemPermissions, type AssignState } from './assign-rows.js';
import type { AdminLists } from './import-reports.js';
import { dropNulls } from './import-reports.js';
import { ownedHash, recordDivisions, sha256Hex } from './ledger.js';
import { odataString, toPage, withQuery } from './paging.js';
import { etagOf, toStoredRow, type GraphItem } from './row-items.js';
import { batch, stepError, type StoreContext } from './store-context.js';

interface ReportInfo {
  orgCode: string;
  fiscalYear: number;
  closed: boolean;
}

function requireSecretariat(ctx: StoreContext, what: string): void {
  if (!ctx.actor.isSecretariat) throw new PermissionError(`${ctx.actor.displayName} is not the secretariat; only the secretariat ${what}.`);
}

/** The reports' 府省等, year and cycle state (1 look-up each, 20 per `$batch`). @throws ValidationError naming a missing report */
async function readReports(ctx: StoreContext, reportsPath: string, reportKeys: readonly string[]): Promise<Map<string, ReportInfo>> {
  const keys = [...new Set(reportKeys)];
  const found = await batch(
    ctx,
    keys.map((k, i) => [{ id: `report-${i}`, method: 'GET' as const, url: withQuery(reportsPath, { $filter: `fields/ReportKey eq ${odataString(k)}`, $expand: 'fields($select=ReportKey,OrgCode,FiscalYear,CycleState)', $select: 'id' }) }]),
  );
  const out = new Map<string, ReportInfo>();
  const missing: Issue[] = [];
  keys.forEach((k, i) => {
    const r = found.get(`report-${i}`);
    if (r?.status !== 200) throw stepError(r, `find report ${k}`);
    const f = toPage<GraphItem>(r.body).value[0]?.fields;
    if (!f) missing.push({ field: 'ReportKey', reason: `報告 ${k} がリストにありません / there is no report ${k} in the list` });
    else out.set(k, { orgCode: String(f.OrgCode ?? ''), fiscalYear: Number(f.FiscalYear), closed: f.CycleState === 'closed' });
  });
  if (missing.length > 0) throw new ValidationError(missing);
  return out;
}

function refuseClosed(reports: Map<string, ReportInfo>, rows: readonly { reportKey: string; key: string }[], what: { ja: string; en: string }): void {
  const issues: Issue[] = rows
    .filter((r) => reports.get(r.reportKey)?.closed)
    .map((r) => ({ row: r.key, field: 'CycleState', reason: `${r.reportKey} の年度は締め切られているため${what.ja}できません / the cycle of ${r.reportKey} is closed: rows cannot be ${what.en}` }));
  if (issues.length > 0) throw new ValidationError(issues);
}

/**
 * Creates the rows' items (the secretariat): validated first (nothing is written when one is wrong), then 20
 * creates per `$batch`, the ledger, and for assigned rows the item permissions. A key used already is not created
 * (409 from the unique RowKey: `taken`); a report that does not exist or whose cycle is closed refuses all.
 * @returns the rows as stored, in order, and the list row keys that were taken
 * @throws PermissionError (not the secretariat), ValidationError (before anything is written)
 */
export async function createRows(ctx: StoreContext, lists: () => Promise<AdminLists>, assign: AssignState, rows: readonly NewRow[]): Promise<CreateRowsResult> {
  requireSecretariat(ctx, 'adds rows to a follow-up table');
  if (rows.length === 0) return { created: [], taken: [] };
  const { reportsPath, ledgerPath } = await lists();
  const reports = await readReports(ctx, reportsPath, rows.map((r) => r.reportKey));
  refuseClosed(reports, rows.map((r) => ({ reportKey: r.reportKey, key: r.row.key })), { ja: '行を追加', en: 'added' });
  const records: RowRecord[] = rows.map(({ reportKey, row }) => {
    const info = reports.get(reportKey) as ReportInfo;
    return { rowKey: toListRowKey(reportKey, row.key), reportKey, fiscalYear: info.fiscalYear, orgCode: info.orgCode, row, reviewComment: null };
  });
  const fields = records.map(toRowFields);
  const issues: Issue[] = [];
  const seen = new Set<string>();
  records.forEach((r, i) => {
    if (seen.has(r.rowKey)) issues.push({ row: r.row.key, field: 'RowKey', reason: '同じ行キーが二度あります / the same row key twice' });
    seen.add(r.rowKey);
    issues.push(...checkRowFields(fields[i] as Fields, r.rowKey));
  });
  if (issues.length > 0) throw new ValidationError(issues);

  const answers = await batch(ctx, fields.map((f, i) => [{ id: `create-${i}`, method: 'POST' as const, url: ctx.rowsPath, body: { fields: dropNulls(f) } }]));
  const created: StoredRow[] = [];
  const taken: string[] = [];
  for (const [i, record] of records.entries()) {
    const r = answers.get(`create-${i}`);
    if (r?.status === 409) {
      taken.push(record.rowKey);
      continue;
    }
    if (r?.status !== 201) throw stepError(r, `create row ${record.rowKey}`);
    const item = r.body as GraphItem;
    const eTag = etagOf(r.headers, r.body);
    const parsed = toStoredRow({ ...item, ...(eTag ? { eTag } : {}) });
    if (!parsed.ok) throw new ValidationError(parsed.issues);
    created.push(parsed.row);
  }
  // What was created is recorded and given its permissions even when another key was taken.
  if (created.length > 0) {
    const sourceRaw = new Map(records.map((r, i) => [r.rowKey, String(fields[i]?.SourceRaw ?? '')]));
    const owned = new Map(await Promise.all(records.map(async (r, i) => [r.rowKey, await ownedHash(fields[i] ?? {})] as const)));
    await recordDivisions(
      ctx,
      ledgerPath,
      await Promise.all(created.map(async (r) => ({ reportKey: r.reportKey, rowKey: r.row.key, division: r.row.division, sourceHash: await sha256Hex(sourceRaw.get(r.rowKey) ?? ''), ownedHash: owned.get(r.rowKey) ?? '' }))),
    );
    const byDivision = new Map<string, StoredRow[]>();
    for (const r of created) if (r.row.division !== null) byDivision.set(r.row.division, [...(byDivision.get(r.row.division) ?? []), r]);
    for (const [division, assigned] of byDivision) await setItemPermissions(ctx, assign, assigned.map((r) => ({ itemId: r.itemId, previous: null })), division);
  }
  return { created, taken };
}

/**
 * Deletes the rows' items (the secretariat), each with If-Match on the eTag given, and removes them from the ledger.
 * A row changed since it was read is left (`changed`); one already gone counts as deleted.
 * @throws PermissionError (not the secretariat), ValidationError (a report missing or its cycle closed: nothing deleted)
 */
export async function deleteRows(ctx: StoreContext, lists: () => Promise<AdminLists>, rows: readonly RowToDelete[]): Promise<DeleteRowsResult> {
  requireSecretariat(ctx, 'deletes rows of a follow-up table');
  if (rows.length === 0) return { deleted: [], changed: [] };
  const { reportsPath, ledgerPath } = await lists();
  const reports = await readReports(ctx, reportsPath, rows.map((r) => r.reportKey));
  refuseClosed(reports, rows.map((r) => ({ reportKey: r.reportKey, key: r.row.key })), { ja: '行を削除', en: 'deleted' });
  const answers = await batch(ctx, rows.map((r, i) => [{ id: `delete-${i}`, method: 'DELETE' as const, url: `${ctx.rowsPath}/${r.itemId}`, headers: { 'If-Match': r.eTag } }]));
  const result: DeleteRowsResult = { deleted: [], changed: [] };
  const gone: RowToDelete[] = [];
  for (const [i, row] of rows.entries()) {
    const r = answers.get(`delete-${i}`);
    if (r?.status === 204 || r?.status === 200 || r?.status === 404) {
      result.deleted.push(row.rowKey);
      gone.push(row);
    } else if (r?.status === 412) result.changed.push(row.rowKey);
    else throw stepError(r, `delete row ${row.rowKey}`);
  }
  if (gone.length > 0) await recordDivisions(ctx, ledgerPath, gone.map((r) => ({ reportKey: r.reportKey, rowKey: r.row.key, removed: true as const })));
  return result;
}
