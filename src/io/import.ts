/**
 * Import dispatcher (#2): decodes bytes, rejects what is not a follow-up document with a clear issue, picks the
 * layout importer, and validates what it produced against the model schema so no half-filled row passes as complete.
 */
import { ImportIssue, type ImportResult, Plan, Report, Row } from '../core/model/schema.js';
import { IMPORTERS } from './layouts/index.js';
import type { ImportOptions, LayoutImporter, SourceDoc } from './types.js';

/** Below this detection confidence a document is reported as "not a follow-up document". */
const MIN_DETECT_CONFIDENCE = 0.5;

const fileIssue = (file: string, code: string, message: string, messageEn: string, line = 0): ImportIssue => ({
  severity: 'error',
  code,
  file,
  line,
  message,
  messageEn,
});

const empty = (issues: ImportIssue[]): ImportResult => ({ reports: [], plans: [], issues });

/**
 * Where UTF-8 decoding first fails: byte offset, and whether the bad bytes are only an incomplete sequence at the very
 * end (a file cut inside a multi-byte character). Null when the bytes are valid UTF-8.
 */
export function findInvalidUtf8(bytes: Uint8Array): { offset: number; truncatedTail: boolean } | null {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i] ?? 0;
    const need = b < 0x80 ? 0 : b >= 0xc2 && b <= 0xdf ? 1 : b >= 0xe0 && b <= 0xef ? 2 : b >= 0xf0 && b <= 0xf4 ? 3 : -1;
    if (need < 0) return { offset: i, truncatedTail: false };
    for (let k = 1; k <= need; k++) {
      if (i + k >= bytes.length) return { offset: i, truncatedTail: true };
      const c = bytes[i + k] ?? 0;
      // The second byte of E0/ED/F0/F4 has a narrower range (no overlongs, no surrogates, nothing above U+10FFFF).
      const lo = k === 1 && b === 0xe0 ? 0xa0 : k === 1 && b === 0xf0 ? 0x90 : 0x80;
      const hi = k === 1 && b === 0xed ? 0x9f : k === 1 && b === 0xf4 ? 0x8f : 0xbf;
      if (c < lo || c > hi) return { offset: i, truncatedTail: false };
    }
    i += need + 1;
  }
  return null;
}

/** 1-based line of a byte offset (counts LF bytes before it; CR-only files are not produced by the exports we read). */
const lineOfOffset = (bytes: Uint8Array, offset: number): number => {
  let line = 1;
  for (let i = 0; i < offset; i++) if (bytes[i] === 0x0a) line++;
  return line;
};

/**
 * Decodes a file's bytes as UTF-8 text. Returns an issue instead when the bytes are binary or not UTF-8 (naming the
 * line of the first bad byte). A file cut inside its last character is decoded up to the cut, with an error issue
 * (`warning` is the importer's business; a cut file is always an error).
 */
export function decodeSource(file: string, bytes: Uint8Array): { doc: SourceDoc; issue?: ImportIssue } | { issue: ImportIssue } {
  if (bytes.length === 0) {
    return { issue: fileIssue(file, 'EMPTY_FILE', 'ファイルが空です。', 'The file is empty.') };
  }
  const sample = bytes.subarray(0, 8192);
  if (sample.includes(0)) {
    return {
      issue: fileIssue(file, 'BINARY_FILE', 'バイナリファイルです（NUL バイトを含む）。テキスト（UTF-8）の表を指定してください。', 'The file is binary (contains NUL bytes); expected a UTF-8 text table.'),
    };
  }
  const bad = findInvalidUtf8(bytes);
  if (bad && !bad.truncatedTail) {
    const line = lineOfOffset(bytes, bad.offset);
    const hex = Array.from(bytes.subarray(bad.offset, bad.offset + 2), (x) => x.toString(16).padStart(2, '0')).join(' ');
    return {
      issue: {
        ...fileIssue(
          file,
          'NOT_UTF8',
          `${file} ${line}行目: UTF-8 として読めないバイト（${hex}、オフセット ${bad.offset}）があります。Shift_JIS 等の場合は UTF-8 に変換してください。`,
          `${file} line ${line}: bytes that are not UTF-8 (${hex} at byte offset ${bad.offset}); convert Shift_JIS and other encodings to UTF-8.`,
          line,
        ),
        field: 'encoding',
        value: hex,
      },
    };
  }
  const end = bad ? bad.offset : bytes.length;
  const doc = toSourceDoc(file, new TextDecoder('utf-8').decode(bytes.subarray(0, end)));
  if (!bad) return { doc };
  const line = doc.lines.length;
  return {
    doc,
    issue: {
      ...fileIssue(
        file,
        'TRUNCATED_FILE',
        `${file} ${line}行目: ファイルが文字の途中で終わっています（最後の ${bytes.length - end} バイトは不完全な文字）。ファイルが途中で切れており、最後の行は不完全です。`,
        `${file} line ${line}: the file ends inside a character (the last ${bytes.length - end} bytes are an incomplete character); the file was cut short and its last line is incomplete.`,
        line,
      ),
      field: 'encoding',
    },
  };
}

/** Builds a SourceDoc from text: strips a BOM, splits on CRLF/LF/CR. */
export function toSourceDoc(file: string, text: string): SourceDoc {
  const t = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const lines = t.split(/\r\n|\n|\r/);
  return { file, text: t, lines };
}

/** Picks the importer for a document, or explains why none fits. */
export function detectImporter(doc: SourceDoc): { importer: LayoutImporter; confidence: number } | null {
  let best: { importer: LayoutImporter; confidence: number } | null = null;
  for (const importer of IMPORTERS) {
    const confidence = importer.detect(doc);
    if (!best || confidence > best.confidence) best = { importer, confidence };
  }
  return best && best.confidence >= MIN_DETECT_CONFIDENCE ? best : null;
}

/** Roles importers give the cell that holds a row's guideline references (Ｂ / B / WLB取組指針の該当箇所). */
const REF_CELL_ROLES = new Set(['refs', 'guidelineRefs']);

/**
 * Lossless rule for references: each parsed reference gets the position of the cell it came from (the importers
 * parse the joined cell text, so the position is set here once for every layout).
 */
function attachRefSources(result: ImportResult): void {
  for (const report of result.reports) {
    for (const row of report.rows) {
      const cell = row.cells.find((c) => c.role !== undefined && REF_CELL_ROLES.has(c.role));
      if (!cell) continue;
      const lastLine = cell.line + cell.text.split('\n').length - 1;
      const source = { file: row.source.file, line: cell.line, col: cell.col, ...(lastLine > cell.line ? { endLine: lastLine } : {}) };
      for (const ref of row.guidelineRefs) ref.source ??= source;
    }
  }
}

/** Imports one decoded document. Never throws on bad content. */
export function importDocument(doc: SourceDoc, options: ImportOptions = {}): ImportResult {
  if (doc.text.trim() === '') {
    return empty([fileIssue(doc.file, 'EMPTY_FILE', 'ファイルに内容がありません。', 'The file has no content.')]);
  }
  const picked = detectImporter(doc);
  if (!picked) {
    return empty([
      fileIssue(
        doc.file,
        'UNKNOWN_DOCUMENT',
        '取組計画等のフォローアップ表（または取組計画）として認識できません。表題・見出し行が見つかりません。',
        'Not recognised as a follow-up table or action plan: no known title or header row was found.',
        1,
      ),
    ]);
  }
  let result: ImportResult;
  try {
    result = picked.importer.parse(doc, options);
  } catch (error) {
    // An importer bug must not crash a batch import; report it against the file and keep nothing from it.
    const why = error instanceof Error ? error.message : String(error);
    return empty([fileIssue(doc.file, 'IMPORTER_FAILED', `取込処理でエラーが発生しました: ${why}`, `The importer failed: ${why}`)]);
  }
  attachRefSources(result);
  const failure = findSchemaViolation(result);
  if (failure) {
    const invalid = fileIssue(doc.file, 'INVALID_MODEL', `取込結果がモデルに適合しません（${failure.path}）: ${failure.message}`, `The import result does not match the model at ${failure.path}: ${failure.message}`);
    // The field is the model path that failed (e.g. reports.0.rows.3.status).
    return empty([failure.path === '' ? invalid : { ...invalid, field: failure.path }]);
  }
  return result;
}

/**
 * Checks an import result against the zod model piece by piece (each report without its rows, then each row), so the
 * copy zod builds while it parses is one row or report at a time, never a second copy of a large document (#8 item 5).
 * The importers build objects with exactly the model's keys (test/io/import-validation.test.ts checks that parsing
 * changes nothing), so the checked objects are returned as they are. Null when everything conforms.
 */
export function findSchemaViolation(result: ImportResult): { path: string; message: string } | null {
  const check = (schema: { safeParse: (v: unknown) => { success: boolean; error?: { issues: { path: PropertyKey[]; message: string }[] } } }, value: unknown, prefix: string): { path: string; message: string } | null => {
    const r = schema.safeParse(value);
    if (r.success) return null;
    const first = r.error?.issues[0];
    const path = [prefix, ...(first?.path ?? []).map(String)].filter((x) => x !== '').join('.');
    return { path, message: first?.message ?? '' };
  };
  for (const [i, report] of result.reports.entries()) {
    const head = check(Report, { ...report, rows: [] }, `reports.${String(i)}`);
    if (head) return head;
    for (const [j, row] of report.rows.entries()) {
      const bad = check(Row, row, `reports.${String(i)}.rows.${String(j)}`);
      if (bad) return bad;
    }
  }
  for (const [i, plan] of result.plans.entries()) {
    const bad = check(Plan, plan, `plans.${String(i)}`);
    if (bad) return bad;
  }
  for (const [i, issue] of result.issues.entries()) {
    const bad = check(ImportIssue, issue, `issues.${String(i)}`);
    if (bad) return bad;
  }
  return null;
}

/** Imports bytes (as read from disk or an upload). */
export function importBytes(file: string, bytes: Uint8Array, options: ImportOptions = {}): ImportResult {
  return importDecoded(decodeSource(file, bytes), options);
}

/** Imports what decodeSource returned: its issue alone when the bytes are no text, else the document with it. */
export function importDecoded(decoded: ReturnType<typeof decodeSource>, options: ImportOptions = {}): ImportResult {
  if (!('doc' in decoded)) return empty([decoded.issue]);
  const result = importDocument(decoded.doc, options);
  if (!decoded.issue) return result;
  // The cut is an error of the file; the row holding the last line is named so it is never taken as complete.
  const lastLine = decoded.doc.lines.length;
  const holder = [...result.reports.flatMap((r) => r.rows)].reverse().find((row) => row.source.line <= lastLine);
  const issue: ImportIssue = holder ? { ...decoded.issue, rowKey: holder.key } : decoded.issue;
  return { ...result, issues: [issue, ...result.issues] };
}

/** Concatenates results of several files. */
export function mergeResults(results: ImportResult[]): ImportResult {
  return {
    reports: results.flatMap((r) => r.reports),
    plans: results.flatMap((r) => r.plans),
    issues: results.flatMap((r) => r.issues),
  };
}
