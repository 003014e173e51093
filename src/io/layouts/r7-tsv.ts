/**
 * Importer for the 令和7年度 TSV layout L-R7 (004): 項目 (two cells) / 具体的な取組時期・内容 / 具体的な成果・課題・今後の取組,
 * with 数値 and 調査 rows (domain §1.5, §6.5) (#2).
 */
import { findIndicator, parseIndicatorCell } from '../../core/indicator/index.js';
import type { ImportResult, Row } from '../../core/model/schema.js';
import { htmlToText, toHalfWidth } from '../../core/text/index.js';
import { FISCAL_YEAR_LABEL } from '../../core/era/index.js';
import { applyNarrative, applyOutcome, flagNonCp932, resolveCycle } from '../tsv/fields.js';
import type { GridLine } from '../tsv/grid.js';
import { cellAt, filledCells, isBlankText } from '../tsv/grid.js';
import type { ColumnSpec } from '../tsv/header.js';
import { ABSENT_COLUMN, columnOf, exactColumn, foldCaption, mapHeader } from '../tsv/header.js';
import { resolveOrganization } from '../tsv/org.js';
import { scanPages } from '../tsv/pages.js';
import { ReportBuilder } from '../tsv/report.js';
import type { CellRole } from '../tsv/row.js';
import { addLineCells, newRow, sourceOf } from '../tsv/row.js';
import { canonicalScope, findSurvey, parseSubFields, scopeAnswer } from '../../core/survey/catalogue.js';
import type { ImportOptions, LayoutImporter, SourceDoc } from '../types.js';

/** The title ends with the 年度 label; the 重点項目 compilation (002) ends with （重点項目） and must not match. */
const TITLE = new RegExp(`取組計画等のフォローアップ\\s*[（(]\\s*${FISCAL_YEAR_LABEL.source}\\s*[）)]\\s*$`);
const R7_COLUMNS: readonly ColumnSpec[] = [
  exactColumn('item', '項目'),
  exactColumn('narrative', '具体的な取組時期・内容'),
  exactColumn('outcome', '具体的な成果・課題・今後の取組'),
];
const R7_WIDTH = 4;
const ITEM_MARKER = /^([0-9]+(?:-[0-9]+)?)(\.?)(?:[\s\u3000]+(.*))?$/s;

const isHeader = (g: GridLine): boolean => foldCaption(cellAt(g, 0)) === '項目' && g.cells.some((c) => foldCaption(c).startsWith('具体的な'));
const RULES = { isTitle: (t: string) => TITLE.test(t), isHeader, isCaptionRow: () => false };

function detect(doc: SourceDoc): number {
  const grid = doc.lines.map((text, i): GridLine => ({ line: i + 1, cells: text.split('\t') }));
  const items = scanPages(grid, RULES);
  const title = items.some((i) => i.kind === 'title');
  const header = items.some((i) => i.kind === 'header');
  if (title && header) return 0.95;
  if (header) return 0.7;
  return title ? 0.6 : 0;
}

function parse(doc: SourceDoc, options: ImportOptions): ImportResult {
  const { file } = doc;
  const grid = doc.lines.map((text, i): GridLine => ({ line: i + 1, cells: text.split('\t') }));
  let lastLine = 0;
  for (const g of grid) if (filledCells(g).length > 0) lastLine = g.line;
  const b = new ReportBuilder(file, 'L-R7');
  const fileIssues = new ReportBuilder(file, 'L-R7');
  let cols: Map<string, number> | null = null;
  let seenTable = false;

  for (const item of scanPages(grid, RULES)) {
    if (item.kind !== 'data') {
      seenTable = true;
      b.addFurniture(item);
      if (item.kind === 'header' && cols === null) cols = mapHeader(file, item.g, R7_COLUMNS, b.issues);
      continue;
    }
    if (!seenTable) {
      fileIssues.rowBeforeHeader(item.g.line);
      continue;
    }
    parseLine(b, item.g, cols, item.g.line === lastLine);
  }
  if (!seenTable) {
    fileIssues.noTable();
    return { reports: [], plans: [], issues: fileIssues.issues };
  }
  const title = b.titleLines ? b.titleLines.map((g) => (g.cells[0] ?? '').trim()).join('') : '';
  const org = resolveOrganization(doc, null, options, b.firstLine, b.issues);
  const { fiscalYear, cycleLabel } = resolveCycle(doc, title, options, b.firstLine, b.issues);
  flagNonCp932(b);
  // The 令和7年度 template ends with item 6 (推進体制・実態把握) and its 調査 rows; without item 6 the file was cut short.
  b.checkTemplateEnd(
    b.rows.some((r) => r.markerNorm === R7_LAST_ITEM_MARKER),
    `項目「${R7_LAST_ITEM_MARKER}」`,
    `item 「${R7_LAST_ITEM_MARKER}」`,
  );
  const report = b.build({
    key: `${org.organizationCode ?? org.organization ?? 'unknown'}/${fiscalYear ?? 'unknown'}/L-R7`,
    ...org,
    fiscalYear,
    cycleLabel,
  });
  return { reports: [report], plans: [], issues: fileIssues.issues };
}

const R7_LAST_ITEM_MARKER = '6';

function parseLine(b: ReportBuilder, g: GridLine, cols: Map<string, number> | null, isLast: boolean): void {
  const cItem = columnOf(cols, 'item', 0) ?? 0;
  const cName = cItem + 1;
  const cN = columnOf(cols, 'narrative', 2) ?? ABSENT_COLUMN;
  const cO = columnOf(cols, 'outcome', 3) ?? ABSENT_COLUMN;
  const c0 = cellAt(g, cItem);
  const c1 = cellAt(g, cName);
  const raw = (c: number): string => g.cells[c] ?? '';
  const filled = filledCells(g);
  if (filled.length === 0) return;
  const roles = new Map<number, CellRole>();
  let row: Row;

  const last = b.lastRow;
  if (c0 === '' && c1 === '' && last?.kind === 'survey' && canonicalScope(cellAt(g, cN)) !== null) {
    // Second scope line of a 調査 (004 line 12).
    last.surveyAnswers.push(scopeAnswer(findSurvey(last.title), cellAt(g, cN), htmlToText(raw(cO)), sourceOf(b.file, g, cO)));
    roles.set(cN, 'survey-scope');
    roles.set(cO, 'survey-answer');
    addLineCells(last, g, roles);
    b.checkComplete(g, R7_WIDTH, isLast, last.key);
    return;
  }

  if (c0 === '数値' || c0 === '調査') {
    const kind = c0 === '数値' ? 'indicator' : 'survey';
    row = newRow({ key: b.keys.claim(`L-R7/${c0}/${c1}`, g.line), kind, sortOrder: 0, source: sourceOf(b.file, g, cName), title: c1 });
    roles.set(cItem, 'kind');
    roles.set(cName, 'title');
    if (kind === 'indicator') readIndicator(b, g, row, cN, roles);
    else readSurvey(b, g, row, cN, cO, roles);
  } else {
    const m = ITEM_MARKER.exec(toHalfWidth(c0));
    let markerRaw: string | null = null;
    let markerNorm: string | null = null;
    let title: string;
    if (m) {
      markerNorm = m[1] ?? null;
      const inCell = (m[3] ?? '').trim();
      if (inCell !== '') {
        markerRaw = c0.slice(0, c0.length - inCell.length).trim();
        title = c0.slice(c0.length - inCell.length).trim();
        roles.set(cItem, 'marker+title');
      } else {
        markerRaw = c0;
        title = c1;
        roles.set(cItem, 'marker');
        if (c1 !== '') roles.set(cName, 'title');
      }
    } else {
      title = c0 !== '' ? c0 : c1;
      if (c0 !== '') roles.set(cItem, 'title');
      else if (c1 !== '') roles.set(cName, 'title');
    }
    if (title === '' && markerNorm === null) {
      b.attachStray(g);
      return;
    }
    row = newRow({
      key: b.keys.claim(`L-R7/${markerNorm ?? title}`, g.line),
      kind: 'initiative',
      sortOrder: 0,
      source: sourceOf(b.file, g, cItem),
      markerRaw,
      markerNorm,
      title,
    });
    if (title === '') {
      b.issue({
        severity: 'warning',
        code: 'MISSING_TITLE',
        line: g.line,
        field: 'title',
        rowKey: row.key,
        message: `${b.file} ${g.line}行目: 項目「${c0}」に名称がありません。`,
        messageEn: `${b.file} line ${g.line}: item "${c0}" has no title.`,
      });
    }
    if (!isBlankText(raw(cN))) {
      applyNarrative(row, raw(cN));
      roles.set(cN, 'narrative');
    }
    if (!isBlankText(raw(cO))) {
      applyOutcome(row, raw(cO));
      roles.set(cO, 'outcome');
    }
  }
  addLineCells(row, g, roles);
  b.addRow(row);
  b.checkComplete(g, R7_WIDTH, isLast, row.key);
}

function readIndicator(b: ReportBuilder, g: GridLine, row: Row, cN: number, roles: Map<number, CellRole>): void {
  const def = findIndicator(row.title);
  row.indicatorCode = def?.code ?? null;
  if (!def) {
    b.issue({
      severity: 'warning',
      code: 'UNKNOWN_INDICATOR',
      line: g.line,
      field: 'title',
      value: row.title,
      rowKey: row.key,
      message: `${b.file} ${g.line}行目: 数値「${row.title}」は一覧にありません。名称のまま取り込みました。`,
      messageEn: `${b.file} line ${g.line}: the indicator "${row.title}" is not in the catalogue; kept by name.`,
    });
  }
  const value = g.cells[cN] ?? '';
  if (isBlankText(value)) {
    b.valueMissing(g, row, cN);
    return;
  }
  roles.set(cN, 'indicator');
  const parsed = parseIndicatorCell(value, { file: b.file, line: g.line, col: cN, field: 'indicatorValues' });
  row.indicatorValues = parsed.values;
  for (const issue of parsed.issues) b.issues.push({ ...issue, rowKey: issue.rowKey ?? row.key });
}

function readSurvey(b: ReportBuilder, g: GridLine, row: Row, cN: number, cO: number, roles: Map<number, CellRole>): void {
  const def = findSurvey(row.title);
  row.surveyCode = def?.code ?? null;
  if (!def) {
    b.issue({
      severity: 'warning',
      code: 'UNKNOWN_SURVEY',
      line: g.line,
      field: 'title',
      value: row.title,
      rowKey: row.key,
      message: `${b.file} ${g.line}行目: 調査「${row.title}」は一覧にありません。名称のまま取り込みました。`,
      messageEn: `${b.file} line ${g.line}: the survey "${row.title}" is not in the catalogue; kept by name.`,
    });
  }
  const first = g.cells[cN] ?? '';
  const second = g.cells[cO] ?? '';
  if (canonicalScope(first) !== null) {
    // 勤務時間管理: the scope label in the first column, the answer in the second.
    row.surveyAnswers.push(scopeAnswer(def, first, htmlToText(second), sourceOf(b.file, g, cO)));
    roles.set(cN, 'survey-scope');
    roles.set(cO, 'survey-answer');
    return;
  }
  if (isBlankText(first)) {
    b.valueMissing(g, row, cN);
  } else {
    const plain = htmlToText(first);
    const answers = parseSubFields(plain, sourceOf(b.file, g, cN));
    const labelled = answers.some((a) => a.subFieldRaw !== null);
    row.surveyAnswers.push(...(labelled ? answers : [scopeAnswer(def, null, plain.replace(/\s*\n\s*/g, ' '), sourceOf(b.file, g, cN))]));
    roles.set(cN, labelled ? 'survey-fields' : 'survey-text');
  }
  if (!isBlankText(second)) {
    applyOutcome(row, second);
    roles.set(cO, 'outcome');
  }
}

export const R7_TSV_IMPORTER: LayoutImporter = {
  id: 'r7-tsv',
  layouts: ['L-R7'],
  detect,
  parse,
};
