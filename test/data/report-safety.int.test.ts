// Exported reports are inert (#12): text that begins like a formula stays text in the workbook — read back with exceljs
// and as LibreOffice computes it — and no text becomes markup in the printable HTML.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import ExcelJS from 'exceljs';
import { afterAll, describe, expect, it } from 'vitest';

import type { Report } from '../../src/core/model/schema.js';
import { buildReportBook } from '../../src/core/report/book.js';
import { reportHtml } from '../../src/core/report/html.js';
import { META_ROWS, reportWorkbook } from '../../src/data/report-workbook.js';
import { importBytes } from '../../src/io/import.js';
import { CSV_ALL_SHEETS, convert, findSoffice, parseCsv } from '../support/libreoffice.js';

const SOFFICE = findSoffice();
const SAMPLE = join(import.meta.dirname, '..', '..', 'samples', '003_21f51c2eed719b65.txt');

/** Starts Excel and LibreOffice read as a formula or a command, and markup. */
const HOSTILE = [
  '=1+1',
  '=HYPERLINK("http://example.invalid/","クリック")',
  '+81-3-1234-5678',
  '-2+3',
  '@SUM(A1:A2)',
  '\t=1+1',
  '\r=1+1',
  '＝1+1',
  '＋1＋1',
  ' =1+1',
  '=cmd|\' /C calc\'!A0',
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(1)>',
  '"><svg onload=alert(1)>',
];

/** XML reads a CR in text as a line feed (end-of-line normalisation): `\r=1+1` comes back as `\n=1+1`, still text. */
const AS_READ = HOSTILE.map((t) => t.replace(/\r\n?/g, '\n'));

function hostileReport(): Report {
  const report = importBytes('003.txt', readFileSync(SAMPLE), { org: '財務省' }).reports[0]!;
  const initiatives = report.rows.filter((r) => r.kind === 'initiative');
  expect(initiatives.length).toBeGreaterThanOrEqual(HOSTILE.length);
  // The 項目 cell of one row per string, and the 成果 cell (rich: the lists' HTML) of the first row.
  const rows = report.rows.map((row) => {
    const i = initiatives.indexOf(row);
    if (i < 0 || i >= HOSTILE.length) return row;
    // The first row's 内容 as typed in the tab (plain text: the writer makes it the lists' HTML, escaped).
    return { ...row, title: HOSTILE[i]!, titleRich: null, markerRaw: null, ...(i === 0 ? { narrative: '<script>alert(2)</script>', narrativeRaw: null, entries: [] } : {}) };
  });
  return { ...report, rows };
}

const dir = mkdtempSync(join(tmpdir(), 'report-safety-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('report files are inert', () => {
  const book = buildReportBook([hostileReport()], { today: '2026-12-06', label: '機密性2 <b>&</b>' });

  it('writes every formula-like text as a string cell: exceljs reads it back as the same text, no formula', async () => {
    const bytes = await reportWorkbook(ExcelJS, book, new Date('2026-12-06T00:00:00Z'));
    writeFileSync(join(dir, 'hostile.xlsx'), bytes);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(bytes as unknown as ArrayBuffer);
    const found = new Map<string, ExcelJS.Cell>();
    wb.eachSheet((ws) =>
      ws.eachRow((row) =>
        row.eachCell((cell) => {
          expect(cell.type === ExcelJS.ValueType.Formula || cell.formula !== undefined).toBe(false);
          if (typeof cell.value === 'string' && AS_READ.includes(cell.value)) found.set(cell.value, cell);
        }),
      ),
    );
    expect([...found.keys()].sort()).toEqual([...AS_READ].sort());
    for (const cell of found.values()) {
      expect(cell.type).toBe(ExcelJS.ValueType.String);
      expect(cell.numFmt).toBe('@');
    }
    // No formula element anywhere in the package's sheets.
    const { unzipSync, strFromU8 } = await import('fflate');
    const files = unzipSync(bytes);
    for (const [name, data] of Object.entries(files)) if (name.startsWith('xl/worksheets/')) expect(strFromU8(data)).not.toMatch(/<f[ >]/);
  });

  it('LibreOffice shows the same text, not a computed value', async (ctx) => {
    if (!SOFFICE) {
      process.stdout.write('\nLibreOffice (soffice) is not installed: the formula check through LibreOffice is skipped.\n');
      ctx.skip();
    }
    const stem = convert(SOFFICE!, join(dir, 'hostile.xlsx'), CSV_ALL_SHEETS, join(dir, 'csv'), join(dir, 'profile'));
    const cells = parseCsv(readFileSync(`${stem}-フォローアップ.csv`, 'utf8')).slice(META_ROWS).flat();
    for (const text of AS_READ) expect(cells, JSON.stringify(text)).toContain(text);
  });

  it('escapes every text in the printable HTML and keeps only the lists’ own tags', () => {
    const html = reportHtml(book);
    expect(html).not.toMatch(/<script|<img|<svg onload|<[^>]* on[a-z]+=/i);
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(html).toContain('&quot;&gt;&lt;svg onload=alert(1)&gt;');
    expect(html).toContain('&lt;script&gt;alert(2)&lt;/script&gt;');
    // A rich cell keeps p/ul/li/b/br and nothing else, whatever the lists hold (a raw Graph write can put anything).
    const rich = structuredClone(book);
    rich.sheets[0]!.rows.push({ kind: 'body', cells: [{ text: '<p onclick="x()">成果</p><script>alert(3)</script><img src=x onerror=alert(4)><b>太字</b>', style: 'rich' }] });
    expect(reportHtml(rich)).toContain('<p>成果</p>&lt;script&gt;alert(3)&lt;/script&gt;&lt;img src=x onerror=alert(4)&gt;<b>太字</b>');
    expect(reportHtml(rich)).not.toMatch(/<script|<img|<[^>]* on[a-z]+=/i);
    expect(html).toContain('機密性2 &lt;b&gt;&amp;&lt;/b&gt;');
    // The page runs and loads nothing.
    expect(html).toContain(`content="default-src 'none'; style-src 'unsafe-inline'; img-src data:"`);
  });
});

describe('report workbook cells hold the text a reader sees', () => {
  it('turns the lists’ rich text into plain text with line breaks; the HTML report escapes it', async () => {
    const report = importBytes('003.txt', readFileSync(SAMPLE), { org: '財務省' }).reports[0]!;
    const first = report.rows.find((r) => r.kind === 'initiative')!;
    // As a division types them in the tab (plain text; the writer makes the lists' HTML, escaped).
    const rows = report.rows.map((r) => (r === first ? { ...r, narrative: '研修 & 面談（目標数<実績）', narrativeRaw: null, entries: [], outcome: '成果：参加者が増えた。\n課題：日程の調整。', outcomeRaw: null } : r));
    const typed = buildReportBook([{ ...report, rows }], { today: '2026-12-06' });
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await reportWorkbook(ExcelJS, typed, new Date('2026-12-06T00:00:00Z'))) as unknown as ArrayBuffer);
    const texts: string[] = [];
    wb.eachSheet((ws) => ws.eachRow((row) => row.eachCell((cell) => void (typeof cell.value === 'string' && texts.push(cell.value)))));
    expect(texts).toContain('研修 & 面談（目標数<実績）');
    expect(texts).toContain('成果：参加者が増えた。\n課題：日程の調整。');
    // No markup or entity in any cell: not the typed text's, not the source's own (<p> of 数値, <b> in a 項目).
    expect(texts.filter((t) => /<\/?(?:p|b|br|ul|li)\b|&(?:amp|lt|gt|quot|nbsp|#\d+);/i.test(t))).toEqual([]);
    expect(texts.some((t) => t.includes('全国的な 制度'))).toBe(true);
    const html = reportHtml(typed);
    expect(html).toContain('研修 &amp; 面談（目標数&lt;実績）');
    expect(html).toContain('<p>成果：参加者が増えた。</p><p>課題：日程の調整。</p>');
  });
});
