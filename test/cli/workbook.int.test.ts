// `followup export-template` and `followup sync-xlsx` as a user runs them (#11): child processes against the local
// service started in-process with the demo data, the template opened and edited by LibreOffice (headless) and by a
// script, bad files, conflicts, and the division's rules.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { readField } from '../../src/core/edit/fields.js';
import type { StoredRow } from '../../src/core/ports.js';
import { layoutOfKey } from '../../src/core/layouts/columns.js';
import { rowCells } from '../../src/core/sync/workbook-format.js';
import { startEmbedded, type Embedded } from '../../src/entries/embedded.js';
import { CSV_ALL_SHEETS, convert, editFodsRow, findSoffice, parseCsv } from '../support/libreoffice.js';
import { followup as run } from '../support/processes.js';

let dir: string;
let embedded: Embedded;
let env: Record<string, string>;
const SOFFICE = findSoffice();

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'cli-workbook-'));
  embedded = await startEmbedded({ dbPath: join(dir, 'followup.db'), port: 0, certDir: join(dir, 'certs') });
  writeFileSync(join(dir, 'ca.pem'), embedded.graph.ca);
  env = { PORT: String(embedded.graph.port), GRAPH_CA_FILE: join(dir, 'ca.pem') };
  if (!SOFFICE) process.stdout.write('\nLibreOffice (soffice) is not installed: the LibreOffice template tests are skipped (apt-get install libreoffice-calc-nogui).\n');
});
afterAll(async () => {
  await embedded?.close();
  rmSync(dir, { recursive: true, force: true });
});

const followup = (args: string[]) => run(args, { cwd: dir, env });
const somu = async (): Promise<StoredRow[]> => (await embedded.store.open({ fiscalYear: 2023, orgCode: 'soumu', divisionCode: 'div-somu' })).rows;
const FIELDS = ['status', 'reasonNotPlanned', 'narrative', 'outcome', 'indicatorValues', 'surveyAnswers'] as const;
/** Every division field of every row, to prove a sync changed exactly what was edited. */
const snapshot = (rows: readonly StoredRow[]): Record<string, unknown> => Object.fromEntries(rows.flatMap((r) => FIELDS.map((f) => [`${r.rowKey}|${f}`, readField(r, f)])));

async function exportAs(user: string, file: string, division = 'div-somu'): Promise<string> {
  const path = join(dir, file);
  const r = await followup(['export-template', '--org', '総務省', '--division', division, '--year', '令和5年度', '--out', path, '--user', user]);
  expect(r.stderr).toMatch(/rows in 2 tables/);
  expect(r.code).toBe(0);
  return path;
}

/** Edits a file as a script would (exceljs), sheet by name, rows found by their hidden key (column F of 全体像). */
async function scriptEdit(path: string, edit: (wb: ExcelJS.Workbook) => void): Promise<void> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(readFileSync(path) as unknown as ArrayBuffer);
  edit(wb);
  writeFileSync(path, Buffer.from(await wb.xlsx.writeBuffer()));
}
const rowOf = (ws: ExcelJS.Worksheet, rowKey: string, keyCol: string): number => {
  for (let r = 6; r <= ws.rowCount; r++) if (ws.getCell(`${keyCol}${r}`).value === rowKey) return r;
  throw new Error(`no row ${rowKey}`);
};

describe('npx followup export-template / sync-xlsx', () => {
  it('refuses to run without saying who the user is (never as the site owner)', async () => {
    const r = await followup(['export-template', '--org', 'soumu', '--division', 'div-somu', '--year', '2023', '--out', join(dir, 'anon.xlsx')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('say who you are: --user <id>');
  });

  it.skipIf(!SOFFICE)('exports a template LibreOffice opens with the right values in the right cells', async () => {
    const path = await exportAs('suzuki', 'lo-open.xlsx');
    const stem = convert(SOFFICE as string, path, CSV_ALL_SHEETS, join(dir, 'csv'), join(dir, 'lo-profile'));
    const files = readdirSync(join(dir, 'csv')).filter((f) => f.startsWith('lo-open-'));
    expect(files.sort()).toEqual(['lo-open-1_重点項目.csv', 'lo-open-2_全体像.csv', 'lo-open-_followup_base.csv']);
    const rows = await somu();
    for (const [sheet, layout] of [['1_重点項目', 'L-R5-FOCUS'], ['2_全体像', 'L-R5-OVERVIEW']] as const) {
      const csv = parseCsv(readFileSync(`${stem}-${sheet}.csv`, 'utf8'));
      expect(csv[0]?.[0]).toBe(`総務省　令和5年度　${layout === 'L-R5-FOCUS' ? '重点項目' : '取組計画の全体像'}`);
      const mine = rows.filter((r) => layoutOfKey(r.reportKey) === layout).sort((a, b) => a.row.sortOrder - b.row.sortOrder);
      expect(mine.length).toBeGreaterThan(0);
      // Row 5 is the header; each data row below holds the row's cells as the contract says, keys included.
      expect(csv.slice(5, 5 + mine.length)).toEqual(mine.map((r) => rowCells(r, layout).values));
    }
  });

  it.skipIf(!SOFFICE)('syncs a template LibreOffice edited and saved: exactly the edited fields change in the list', async () => {
    const path = await exportAs('suzuki', 'lo-edit.xlsx');
    const before = await somu();
    const focus = before.find((r) => layoutOfKey(r.reportKey) === 'L-R5-FOCUS') as StoredRow;
    const initiative = before.find((r) => layoutOfKey(r.reportKey) === 'L-R5-OVERVIEW' && r.row.kind === 'initiative') as StoredRow;
    const stem = convert(SOFFICE as string, path, 'fods', join(dir, 'fods'), join(dir, 'lo-profile'));
    const fods = readFileSync(`${stem}.fods`, 'utf8');
    const edited = editFodsRow(editFodsRow(fods, focus.rowKey, { 1: '【継続】 LibreOfficeで書き直した内容' }), initiative.rowKey, { 2: '実施未定', 3: '次年度の予算要求で検討する' });
    writeFileSync(`${stem}.fods`, edited);
    rmSync(path);
    convert(SOFFICE as string, `${stem}.fods`, 'xlsx', dir, join(dir, 'lo-profile'));
    const r = await followup(['sync-xlsx', path, '--user', 'suzuki']);
    expect(r.stderr).toContain('sent 3 fields of 2 rows to the list');
    expect(r.code).toBe(0);
    const after = await somu();
    const changed = Object.entries(snapshot(after)).filter(([k, v]) => JSON.stringify(snapshot(before)[k]) !== JSON.stringify(v));
    expect(Object.fromEntries(changed)).toEqual({
      [`${focus.rowKey}|narrative`]: '【継続】 LibreOfficeで書き直した内容',
      [`${initiative.rowKey}|status`]: 'undecided',
      [`${initiative.rowKey}|reasonNotPlanned`]: '次年度の予算要求で検討する',
    });
    // The synced file is current: a second sync has nothing to do.
    const again = await followup(['sync-xlsx', path, '--user', 'suzuki']);
    expect(again.stderr).toContain('sent 0 fields of 0 rows');
  });

  it('prints a conflict with mine, theirs and base, writes nothing of it, and decides it with --take', async () => {
    const path = await exportAs('suzuki', 'conflict.xlsx');
    const rows = await somu();
    const focus = rows.find((r) => layoutOfKey(r.reportKey) === 'L-R5-FOCUS') as StoredRow;
    await scriptEdit(path, (wb) => {
      const ws = wb.getWorksheet('1_重点項目') as ExcelJS.Worksheet;
      ws.getCell(`B${rowOf(ws, focus.rowKey, 'D')}`).value = '【継続】 シートでの変更';
    });
    // A colleague of the same division saves the same field in the tab meanwhile.
    const current = (await somu()).find((r) => r.rowKey === focus.rowKey) as StoredRow;
    const [saved] = await embedded.store.saveChanges([{ base: current, mine: { ...current, row: { ...current.row, narrative: '【継続】 タブでの変更' } } }]);
    expect(saved?.outcome).toBe('saved');
    const r = await followup(['sync-xlsx', path, '--user', 'suzuki']);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/\[conflict\] 1_重点項目!B\d+ 「モチベーションの向上」 \[A .*\] 取組時期・内容: changed in the sheet and in the list; nothing written/);
    expect(r.stderr).toContain('    mine:   【継続】 シートでの変更');
    expect(r.stderr).toContain('    theirs: 【継続】 タブでの変更');
    expect((await somu()).find((x) => x.rowKey === focus.rowKey)?.row.narrative).toBe('【継続】 タブでの変更');
    const decided = await followup(['sync-xlsx', path, '--user', 'suzuki', '--take', 'mine']);
    expect(decided.stderr).toContain("decided 1 conflict(s): the sheet's values were sent");
    expect(decided.code).toBe(0);
    expect((await somu()).find((x) => x.rowKey === focus.rowKey)?.row.narrative).toBe('【継続】 シートでの変更');
  });

  it('names each bad cell and key in a file a script damaged, and writes nothing', async () => {
    const path = await exportAs('suzuki', 'bad.xlsx');
    const before = snapshot(await somu());
    const overview = (await somu()).filter((r) => layoutOfKey(r.reportKey) === 'L-R5-OVERVIEW');
    await scriptEdit(path, (wb) => {
      const ws = wb.getWorksheet('2_全体像') as ExcelJS.Worksheet;
      const [a, b, c] = overview.map((r) => rowOf(ws, r.rowKey, 'F')) as [number, number, number];
      ws.getCell(`E${a}`).value = { formula: 'A1&B1', result: 'x' } as ExcelJS.CellFormulaValue;
      ws.getCell(`D${a}`).value = { error: '#N/A' } as ExcelJS.CellErrorValue;
      // What Excel stores when a person types 2024/4/1 into a cell without the text format: a date serial and a date format.
      ws.getCell(`E${b}`).value = new Date(Date.UTC(2024, 3, 1));
      ws.getCell(`E${b}`).numFmt = 'yyyy/m/d';
      ws.getRow(ws.rowCount + 1).values = ws.getRow(c).values as ExcelJS.CellValue[];
    });
    const r = await followup(['sync-xlsx', path, '--user', 'suzuki']);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/\[BAD_CELL\] 2_全体像!E\d+ .*: この欄には値ではなく「=A1&B1」が入っています/);
    expect(r.stderr).toMatch(/\[BAD_CELL\] 2_全体像!D\d+ .*「#N\/A」/);
    expect(r.stderr).toContain('日付 2024-04-01（文字として入力してください）');
    expect(r.stderr.match(/\[DUPLICATE_KEY\]/g)).toHaveLength(2);
    expect(snapshot(await somu())).toEqual(before);
  });

  it('refuses a workbook that is not ours and one whose key column was deleted, changing neither file nor list', async () => {
    const foreign = join(dir, 'foreign.xlsx');
    const wb = new ExcelJS.Workbook();
    wb.addWorksheet('Sheet1').getCell('A1').value = '取組';
    await wb.xlsx.writeFile(foreign);
    const r1 = await followup(['sync-xlsx', foreign, '--user', 'suzuki']);
    expect([r1.code, r1.stderr]).toEqual([1, expect.stringContaining('フォローアップのテンプレートではありません')]);
    const path = await exportAs('suzuki', 'nokey.xlsx');
    await scriptEdit(path, (w) => (w.getWorksheet('2_全体像') as ExcelJS.Worksheet).spliceColumns(6, 1));
    const bytes = readFileSync(path);
    const r2 = await followup(['sync-xlsx', path, '--user', 'suzuki']);
    expect(r2.code).toBe(1);
    expect(r2.stderr).toContain('非表示のキー列');
    expect(readFileSync(path).equals(bytes)).toBe(true);
  });

  it('applies the division’s rules to the user: another division’s rows are set back, not written', async () => {
    const path = await exportAs('tanaka', 'other.xlsx');
    const before = snapshot(await somu());
    const focus = (await somu()).find((r) => layoutOfKey(r.reportKey) === 'L-R5-FOCUS') as StoredRow;
    await scriptEdit(path, (wb) => {
      const ws = wb.getWorksheet('1_重点項目') as ExcelJS.Worksheet;
      ws.getCell(`B${rowOf(ws, focus.rowKey, 'D')}`).value = '【継続】 他課の行を書き換え';
    });
    const r = await followup(['sync-xlsx', path, '--user', 'tanaka']);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/\[NOT_EDITABLE\] 1_重点項目!B\d+/);
    expect(r.stderr).toContain('1 cell updated from the list');
    expect(snapshot(await somu())).toEqual(before);
  });
  it('rows deleted and added in the sheet: a division gets them restored / proposed; the secretariat applies them only with --apply-structure', async () => {
    // 自治行政局 (no other test here touches it), exported by the secretariat.
    const jichi = async (): Promise<StoredRow[]> => (await embedded.store.open({ fiscalYear: 2023, orgCode: 'soumu', divisionCode: 'div-jichi' })).rows;
    const path = join(dir, 'structure.xlsx');
    const exported = await followup(['export-template', '--org', 'soumu', '--division', 'div-jichi', '--year', '2023', '--out', path, '--user', 'sato']);
    expect(exported.stderr).toContain('3 rows in 1 table (1_全体像)');
    const before = await jichi();
    const gone = before.find((r) => layoutOfKey(r.reportKey) === 'L-R5-OVERVIEW' && r.row.kind === 'initiative') as StoredRow;
    const edit = (wb: ExcelJS.Workbook): void => {
      const ws = wb.getWorksheet('1_全体像') as ExcelJS.Worksheet;
      const at = rowOf(ws, gone.rowKey, 'F');
      // The row emptied (its key with it), a new row typed below the last one.
      ws.getRow(at).eachCell({ includeEmpty: true }, (c) => (c.value = null));
      let last = at;
      for (let r = 6; r <= ws.rowCount; r++) if (ws.getCell(`F${r}`).value) last = Math.max(last, r);
      ws.getCell(`B${last + 1}`).value = 'シートで追加した取組';
      ws.getCell(`C${last + 1}`).value = '実施';
      ws.getCell(`E${last + 1}`).value = '【新規】 シートで追加';
    };
    await scriptEdit(path, edit);
    // Without the confirmation: nothing deleted or created in the list, the row is written back, the new one proposed.
    const plain = await followup(['sync-xlsx', path, '--user', 'sato', '--out', join(dir, 'structure-plain.xlsx')]);
    expect(plain.stderr).toContain('restored: 1 row(s) deleted in the sheet were written back');
    expect(plain.stderr).toMatch(/\[proposal\] .*シートで追加した取組/);
    expect((await jichi()).map((r) => r.rowKey).sort()).toEqual(before.map((r) => r.rowKey).sort());
    // A division member cannot confirm: refused, nothing written.
    const member = await exportAs('suzuki', 'structure-member.xlsx');
    const refused = await followup(['sync-xlsx', member, '--user', 'suzuki', '--apply-structure']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('only the secretariat adds or deletes rows');
    // The secretariat's confirmation: the row is deleted from the list and the new one created.
    const applied = await followup(['sync-xlsx', path, '--user', 'sato', '--apply-structure']);
    expect(applied.stderr).toContain('deleted: 1 row(s) deleted in the sheet were deleted from the list');
    expect(applied.stderr).toContain('created: 1 row(s) added in the sheet were created in the list');
    const after = await embedded.store.open({ fiscalYear: 2023, orgCode: 'soumu' });
    expect(after.rows.some((r) => r.rowKey === gone.rowKey)).toBe(false);
    expect(after.rows.find((r) => r.row.title === 'シートで追加した取組')?.row).toMatchObject({ status: 'implemented' });
    // Synced again: nothing left to ask or do.
    const again = await followup(['sync-xlsx', path, '--user', 'sato', '--apply-structure']);
    expect(again.stderr).toContain('sent 0 fields of 0 rows');
    expect(again.stderr).not.toMatch(/created:|deleted:|\[proposal\]/);
  });
});
