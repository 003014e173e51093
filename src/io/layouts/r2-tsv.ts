/**
 * Importer for the 令和2年度 TSV layout L-R2 (003): 大項目 / 中項目 / 小項目 markers, (A) status, (B) reason, (C) narrative,
 * (D) outcome, with the cell drift, OCR markers, garbled 大項目 and split lines of domain §1.3, §2.2, §3.4, §6.4 (#2).
 */
import { findIndicator, parseIndicatorCell } from '../../core/indicator/index.js';
import type { ImportResult, Row, SplitKind, Status } from '../../core/model/schema.js';
import { SPLIT_KINDS } from '../../core/model/schema.js';
import { htmlToText, toHalfWidth } from '../../core/text/index.js';
import { FISCAL_YEAR_LABEL } from '../../core/era/index.js';
import { applyNarrative, applyOutcome, flagNonCp932, resolveCycle } from '../tsv/fields.js';
import type { GridLine } from '../tsv/grid.js';
import { cellAt, filledCells, isBlankText } from '../tsv/grid.js';
import type { ColumnSpec } from '../tsv/header.js';
import { containsColumn, exactColumn, foldCaption, mapHeader } from '../tsv/header.js';
import { resolveOrganization } from '../tsv/org.js';
import { scanPages, soleText } from '../tsv/pages.js';
import { ReportBuilder } from '../tsv/report.js';
import type { CellRole } from '../tsv/row.js';
import { addLineCells, newRow, sourceOf } from '../tsv/row.js';
import type { ImportOptions, LayoutImporter, SourceDoc } from '../types.js';

/** 大項目 of the 令和2年度 template; the second is reconstructed from its garbled vertical prints (§6.4). */
export const R2_MAJOR_ITEMS = ['働き方改革', '育児・介護等と両立して活躍できるための改革', '女性の活躍推進のための改革', 'その他'] as const;
/** The template's last part: a file without it was cut short (TRUNCATED_DOCUMENT). */
const R2_LAST_MAJOR_ITEM = R2_MAJOR_ITEMS[3];

const TITLE = new RegExp(`^(?:#+\\s*)?${FISCAL_YEAR_LABEL.source}\\s*.*取組計画等の?フォローアップ\\s*$`);
const R2_COLUMNS: readonly ColumnSpec[] = [
  exactColumn('major', '大項目'),
  exactColumn('mid', '中項目'),
  containsColumn('A', '各取組の実施状況 (A)', '(A)'),
  containsColumn('B', '(A)で「実施未定」を選択した場合の理由 (B)', '(B)'),
  containsColumn('C', '取組を行った(行う)時期、取組内容及び取組における工夫 (C)', '(C)'),
  containsColumn('D', '取組を行ったことによる具体的な成果 (D)', '(D)'),
];
/** Physical width of an L-R2 line (the 8th, trailing cell is empty when present). */
const R2_WIDTH = 7;

const isHeader = (g: GridLine): boolean =>
  foldCaption(cellAt(g, 0)) === '大項目' && foldCaption(cellAt(g, 1)) === '中項目' && g.cells.some((c) => /\([A-D]\)/.test(foldCaption(c)));
const isCaptionRow = (g: GridLine): boolean => foldCaption(cellAt(g, 1)) === '小項目' && cellAt(g, 0) === '';

const STATUS_BY_LABEL: Readonly<Record<string, Status>> = { 実施: 'implemented', 実施未定: 'undecided' };
const SPLIT_SHORT: Readonly<Record<SplitKind, string>> = { 独自実施のもの: '独自', 内閣人事局・人事院が実施するものへの派遣: '派遣' };
const SPLIT_RE = new RegExp(`^\\((${SPLIT_KINDS.join('|')})\\)\\s*(実施|実施未定)?$`);
const MARKER_RE = /^([0-9]{1,2}|[a-z]|[アイウエオカ])$/;
const MARKER_TITLE_RE = /^([0-9]{1,2}|[a-z]|[アイウエオカ])[\s\u3000]+(.+)$/s;
const INDICATOR_VALUE = /(?:目標|現状|目標設定時)\s*[：:]/;

function detect(doc: SourceDoc): number {
  let title = false;
  let header = false;
  doc.lines.forEach((text, i) => {
    const g: GridLine = { line: i + 1, cells: text.split('\t') };
    const sole = soleText(g);
    if (sole !== null) {
      if (TITLE.test(sole.trim())) title = true;
    } else if (isHeader(g)) {
      header = true;
    }
  });
  if (title && header) return 0.95;
  if (header) return 0.7;
  return title ? 0.6 : 0;
}

type Cls =
  | { t: 'status'; status: Status; raw: string }
  | { t: 'split'; split: SplitKind; status: Status | null; raw: string }
  | { t: 'marker'; marker: string }
  | { t: 'markerTitle'; marker: string; title: string }
  | { t: 'text'; raw: string };

function classify(raw: string): Cls {
  const text = raw.trim();
  const half = toHalfWidth(text);
  const status = STATUS_BY_LABEL[half.replace(/\s+/g, '')];
  if (status) return { t: 'status', status, raw: text };
  const split = SPLIT_RE.exec(half);
  if (split) {
    const s = split[2] === undefined ? null : (STATUS_BY_LABEL[split[2]] ?? null);
    return { t: 'split', split: split[1] as SplitKind, status: s, raw: text };
  }
  if (MARKER_RE.test(half)) return { t: 'marker', marker: half };
  const mt = MARKER_TITLE_RE.exec(half);
  if (mt && !INDICATOR_VALUE.test(text)) {
    // The title keeps its printed characters; only the marker is read half-width.
    const title = text.replace(/^\S+[\s\u3000]+/, '');
    return { t: 'markerTitle', marker: mt[1] ?? '', title };
  }
  return { t: 'text', raw };
}

/** Walking state (§2.2 attachment rules). */
interface State {
  major: string | null;
  mid: { number: string; row: Row | null; path: string } | null;
  letter: { letter: string; row: Row | null } | null;
  lastTitled: Row | null;
}

function parse(doc: SourceDoc, options: ImportOptions): ImportResult {
  const { file } = doc;
  const grid = doc.lines.map((text, i): GridLine => ({ line: i + 1, cells: text.split('\t') }));
  let lastLine = 0;
  for (const g of grid) if (filledCells(g).length > 0) lastLine = g.line;
  const items = scanPages(grid, { isTitle: (t) => TITLE.test(t), isHeader, isCaptionRow });
  const b = new ReportBuilder(file, 'L-R2');
  const fileIssues: ReportBuilder = new ReportBuilder(file, 'L-R2');
  const st: State = { major: null, mid: null, letter: null, lastTitled: null };
  let cols: Map<string, number> | null = null;
  let seenTable = false;

  items.forEach((item, idx) => {
    if (item.kind !== 'data') {
      seenTable = true;
      b.addFurniture(item);
      if (item.kind === 'header' && cols === null) cols = mapHeader(file, item.g, R2_COLUMNS, b.issues);
      return;
    }
    if (!seenTable) {
      fileIssues.rowBeforeHeader(item.g.line);
      return;
    }
    // Scan forward without copying the rest of the list (slicing made a large file quadratic, #8 item 5).
    let next: (typeof items)[number] | undefined;
    for (let k = idx + 1; k < items.length && !next; k++) if (items[k]?.kind === 'data') next = items[k];
    parseLine(b, item.g, st, cols ?? new Map<string, number>(), item.g.line === lastLine, next?.kind === 'data' ? next.g : null);
  });

  if (!seenTable) {
    fileIssues.noTable();
    return { reports: [], plans: [], issues: fileIssues.issues };
  }
  const title = b.titleLines ? b.titleLines.map((g) => (g.cells[0] ?? '').trim()).join('').replace(/^#+\s*/, '') : '';
  const org = resolveOrganization(doc, null, options, b.firstLine, b.issues);
  const { fiscalYear, cycleLabel } = resolveCycle(doc, title, options, b.firstLine, b.issues);
  flagNonCp932(b);
  b.checkTemplateEnd(
    b.rows.some((r) => r.majorItem === R2_LAST_MAJOR_ITEM),
    `大項目「${R2_LAST_MAJOR_ITEM}」`,
    `the 大項目 「${R2_LAST_MAJOR_ITEM}」`,
  );
  const report = b.build({
    key: `${org.organizationCode ?? org.organization ?? 'unknown'}/${fiscalYear ?? 'unknown'}/L-R2`,
    ...org,
    fiscalYear,
    cycleLabel,
  });
  report.title = title;
  return { reports: [report], plans: [], issues: fileIssues.issues };
}


type AfterStatus = 'B' | 'C' | 'D';

/**
 * The columns that follow the status, as the header has them: a column the header lacks is skipped, so a dropped
 * (C) column leaves the narrative null instead of reading the (D) outcome into it. Without a header, the template's.
 */
function afterStatus(cols: ReadonlyMap<string, number>, undecided: boolean): AfterStatus[] {
  const ids: AfterStatus[] = undecided ? ['B', 'C', 'D'] : ['C', 'D'];
  return cols.size === 0 ? ids : ids.filter((id) => cols.has(id));
}

function readAfterStatus(row: Row, id: AfterStatus, cell: { col: number; raw: string }, roles: Map<number, CellRole>): void {
  if (id === 'B') {
    row.reasonNotPlanned = htmlToText(cell.raw);
    roles.set(cell.col, 'reason');
  } else if (id === 'C') {
    applyNarrative(row, cell.raw);
    roles.set(cell.col, 'narrative');
  } else {
    applyOutcome(row, cell.raw);
    roles.set(cell.col, 'outcome');
  }
}

function parseLine(b: ReportBuilder, g: GridLine, st: State, cols: Map<string, number>, isLast: boolean, next: GridLine | null): void {
  if (filledCells(g).length === 0) return;
  const roles = new Map<number, CellRole>();
  // Every note names the model field it concerns (markerRaw, title, status…).
  const pending: { code: string; sev: 'info' | 'warning'; field: string; col: number; ja: string; en: string; proposal?: { value: string; confidence: number } }[] = [];
  const note = (code: string, sev: 'info' | 'warning', field: string, col: number, ja: string, en: string, proposal?: { value: string; confidence: number }): void => {
    pending.push(proposal ? { code, sev, field, col, ja, en, proposal } : { code, sev, field, col, ja, en });
  };

  // Column 0: the 大項目, or (003 line 57) a 中項目 number printed there. Issues raised before the row exists get its key below.
  const issuesBefore = b.issues.length;
  const c0 = cellAt(g, 0);
  const markers: { marker: string; col: number }[] = [];
  let printedMajor: string | null = null;
  if (c0 !== '') {
    if (MARKER_RE.test(toHalfWidth(c0)) && /^[0-9]+$/.test(toHalfWidth(c0))) {
      markers.push({ marker: toHalfWidth(c0), col: 0 });
      roles.set(0, 'marker');
      note('CELL_DRIFT', 'info', 'markerRaw', 0, `中項目の番号「${c0}」が大項目の列にあります。`, `the 中項目 number "${c0}" is printed in the 大項目 column.`);
    } else {
      printedMajor = b.readMajorItem(g, 0, c0, R2_MAJOR_ITEMS);
      roles.set(0, 'majorItem');
      if (printedMajor !== st.major) {
        st.major = printedMajor;
        st.mid = null;
        st.letter = null;
      }
    }
  }

  // Walk the cells: markers and title before the status; reason / narrative / outcome after it.
  let title: { text: string; col: number } | null = null;
  let split: SplitKind | null = null;
  let status: { status: Status; raw: string; col: number } | null = null;
  const after: { col: number; raw: string }[] = [];
  for (let col = 1; col < g.cells.length; col += 1) {
    const raw = g.cells[col] ?? '';
    if (isBlankText(raw)) continue;
    if (status) {
      after.push({ col, raw });
      continue;
    }
    const c = classify(raw);
    if (c.t === 'status') {
      status = { status: c.status, raw: c.raw, col };
      roles.set(col, 'status');
    } else if (c.t === 'split') {
      split = c.split;
      if (c.status) {
        status = { status: c.status, raw: c.raw, col };
        roles.set(col, 'split+status');
        note('MERGED_SPLIT_STATUS', 'info', 'status', col, `区分と実施状況が1つのセル「${c.raw}」に入っています。`, `the split label and the status share one cell ("${c.raw}").`);
      } else {
        roles.set(col, 'split');
      }
    } else if (c.t === 'marker' && title === null) {
      markers.push({ marker: c.marker, col });
      roles.set(col, 'marker');
    } else if (c.t === 'markerTitle' && title === null) {
      markers.push({ marker: c.marker, col });
      title = { text: c.title, col };
      roles.set(col, 'marker+title');
      note('MERGED_MARKER_TITLE', 'info', 'markerRaw', col, `番号と名称が1つのセルに入っています（「${c.marker}」）。`, `the marker and the title share one cell ("${c.marker}").`);
    } else if (title === null) {
      title = { text: raw.trim(), col };
      roles.set(col, 'title');
    } else {
      // A second text before any status: the value of a 数値 row (003 lines 45, 46, 76, 77), or an unexpected cell.
      after.push({ col, raw });
    }
  }

  const indicatorCell = status === null ? after.find((a) => INDICATOR_VALUE.test(a.raw)) : undefined;
  const kind: Row['kind'] = indicatorCell ? 'indicator' : status === null && title !== null && after.length === 0 ? 'heading' : 'initiative';

  // Markers → 中項目 number, letter group, katakana (§2.2 rules 1–4).
  let num: string | null = null;
  let letter: string | null = null;
  let kana: string | null = null;
  const hasLetter = markers.some((m) => /^[a-hj-z]$/.test(m.marker));
  for (const m of markers) {
    if (/^[0-9]+$/.test(m.marker)) {
      // §2.2 rule 2: `7` beside a letter, or out of the numbering and in the katakana position / before イ, is ア.
      const outOfSequence = st.mid?.number !== '6';
      if (m.marker === '7' && (hasLetter || (outOfSequence && (nextIsI(next) || m.col >= 2)))) {
        kana = 'ア';
        note('OCR_7_AS_A', 'warning', 'markerRaw', m.col, '「7」はカタカナ「ア」の読み取り誤りとみなしました。', '"7" read as the katakana ア (an OCR error).', {
          value: 'ア',
          confidence: hasLetter ? 0.9 : 0.7,
        });
      } else {
        num = m.marker;
        if (m.col >= 2) {
          note('CELL_DRIFT', 'info', 'markerRaw', m.col, `中項目の番号「${m.marker}」が小項目の列にあります（番号の連続から中項目とみなしました）。`, `the 中項目 number "${m.marker}" is printed in the 小項目 column (read as a 中項目 because it continues the numbering).`, { value: `中項目 ${m.marker}`, confidence: 0.85 });
        }
      }
    } else if (m.marker === 'i') {
      kana = 'イ';
      note('OCR_I_AS_I', 'warning', 'markerRaw', m.col, '「i」はカタカナ「イ」とみなしました（ア・ウの間）。確認してください。', '"i" read as the katakana イ (between ア and ウ); please confirm.', { value: 'イ', confidence: 0.75 });
    } else if (/^[a-z]$/.test(m.marker)) {
      letter = m.marker;
    } else {
      kana = m.marker;
    }
  }
  const markerRaw = markers.length > 0 ? markers.map((m) => m.marker).join(' ') : null;

  const major = st.major ?? '(大項目なし)';
  let row: Row;
  const base = { sortOrder: 0, source: sourceOf(b.file, g), majorItem: st.major, majorItemRaw: printedMajor === null ? null : c0, markerRaw };
  if (split !== null && title === null && num === null && st.lastTitled !== null) {
    // A split line: status and narrative of one delivery mode of the titled row above (§2.2 rule 5).
    const parent = st.lastTitled;
    row = newRow({
      ...base,
      key: b.keys.claim(`${parent.key}/${SPLIT_SHORT[split]}`, g.line),
      kind: 'initiative',
      parentKey: parent.key,
      level: 4,
      title: '',
      markerNorm: kana ?? letter,
      splitKind: split,
    });
    if (kana !== null) {
      note('SPLIT_MARKER', 'info', 'markerRaw', markers[0]?.col ?? 0, `区分行に記号「${markerRaw ?? ''}」があります。直前の取組「${parent.title}」の区分行として取り込みました。`, `the split line carries the marker "${markerRaw ?? ''}"; imported as a split line of "${parent.title}".`);
    }
  } else if (kind === 'indicator') {
    const name = title?.text ?? '';
    if (num !== null) st.mid = { number: num, row: null, path: `${major}/${num}` };
    st.letter = null;
    row = newRow({ ...base, key: b.keys.claim(`L-R2/数値/${name}`, g.line), kind, level: 1, markerNorm: num, title: name });
    const def = findIndicator(name);
    row.indicatorCode = def?.code ?? null;
    if (!def) {
      note('UNKNOWN_INDICATOR', 'warning', 'indicatorCode', title?.col ?? 0, `数値「${name}」は一覧にありません。名称のまま取り込みました。`, `the indicator "${name}" is not in the catalogue; kept by name.`);
    }
    if (indicatorCell) {
      roles.set(indicatorCell.col, 'indicator');
      const parsed = parseIndicatorCell(indicatorCell.raw, { file: b.file, line: g.line, col: indicatorCell.col, field: 'indicatorValues' });
      row.indicatorValues = parsed.values;
      for (const issue of parsed.issues) b.issues.push({ ...issue, rowKey: issue.rowKey ?? row.key });
    }
  } else {
    let path: string;
    let parent: Row | null = null;
    let level: number;
    let markerNorm: string | null;
    if (num !== null) {
      path = `${major}/${num}`;
      level = 1;
      markerNorm = num;
      st.letter = null;
    } else if (letter !== null || kana !== null) {
      const midPath = st.mid?.path ?? major;
      parent = st.mid?.row ?? null;
      if (letter !== null) st.letter = { letter, row: null };
      const useLetter = letter ?? st.letter?.letter ?? null;
      markerNorm = [useLetter, kana].filter((x) => x !== null).join('/');
      path = `${midPath}/${markerNorm}`;
      level = kana !== null ? 3 : 2;
      if (kana === null) parent = st.mid?.row ?? null;
      else if (st.letter?.row) parent = st.letter.row;
    } else if (title !== null) {
      parent = st.mid?.row ?? null;
      path = `${st.mid?.path ?? major}/${title.text}`;
      level = parent ? 2 : 1;
      markerNorm = null;
    } else {
      path = major;
      level = 1;
      markerNorm = null;
    }
    row = newRow({
      ...base,
      key: b.keys.claim(`L-R2/${path}`, g.line),
      kind,
      parentKey: parent?.key ?? null,
      level,
      markerNorm,
      title: title?.text ?? (path === major ? major : ''),
      splitKind: split,
    });
    if (num !== null) st.mid = { number: num, row, path };
    if (letter !== null && kana === null) st.letter = { letter, row };
  }

  if (title !== null && kind !== 'indicator') {
    if (/<[a-z]/i.test(title.text)) {
      row.titleRich = title.text;
      row.title = htmlToText(title.text);
    }
    if (title.col >= 4 && (status?.col ?? 99) > title.col) {
      note('CELL_DRIFT', 'info', 'title', title.col, `名称が ${title.col} 列目にずれています。`, `the title is shifted to column ${title.col}.`);
    }
  }
  if (status) {
    row.status = status.status;
    row.statusRaw = status.raw;
    const expected = cols.get('A') ?? 3;
    if (status.col !== expected) {
      note('CELL_DRIFT', 'info', 'status', status.col, `実施状況が (A) 列（${expected}列目）ではなく ${status.col} 列目にあります。`, `the status is in column ${status.col}, not in the (A) column (${expected}).`);
    }
    // The filled cells after the status, in the order of the columns the header has: (B) only for 実施未定.
    const rest = [...after];
    for (const id of afterStatus(cols, status.status === 'undecided')) {
      const cell = rest.shift();
      if (cell) readAfterStatus(row, id, cell, roles);
    }
  } else if (kind === 'initiative' && after.length > 0 && !indicatorCell) {
    const first = afterStatus(cols, false)[0];
    const cell = after[0];
    if (first && cell) readAfterStatus(row, first, cell, roles);
  }
  if (title !== null) st.lastTitled = row;

  for (const issue of b.issues.slice(issuesBefore)) issue.rowKey ??= row.key;
  for (const p of pending) {
    b.issue({
      severity: p.sev,
      code: p.code,
      line: g.line,
      col: p.col,
      field: p.field,
      rowKey: row.key,
      message: `${b.file} ${g.line}行目: ${p.ja}`,
      messageEn: `${b.file} line ${g.line}: ${p.en}`,
      ...(p.proposal ? { proposal: p.proposal } : {}),
    });
  }
  if (row.status === 'undecided' && row.reasonNotPlanned === null) {
    b.reasonMissing(g, row, ' (B)');
  }
  if (kind === 'initiative' && row.status === null && row.narrative !== null) {
    b.issue({
      severity: 'warning',
      code: 'STATUS_BLANK',
      line: g.line,
      field: 'status',
      rowKey: row.key,
      message: `${b.file} ${g.line}行目: 実施状況 (A) が空欄です。`,
      messageEn: `${b.file} line ${g.line}: the status (A) is blank.`,
    });
  }
  const firstCol = [...roles.keys()].sort((x, y) => x - y)[0];
  if (firstCol !== undefined) row.source = sourceOf(b.file, g, title?.col ?? firstCol);
  addLineCells(row, g, roles);
  b.addRow(row);
  b.checkComplete(g, R2_WIDTH, isLast, row.key);
}

/** Whether the next data line starts with イ (§2.2 rule 2: a lone `7` followed by イ is ア). */
function nextIsI(next: GridLine | null): boolean {
  if (!next) return false;
  const first = next.cells.slice(1).find((c) => !isBlankText(c));
  return first !== undefined && /^イ(?:[\s\u3000]|$)/.test(first.trim());
}

export const R2_TSV_IMPORTER: LayoutImporter = {
  id: 'r2-tsv',
  layouts: ['L-R2'],
  detect,
  parse,
};
