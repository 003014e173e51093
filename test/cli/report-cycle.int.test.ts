// `followup report` and `followup cycle` as a user runs them: a child process against an in-process local service (#12).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type GraphFollowUpAdmin } from '../../src/graph/graph-follow-up-store.js';
import { DEMO_DIVISIONS } from '../../src/entries/embedded.js';
import { importDocuments } from '../../src/graph/import-documents.js';
import { seedDivisions, shareDivisionsList } from '../../src/graph/site-directory.js';
import { importBytes } from '../../src/io/import.js';
import { renderReports } from '../../src/io/render/index.js';
import { parseCsv } from '../support/libreoffice.js';
import { startCliSite, type CliRun, type CliSite } from '../support/cli-site.js';

const ROOT = join(import.meta.dirname, '..', '..');
const SAMPLE = join(ROOT, 'samples', '004_62afef42a3180ecf.txt');
let dir: string;
let admin: GraphFollowUpAdmin;
let site: CliSite;

beforeAll(async () => {
  site = await startCliSite('cli-report-');
  ({ dir, admin } = site);
  const { connection } = site;
  await importDocuments(admin, importBytes('004_62afef42a3180ecf.txt', readFileSync(SAMPLE), { org: '総務省' }));
  await seedDivisions(connection, admin.site, DEMO_DIVISIONS);
  await shareDivisionsList(connection, admin.site, DEMO_DIVISIONS.map((d) => d.groupName ?? d.code));
}, 60_000);
afterAll(async () => {
  await site?.close();
});

function followup(args: string[], user?: string): Promise<CliRun> {
  return site.followup(args, user);
}

describe('npx followup report', () => {
  it('writes the layout from the lists, the same as from the file while nothing was edited', async () => {
    const source = importBytes('004_62afef42a3180ecf.txt', readFileSync(SAMPLE), { org: '総務省' });
    const year = source.reports[0]!.fiscalYear!;
    const r = await followup(['report', '--org', '総務省', '--year', String(year), '--layout', 'L-R7', '--site', 'localhost:/sites/followup']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(renderReports(source.reports, 'L-R7', 'tsv'));
    expect(r.stderr).toMatch(/^report: 1 report\(s\), \d+ rows from the lists \(soumu\/\d{4}\/L-R7[^)]*\); \d+ Graph requests\n$/);
    const out = join(dir, 'r.html');
    const html = await followup(['report', '--org', 'soumu', '--year', `R${year - 2018}`, '--layout', 'L-R7', '--out', out, '--site', 'localhost:/sites/followup']);
    expect(html.code).toBe(0);
    expect(readFileSync(out, 'utf8')).toMatch(/^<!doctype html>\n<html lang="ja">[\s\S]*<h2 id="sheet-1">国家公務員の女性活躍/);
  });

  it('answers usage errors with 2 and a missing report with 1', async () => {
    expect((await followup(['report', '--layout', 'L-R7'])).code).toBe(2);
    expect((await followup(['report', '--year', '2024', '--layout', 'L-R9'])).code).toBe(2);
    expect((await followup(['report', '--year', '2024', '--layout', 'L-R7', '--org', '火星省'])).stderr).toContain('unknown 府省等');
    const none = await followup(['report', '--year', '2001', '--layout', 'L-R7', '--site', 'localhost:/sites/followup']);
    expect([none.code, none.stderr]).toEqual([1, expect.stringContaining('no report in L-R7')]);
  });
});

describe('npx followup cycle', () => {
  it('sets a deadline given in 令和, and refuses a date that does not exist', async () => {
    const year = importBytes('004_62afef42a3180ecf.txt', readFileSync(SAMPLE), { org: '総務省' }).reports[0]!.fiscalYear!;
    const ok = await followup(['cycle', 'deadline', '--org', '総務省', '--year', String(year), '--deadline', `令和${year - 2017}年6月30日`, '--site', 'localhost:/sites/followup']);
    expect([ok.code, ok.stdout]).toEqual([0, `deadline of soumu ${year}: ${year + 1}-06-30\n`]);
    const bad = await followup(['cycle', 'deadline', '--org', '総務省', '--year', String(year), '--deadline', '2025-02-30', '--site', 'localhost:/sites/followup']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('2025-02-30');
    expect((await followup(['cycle', 'reopen', '--org', '総務省', '--year', '2024'])).code).toBe(2);
  });
});

describe('npx followup review', () => {
  it('submits as a division member, returns and approves as a reviewer, and shows each division at a glance', async () => {
    const year = importBytes('004_62afef42a3180ecf.txt', readFileSync(SAMPLE), { org: '総務省' }).reports[0]!.fiscalYear!;
    const rows = (await admin.open({ fiscalYear: year, orgCode: 'soumu' })).rows.filter((r) => r.row.kind !== 'heading').sort((a, b) => a.row.sortOrder - b.row.sortOrder);
    const row = rows[0]!;
    await admin.assignRows([row.rowKey], 'div-somu');
    const common = ['--org', '総務省', '--year', String(year), '--site', 'localhost:/sites/followup'];
    const submitted = await followup(['review', 'submit', row.rowKey, ...common], 'suzuki');
    expect([submitted.code, submitted.stdout, submitted.stderr]).toEqual([0, 'submitted 1 row(s)\n', '']);
    // A division member cannot return rows: the service refuses it, the command says so.
    const denied = await followup(['review', 'return', row.rowKey, '--comment', 'x', ...common], 'suzuki');
    expect([denied.code, denied.stderr]).toEqual([1, expect.stringContaining('not a reviewer')]);
    const status = await followup(['review', 'status', '--division', 'div-somu', ...common], 'takahashi');
    expect(status.stdout).toContain('(div-somu): 1/1 done — 未確認 0, 提出済 1 (1 awaiting a reviewer)');
    const returned = await followup(['review', 'return', row.rowKey, '--comment', '実施時期を記入してください', '--field', 'Narrative', ...common], 'takahashi');
    expect([returned.code, returned.stdout]).toEqual([0, 'returned 1 row(s)\n']);
    const json = JSON.parse((await followup(['review', 'status', '--json', '--division', 'div-somu', ...common], 'suzuki')).stdout) as { rowKey: string; state: string; comment: string; commentField: string }[];
    expect(json).toEqual([expect.objectContaining({ rowKey: row.rowKey, state: '差戻し', comment: '実施時期を記入してください', commentField: 'Narrative' })]);
    // Approving a returned row is refused (exit 3, the reason on stderr); the whole flow: test/integration/store/review.int.test.ts.
    const approve = await followup(['review', 'approve', row.rowKey, ...common], 'takahashi');
    expect([approve.code, approve.stderr]).toEqual([3, expect.stringContaining('only submitted rows can be approved')]);
  });
});

describe('npx followup report: files (#12)', () => {
  const year = (): number => importBytes('004_62afef42a3180ecf.txt', readFileSync(SAMPLE), { org: '総務省' }).reports[0]!.fiscalYear!;
  const site = ['--site', 'localhost:/sites/followup'];

  it('writes the workbook and the PDF with the classification label', async () => {
    const xlsx = join(dir, 'r.xlsx');
    const r = await followup(['report', '--org', '総務省', '--year', String(year()), '--layout', 'L-R7', '--label', '機密性2', '--out', xlsx, ...site]);
    expect([r.code, r.stderr]).toEqual([0, expect.stringContaining(`→ ${xlsx}`)]);
    const { default: ExcelJS } = await import('exceljs');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(xlsx);
    const ws = wb.getWorksheet('フォローアップ')!;
    expect(ws.getCell('A1').value).toMatch(/^作成日：令和\d+年\d+月\d+日$/);
    expect(ws.getCell(1, ws.columnCount).value).toBe('機密性2');
    expect(ws.headerFooter.oddHeader).toContain('機密性2');
    const pdf = join(dir, 'r.pdf');
    const p = await followup(['report', '--org', 'soumu', '--year', String(year()), '--layout', 'L-R7', '--label', '機密性2', '--out', pdf, ...site]);
    expect(p.code).toBe(0);
    const bytes = readFileSync(pdf);
    expect(bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(bytes.toString('latin1').match(/\/Type\s*\/Page[^s]/g)?.length ?? 0).toBeGreaterThan(1);
    expect((await followup(['report', '--year', '2024', '--layout', 'L-R7', '--format', 'pdf', ...site])).stderr).toContain('give it with --out');
  });

  it('exports the change history as CSV for Excel and as a workbook, formula-like text neutralised', async () => {
    const { value } = (await admin.context.client.api(admin.context.rowsPath).query({ $filter: `fields/OrgCode eq 'soumu'`, $expand: 'fields', $top: 1 }).get()) as { value: { id: string; fields: { Title: string } }[] };
    const target = value[0]!;
    await admin.context.client.api(`${admin.context.rowsPath}/${target.id}/fields`).patch({ Outcome: '=1+2 成果を確認した' });
    const csv = join(dir, 'h.csv');
    const r = await followup(['report', 'history', '--year', String(year()), '--org', '総務省', '--out', csv, ...site]);
    expect([r.code, r.stderr]).toEqual([0, expect.stringMatching(/^report history: \d+ changes of \d+ rows \(soumu\)/)]);
    const text = readFileSync(csv, 'utf8');
    expect(text.startsWith('\uFEFF"日時","日時（和暦）","変更者"')).toBe(true);
    expect(text).toContain('\r\n');
    const edit = parseCsv(text.slice(1)).find((row) => row[7] === '編集' && row[8] === '成果・課題・今後の取組（Outcome）');
    expect(edit?.[6]).toBe(target.fields.Title);
    // The formula-like value is quoted for Excel; the one before it is the imported text.
    expect(edit?.[10]).toBe("'=1+2 成果を確認した");
    expect(edit?.[9]).not.toBe('');
    const xlsx = join(dir, 'h.xlsx');
    expect((await followup(['report', 'history', '--year', String(year()), '--org', 'soumu', '--out', xlsx, ...site])).code).toBe(0);
    const { default: ExcelJS } = await import('exceljs');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(xlsx);
    const ws = wb.getWorksheet('変更履歴')!;
    const values: unknown[] = [];
    ws.eachRow((row) => row.eachCell((c) => values.push(c.value)));
    expect(values).toContain('=1+2 成果を確認した');
    expect(values.some((v) => typeof v !== 'string')).toBe(false);
    expect((await followup(['report', 'history', '--year', String(year()), '--out', join(dir, 'h.txt'), ...site])).code).toBe(2);
  });
});

describe('npx followup with an unreadable row (#12)', () => {
  it('review status lists it with its column and the hint (exit 3); report refuses naming it, ja then en', async () => {
    const year = importBytes('004_62afef42a3180ecf.txt', readFileSync(SAMPLE), { org: '総務省' }).reports[0]!.fiscalYear!;
    const row = (await admin.open({ fiscalYear: year, orgCode: 'soumu' })).rows.sort((a, b) => a.row.sortOrder - b.row.sortOrder)[0]!;
    const fields = `${admin.context.rowsPath}/${row.itemId}/fields`;
    const before = ((await admin.context.client.api(fields).get()) as { SurveyAnswersJson?: string }).SurveyAnswersJson ?? '';
    await admin.context.client.api(fields).patch({ SurveyAnswersJson: '[{"broken":' });
    try {
      const common = ['--org', '総務省', '--year', String(year), '--site', 'localhost:/sites/followup'];
      const status = await followup(['review', 'status', ...common], 'takahashi');
      expect(status.code).toBe(3);
      expect(status.stdout).toContain(`読み取れない行 1 件 / 1 unreadable row(s):\n  行 ${row.rowKey}（項目 ${row.itemId}） ${row.row.title}`);
      expect(status.stdout).toMatch(/\n {4}SurveyAnswersJson: .+\n {2}SharePoint でこの項目のバージョン履歴を開き、以前のバージョンを復元してください。\n {2}Restore the previous version/);
      // Every other row is still counted.
      expect(status.stdout).toMatch(/: \d+\/\d+ done — 未確認 \d+/);
      const report = await followup(['report', ...common.slice(0, 4), '--layout', 'L-R7', '--site', 'localhost:/sites/followup']);
      expect(report.code).toBe(1);
      expect(report.stdout).toBe('');
      expect(report.stderr).toContain('読み取れない行が 1 件あるため、報告書を作成できません');
      expect(report.stderr).toContain(`行 ${row.rowKey}（項目 ${row.itemId}）`);
      expect(report.stderr).toContain('SurveyAnswersJson: ');
      expect(report.stderr).toContain("The report cannot be built: 1 row(s) cannot be read, and a report without them would be wrong. Restore the previous version from the item's version history in SharePoint.");
    } finally {
      await admin.context.client.api(fields).patch({ SurveyAnswersJson: before });
    }
  });
});
