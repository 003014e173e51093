/**
 * Importer for the 令和5年度 TSV document (000): the 重点項目 table (L-R5-FOCUS) and the 全体像 table (L-R5-OVERVIEW),
 * domain §1.1, §1.2, §6.3 (#2).
 */
import { parseGuidelineRefs } from '../../core/guideline/index.js';
import { findIndicator, parseIndicatorCell } from '../../core/indicator/index.js';
import type { ImportResult, Layout, Report, Row, Status } from '../../core/model/schema.js';
import { htmlToText, toHalfWidth } from '../../core/text/index.js';
import { FISCAL_YEAR_LABEL } from '../../core/era/index.js';
import { applyNarrative, flagNonCp932, resolveCycle } from '../tsv/fields.js';
import type { GridLine } from '../tsv/grid.js';
import { cellAt, filledCells, isBlankText } from '../tsv/grid.js';
import type { ColumnSpec } from '../tsv/header.js';
import { ABSENT_COLUMN, exactColumn, foldCaption, mapHeader } from '../tsv/header.js';
import { resolveOrganization } from '../tsv/org.js';
import { scanPages, soleText } from '../tsv/pages.js';
import { ReportBuilder } from '../tsv/report.js';
import type { CellRole } from '../tsv/row.js';
import { addLineCells, newRow, sourceOf } from '../tsv/row.js';
import { findSurvey, parseSubFields, scopeAnswer } from '../../core/survey/catalogue.js';
import type { ImportOptions, LayoutImporter, SourceDoc } from '../types.js';

const FOCUS_TITLE = /フォローアップ[（(]重点項目[）)]\s*$/;
const OVERVIEW_TITLE = /フォローアップ[（(]重点項目含む全体像[）)]\s*$/;
/** 「令和5年度 総務省における…」: the 府省等 printed in the title. */
const PRINTED_ORG = new RegExp(`^\\s*${FISCAL_YEAR_LABEL.source}\\s*(\\S+?)における`);

/** 大項目 of the 令和5年度 template (§3.5). */
export const R5_MAJOR_ITEMS = ['ワークライフバランスの推進のための働き方改革', '女性の活躍推進のための改革', '推進体制等'] as const;
/** The 全体像 template's last part: a file without it was cut short (TRUNCATED_DOCUMENT). */
const R5_LAST_MAJOR_ITEM = R5_MAJOR_ITEMS[2];

const FOCUS_COLUMNS: readonly ColumnSpec[] = [exactColumn('focus', '重点項目'), exactColumn('A', 'A'), exactColumn('B', 'B')];
const OVERVIEW_COLUMNS: readonly ColumnSpec[] = [
  exactColumn('major', '大項目'),
  exactColumn('mid', '中項目'),
  exactColumn('A', 'A'),
  exactColumn('B', 'B'),
  exactColumn('C', 'C'),
];

type Section = 'focus' | 'overview';

/** Words only the caption rows (second header row) contain. */
const CAPTION_HINT = /取組時期・内容|取組の実施状況|該当箇所|実施未定」を選択/;

const isFocusHeader = (g: GridLine): boolean => foldCaption(cellAt(g, 0)) === '重点項目' && g.cells.length >= 2;
const isOverviewHeader = (g: GridLine): boolean =>
  foldCaption(cellAt(g, 0)) === '大項目' && foldCaption(cellAt(g, 1)) === '中項目' && g.cells.some((c) => /^[ABCＡＢＣ]$/.test(c.trim()));
const sectionOfTitle = (text: string): Section | null =>
  FOCUS_TITLE.test(text) ? 'focus' : OVERVIEW_TITLE.test(text) ? 'overview' : null;

const STATUS_BY_LABEL: Readonly<Record<string, Status>> = { 実施: 'implemented', 実施未定: 'undecided' };
/** Status for a cell text, or null when the text is not a status value. */
const statusOf = (text: string): Status | null => STATUS_BY_LABEL[toHalfWidth(text).replace(/\s+/g, '')] ?? null;

function detect(doc: SourceDoc): number {
  let title = false;
  let header = false;
  const lines = doc.lines;
  for (let i = 0; i < lines.length; i += 1) {
    const g: GridLine = { line: i + 1, cells: (lines[i] ?? '').split('\t') };
    const sole = soleText(g);
    if (sole !== null) {
      if (sectionOfTitle(sole) !== null) title = true;
      continue;
    }
    if ((isFocusHeader(g) && g.cells.some((c) => c.trim() === 'A')) || isOverviewHeader(g)) header = true;
  }
  if (title && header) return 0.95;
  if (title) return 0.7;
  return header ? 0.6 : 0;
}

/** State while walking the 全体像 rows. */
interface OverviewState {
  major: string | null;
  mid: Row | null;
  subCount: number;
}

function parse(doc: SourceDoc, options: ImportOptions): ImportResult {
  const { file } = doc;
  const grid = doc.lines.map((text, i): GridLine => ({ line: i + 1, cells: text.split('\t') }));
  const lastLine = lastFilledLine(grid);
  const items = scanPages(grid, {
    isTitle: (text) => sectionOfTitle(text) !== null,
    isHeader: (g) => isFocusHeader(g) || isOverviewHeader(g),
    isCaptionRow: (g) => isBlankText(g.cells[0] ?? '') && g.cells.some((c) => CAPTION_HINT.test(c)),
  });

  const builders = new Map<Section, ReportBuilder>();
  const colMaps = new Map<Section, Map<string, number>>();
  const fileIssues: ReportBuilder = new ReportBuilder(file, 'L-R5-OVERVIEW');
  const builderFor = (s: Section): ReportBuilder => {
    let b = builders.get(s);
    if (!b) {
      b = new ReportBuilder(file, s === 'focus' ? 'L-R5-FOCUS' : 'L-R5-OVERVIEW');
      builders.set(s, b);
    }
    return b;
  };
  let section: Section | null = null;
  const state: OverviewState = { major: null, mid: null, subCount: 0 };

  for (const item of items) {
    if (item.kind === 'title') {
      section = sectionOfTitle(item.text);
      if (section) builderFor(section).addFurniture(item);
      continue;
    }
    if (item.kind === 'header') {
      section = isFocusHeader(item.g) ? 'focus' : 'overview';
      const b = builderFor(section);
      b.addFurniture(item);
      if (!colMaps.has(section)) colMaps.set(section, mapHeader(file, item.g, section === 'focus' ? FOCUS_COLUMNS : OVERVIEW_COLUMNS, b.issues));
      continue;
    }
    if (section === null) {
      fileIssues.rowBeforeHeader(item.g.line);
      continue;
    }
    const b = builderFor(section);
    const cols = colMaps.get(section) ?? new Map<string, number>();
    const isLast = item.g.line === lastLine;
    if (section === 'focus') parseFocusLine(b, item.g, cols, isLast);
    else parseOverviewLine(b, item.g, cols, isLast, state);
  }

  const reports: Report[] = [];
  for (const section of ['focus', 'overview'] as const) {
    const b = builders.get(section);
    if (!b) continue;
    reports.push(finishReport(doc, b, options));
  }
  // The 全体像 is "重点項目含む全体像": its ※重点項目「…」参照 rows point at the 重点項目 table of the same document,
  // so the overview carries that table's focus items (printed order belongs to the focus table, hence null).
  const focus = reports.find((r) => r.layout === 'L-R5-FOCUS');
  const overview = reports.find((r) => r.layout === 'L-R5-OVERVIEW');
  if (focus && overview && overview.focusItems.length === 0) {
    overview.focusItems = focus.focusItems.map((f) => ({ ...f, printedOrder: null }));
  }
  if (reports.length === 0) {
    fileIssues.noTable('重点項目表・全体像表の表題または見出し行', '重点項目 or 全体像 table title or header row');
  }
  return { reports, plans: [], issues: fileIssues.issues };
}

function lastFilledLine(grid: readonly GridLine[]): number {
  for (let i = grid.length - 1; i >= 0; i -= 1) {
    const g = grid[i] as GridLine;
    if (filledCells(g).length > 0) return g.line;
  }
  return 0;
}

function finishReport(doc: SourceDoc, b: ReportBuilder, options: ImportOptions): Report {
  const title = b.titleLines ? b.titleLines.map((g) => (g.cells[0] ?? '').trim()).join('') : '';
  const printed = PRINTED_ORG.exec(title)?.[1] ?? null;
  const org = resolveOrganization(doc, printed, options, b.firstLine, b.issues);
  const { fiscalYear, cycleLabel } = resolveCycle(doc, title, options, b.firstLine, b.issues);
  if (!b.titleLines) {
    b.issue({
      severity: 'warning',
      code: 'TITLE_MISSING',
      line: b.firstLine,
      field: 'title',
      message: `${doc.file} ${b.firstLine}行目: 表の表題がありません（年度・府省等が読み取れません）。`,
      messageEn: `${doc.file} line ${b.firstLine}: the table has no title (fiscal year and 府省等 cannot be read).`,
    });
  }
  for (const row of b.rows) {
    if (row.guidelineRefsRaw !== null) row.guidelineRefs = parseGuidelineRefs(htmlToText(row.guidelineRefsRaw), { orgName: org.organization });
  }
  flagNonCp932(b);
  const layout: Layout = b.layout;
  if (layout === 'L-R5-OVERVIEW') {
    b.checkTemplateEnd(
      b.rows.some((r) => r.majorItem === R5_LAST_MAJOR_ITEM),
      `大項目「${R5_LAST_MAJOR_ITEM}」`,
      `the 大項目 「${R5_LAST_MAJOR_ITEM}」`,
    );
  }
  const focusItems =
    layout === 'L-R5-FOCUS' ? b.rows.map((r, i) => ({ name: r.title, number: null, printedOrder: i })) : [];
  return b.build({
    key: `${org.organizationCode ?? org.organization ?? 'unknown'}/${fiscalYear ?? 'unknown'}/${layout}`,
    ...org,
    fiscalYear,
    cycleLabel,
    focusItems,
  });
}

function parseFocusLine(b: ReportBuilder, g: GridLine, cols: Map<string, number>, isLast: boolean): void {
  const cFocus = cols.get('focus') ?? 0;
  const cA = cols.get('A');
  const cB = cols.get('B');
  const name = cellAt(g, cFocus);
  if (name === '' && filledCells(g).length === 0) return;
  if (name === '') {
    b.attachStray(g);
    return;
  }
  const key = b.keys.claim(`L-R5-FOCUS/${name}`, g.line);
  const row = newRow({ key, kind: 'focus', sortOrder: 0, source: sourceOf(b.file, g, cFocus), title: name, focusItem: name });
  const roles = new Map<number, CellRole>([[cFocus, 'title']]);
  if (cA !== undefined && !isBlankText(g.cells[cA] ?? '')) {
    roles.set(cA, 'narrative');
    applyNarrative(row, g.cells[cA] ?? '');
  }
  if (cB !== undefined && !isBlankText(g.cells[cB] ?? '')) {
    roles.set(cB, 'refs');
    // Resolved in finishReport, once the 府省等 is known (plan-specific numbering depends on it).
    row.guidelineRefsRaw = g.cells[cB] ?? '';
  }
  addLineCells(row, g, roles);
  b.addRow(row);
  b.checkComplete(g, FOCUS_COLUMNS.length, isLast, key);
}


const KIND_WORD: Readonly<Record<string, 'indicator' | 'survey'>> = { 数値: 'indicator', 調査: 'survey' };
const MERGED_KIND = /^(数値|調査)[\s\u3000]+(.+)$/;
const MID_MARKER = /^([0-9]+)\s*[.．]\s*(.*)$/;

function parseOverviewLine(b: ReportBuilder, g: GridLine, cols: Map<string, number>, isLast: boolean, st: OverviewState): void {
  const cMajor = cols.get('major') ?? 0;
  const cMid = cols.get('mid') ?? 1;
  // A column the header lacks stays unread (never the template position: it would hold the next column's text).
  const cA = cols.get('A') ?? (cols.size === 0 ? 2 : ABSENT_COLUMN);
  const cB = cols.get('B');
  const cC = cols.get('C');
  const raw = (c: number | undefined): string => (c === undefined ? '' : (g.cells[c] ?? ''));
  const txt = (c: number | undefined): string => raw(c).trim();
  const filled = filledCells(g);
  if (filled.length === 0) return;

  // Row kind printed in the 大項目 column: the whole row sits one cell to the left (§6.3, 000 line 26).
  const shiftedKind = KIND_WORD[txt(cMajor)];
  if (shiftedKind) {
    const valueCol = [cA, cB, cC].find((c) => c !== undefined && txt(c) !== '');
    const row = kindRow(b, g, shiftedKind, txt(cMid), st, [
      [cMajor, 'kind'],
      [cMid, 'title'],
    ]);
    b.issue({
      severity: 'warning',
      code: 'SHIFTED_CELLS',
      line: g.line,
      col: cMajor,
      field: 'title',
      rowKey: row.key,
      message: `${b.file} ${g.line}行目: 行が1列左にずれています（「${txt(cMajor)}」が大項目列、名称が中項目列）。値を読み替えました。`,
      messageEn: `${b.file} line ${g.line}: the row is shifted one cell left ("${txt(cMajor)}" in the 大項目 column, the name in the 中項目 column); read accordingly.`,
    });
    finishKindRow(b, g, row, shiftedKind, valueCol, cC, isLast);
    return;
  }

  const majorText = txt(cMajor);
  const onlyMajor = filled.every((c) => c.col === cMajor);
  if (onlyMajor) {
    b.attachStray(g);
    return;
  }
  const printedMajor = majorText === '' ? null : b.readMajorItem(g, cMajor, majorText, R5_MAJOR_ITEMS);
  if (printedMajor !== null && printedMajor !== st.major) {
    st.major = printedMajor;
    st.mid = null;
  }

  const mid = txt(cMid);
  const merged = MERGED_KIND.exec(mid);
  if (merged) {
    const kind = KIND_WORD[merged[1] ?? ''] ?? 'indicator';
    const valueCol = [cC, cA, cB].find((c) => c !== undefined && txt(c) !== '');
    const mergedRoles: [number, CellRole][] = [[cMid, 'kind+title']];
    if (majorText !== '') mergedRoles.push([cMajor, 'majorItem']);
    const row = kindRow(b, g, kind, (merged[2] ?? '').trim(), st, mergedRoles);
    setMajor(row, st, majorText);
    b.issue({
      severity: 'warning',
      code: 'MERGED_KIND_NAME',
      line: g.line,
      col: cMid,
      field: 'title',
      rowKey: row.key,
      message: `${b.file} ${g.line}行目: 行の種別と名称が1つのセル「${mid}」に入っています。種別「${merged[1] ?? ''}」、名称「${row.title}」として読みました。`,
      messageEn: `${b.file} line ${g.line}: the row kind and name share one cell ("${mid}"); read as kind ${merged[1] ?? ''}, name ${row.title}.`,
    });
    if (valueCol !== undefined && valueCol !== cC) {
      b.issue({
        severity: 'info',
        code: 'CELL_DRIFT',
        line: g.line,
        col: valueCol,
        field: kind === 'indicator' ? 'indicatorValues' : 'surveyAnswers',
        rowKey: row.key,
        message: `${b.file} ${g.line}行目: 値が C 列ではなく ${valueCol} 列目にあります。`,
        messageEn: `${b.file} line ${g.line}: the value is in column ${valueCol}, not in column C.`,
      });
    }
    finishKindRow(b, g, row, kind, valueCol, cC, isLast);
    return;
  }
  const kind = KIND_WORD[mid];
  if (kind) {
    const kindRoles: [number, CellRole][] = [
      [cMid, 'kind'],
      [cA, 'title'],
    ];
    if (majorText !== '') kindRoles.push([cMajor, 'majorItem']);
    const row = kindRow(b, g, kind, txt(cA), st, kindRoles);
    setMajor(row, st, majorText);
    if (kind === 'survey') {
      surveyLine(b, g, row, cB, cC);
      addLineCells(row, g, rolesOfSurvey(row, g, cMajor, cMid, cA, cB, cC));
      b.addRow(row);
      b.checkComplete(g, OVERVIEW_COLUMNS.length, isLast, row.key);
    } else {
      finishKindRow(b, g, row, kind, [cC, cB].find((c) => c !== undefined && txt(c) !== ''), cC, isLast);
    }
    return;
  }

  // A second answer of the survey above (000 line 20: only the scope and the answer are printed).
  const last = b.lastRow;
  if (mid === '' && txt(cA) === '' && last?.kind === 'survey' && last.source.line < g.line) {
    surveyLine(b, g, last, cB, cC);
    addLineCells(last, g, rolesOfSurvey(last, g, cMajor, cMid, cA, cB, cC));
    b.checkComplete(g, OVERVIEW_COLUMNS.length, isLast, last.key);
    return;
  }

  // An initiative: a 中項目 in the 中項目 column, or (000 line 17) a 小項目 title sitting in the status column.
  const roles = new Map<number, CellRole>();
  let row: Row;
  const statusText = txt(cA);
  const status = statusOf(statusText);
  if (mid !== '') {
    const m = MID_MARKER.exec(toHalfWidth(mid));
    const markerRaw = m ? (mid.slice(0, mid.length - (m[2] ?? '').length).trim() || null) : null;
    const title = m ? (m[2] ?? '').trim() : mid;
    const markerNorm = m ? (m[1] ?? null) : null;
    const path = `${st.major ?? '(大項目なし)'}/${markerNorm ?? title}`;
    row = newRow({
      key: b.keys.claim(`L-R5-OVERVIEW/${path}`, g.line),
      kind: 'initiative',
      sortOrder: 0,
      source: sourceOf(b.file, g, cMid),
      level: 1,
      markerRaw,
      markerNorm,
      title,
    });
    roles.set(cMid, markerRaw === null ? 'title' : 'marker+title');
    st.mid = row;
    st.subCount = 0;
    if (status !== null) {
      row.status = status;
      row.statusRaw = statusText;
      roles.set(cA, 'status');
    } else if (statusText !== '') {
      row.statusRaw = statusText;
      roles.set(cA, 'status');
      b.issue({
        severity: 'warning',
        code: 'UNKNOWN_STATUS',
        line: g.line,
        col: cA,
        field: 'status',
        value: statusText,
        rowKey: row.key,
        message: `${b.file} ${g.line}行目: 実施状況「${statusText}」は選択肢（実施／実施未定）にありません。`,
        messageEn: `${b.file} line ${g.line}: status "${statusText}" is not one of the choices (実施 / 実施未定).`,
      });
    }
  } else {
    st.subCount += 1;
    const parent = st.mid;
    const title = status === null ? statusText : '';
    row = newRow({
      key: b.keys.claim(`L-R5-OVERVIEW/${parent ? parent.key.replace(/^L-R5-OVERVIEW\//, '') : (st.major ?? '(大項目なし)')}/小項目${st.subCount}`, g.line),
      kind: 'initiative',
      sortOrder: 0,
      source: sourceOf(b.file, g, cA),
      parentKey: parent?.key ?? null,
      level: parent ? 2 : 1,
      title,
    });
    if (status === null) {
      roles.set(cA, 'title');
      b.issue({
        severity: 'warning',
        code: 'STATUS_COLUMN_HOLDS_TITLE',
        line: g.line,
        col: cA,
        field: 'status',
        value: statusText,
        rowKey: row.key,
        message: `${b.file} ${g.line}行目: 実施状況の列に小項目名「${statusText}」が入っています。${parent ? `「${parent.title}」の小項目として` : '小項目として'}取り込み、実施状況は空欄としました。`,
        messageEn: `${b.file} line ${g.line}: the status column holds a 小項目 title ("${statusText}"); imported as a 小項目${parent ? ` of "${parent.title}"` : ''} with a blank status.`,
        proposal: { value: `小項目: ${statusText}`, confidence: 0.85 },
      });
    } else {
      row.status = status;
      row.statusRaw = statusText;
      roles.set(cA, 'status');
      b.issue({
        severity: 'warning',
        code: 'MISSING_TITLE',
        line: g.line,
        field: 'title',
        rowKey: row.key,
        message: `${b.file} ${g.line}行目: 中項目・小項目の名称がない行です。`,
        messageEn: `${b.file} line ${g.line}: the row has no 中項目 or 小項目 title.`,
      });
    }
  }
  setMajor(row, st, majorText);
  if (printedMajor !== null || majorText !== '') roles.set(cMajor, 'majorItem');
  const reason = raw(cB);
  if (cB !== undefined && !isBlankText(reason)) {
    row.reasonNotPlanned = reason.trim();
    roles.set(cB, 'reason');
  }
  const narrative = raw(cC);
  if (cC !== undefined && !isBlankText(narrative)) {
    applyNarrative(row, narrative);
    roles.set(cC, 'narrative');
  }
  addLineCells(row, g, roles);
  b.addRow(row);
  b.checkComplete(g, OVERVIEW_COLUMNS.length, isLast, row.key);
  checkStatusFields(b, g, row);
}

/** Status rules that can be checked on import (§8.4): a reason only with 実施未定; a blank status is reported. */
function checkStatusFields(b: ReportBuilder, g: GridLine, row: Row): void {
  if (row.status === 'undecided' && row.reasonNotPlanned === null) {
    b.reasonMissing(g, row);
  }
  if (row.status === null && row.crossRef === null && row.statusRaw === null && row.narrative !== null) {
    b.issue({
      severity: 'warning',
      code: 'STATUS_BLANK',
      line: g.line,
      field: 'status',
      rowKey: row.key,
      message: `${b.file} ${g.line}行目: 実施状況が空欄です。`,
      messageEn: `${b.file} line ${g.line}: the status is blank.`,
    });
  }
}


function setMajor(row: Row, st: OverviewState, raw: string): void {
  row.majorItemRaw = raw === '' ? null : raw;
  row.majorItem = st.major;
}

/** Creates a 数値 / 調査 row under the current 中項目 (the 全体像 prints them inside its 中項目 group). */
function kindRow(
  b: ReportBuilder,
  g: GridLine,
  kind: 'indicator' | 'survey',
  name: string,
  st: OverviewState,
  roles: [number, CellRole][],
): Row {
  const word = kind === 'indicator' ? '数値' : '調査';
  const parent = st.mid;
  const row = newRow({
    key: b.keys.claim(`L-R5-OVERVIEW/${word}/${name}`, g.line),
    kind,
    sortOrder: 0,
    source: sourceOf(b.file, g, roles[0]?.[0]),
    parentKey: parent?.key ?? null,
    level: parent ? 2 : 1,
    majorItem: st.major,
    title: name,
  });
  for (const [col, role] of roles) row.cells.push({ text: g.cells[col] ?? '', line: g.line, col, role });
  if (kind === 'survey') {
    const def = findSurvey(name);
    row.surveyCode = def?.code ?? null;
    if (!def) unknownName(b, g, row, 'survey');
  }
  return row;
}

function unknownName(b: ReportBuilder, g: GridLine, row: Row, kind: 'indicator' | 'survey'): void {
  const ja = kind === 'indicator' ? '数値' : '調査';
  b.issue({
    severity: 'warning',
    code: kind === 'indicator' ? 'UNKNOWN_INDICATOR' : 'UNKNOWN_SURVEY',
    line: g.line,
    field: 'title',
    value: row.title,
    rowKey: row.key,
    message: `${b.file} ${g.line}行目: ${ja}「${row.title}」は一覧にありません。名称のまま取り込みました。`,
    messageEn: `${b.file} line ${g.line}: the ${kind} "${row.title}" is not in the catalogue; kept by name.`,
  });
}

/** Reads the value of a 数値 row (or the answer of a 調査 row printed as kind+name) and adds the row. */
function finishKindRow(
  b: ReportBuilder,
  g: GridLine,
  row: Row,
  kind: 'indicator' | 'survey',
  valueCol: number | undefined,
  expectedCol: number | undefined,
  isLast: boolean,
): void {
  const roles = new Map<number, CellRole>(row.cells.map((c) => [c.col, (c.role ?? 'extra') as CellRole]));
  row.cells = [];
  if (kind === 'indicator') {
    const def = findIndicator(row.title);
    row.indicatorCode = def?.code ?? null;
    if (!def) unknownName(b, g, row, 'indicator');
    if (valueCol !== undefined) {
      roles.set(valueCol, 'indicator');
      const parsed = parseIndicatorCell(g.cells[valueCol] ?? '', { file: b.file, line: g.line, col: valueCol, field: 'indicatorValues' });
      row.indicatorValues = parsed.values;
      for (const issue of parsed.issues) b.issues.push({ ...issue, rowKey: issue.rowKey ?? row.key });
    } else {
      b.valueMissing(g, row, expectedCol);
    }
  } else if (valueCol !== undefined) {
    roles.set(valueCol, 'survey-fields');
    row.surveyAnswers = parseSubFields(htmlToText(g.cells[valueCol] ?? ''), sourceOf(b.file, g, valueCol));
  } else {
    b.valueMissing(g, row, expectedCol);
  }
  addLineCells(row, g, roles);
  b.addRow(row);
  b.checkComplete(g, OVERVIEW_COLUMNS.length, isLast, row.key);
}

/** Adds the answer(s) of one survey line: scope + answer (勤務時間管理) or labelled sub-fields (多面観察…). */
function surveyLine(b: ReportBuilder, g: GridLine, row: Row, cB: number | undefined, cC: number | undefined): void {
  const scope = cB === undefined ? '' : (g.cells[cB] ?? '').trim();
  const answer = cC === undefined ? '' : (g.cells[cC] ?? '');
  const def = findSurvey(row.title);
  if (scope !== '') {
    row.surveyAnswers.push(scopeAnswer(def, scope, htmlToText(answer), sourceOf(b.file, g, cC ?? cB)));
  } else if (!isBlankText(answer) && cC !== undefined) {
    row.surveyAnswers.push(...parseSubFields(htmlToText(answer), sourceOf(b.file, g, cC)));
  } else {
    b.valueMissing(g, row, cC);
  }
}

function rolesOfSurvey(
  row: Row,
  g: GridLine,
  cMajor: number,
  cMid: number,
  cA: number,
  cB: number | undefined,
  cC: number | undefined,
): Map<number, CellRole> {
  const roles = new Map<number, CellRole>();
  const existing = row.cells.filter((c) => c.line === g.line);
  for (const c of existing) roles.set(c.col, (c.role ?? 'extra') as CellRole);
  row.cells = row.cells.filter((c) => c.line !== g.line);
  roles.set(cMajor, 'majorItem');
  if (!roles.has(cMid)) roles.set(cMid, 'kind');
  if (!roles.has(cA)) roles.set(cA, 'title');
  const scoped = cB !== undefined && cellAt(g, cB) !== '';
  if (cB !== undefined) roles.set(cB, 'survey-scope');
  if (cC !== undefined) roles.set(cC, scoped ? 'survey-answer' : 'survey-fields');
  return roles;
}

export const R5_TSV_IMPORTER: LayoutImporter = {
  id: 'r5-tsv',
  layouts: ['L-R5-FOCUS', 'L-R5-OVERVIEW'],
  detect,
  parse,
};
