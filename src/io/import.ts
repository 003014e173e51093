/**
 * Import dispatcher (#2): decodes bytes, rejects what is not a follow-up document with a clear issue, picks the
 * layout importer, and validates what it produced against the model schema so no half-filled row passes as complete.
 */
import { ImportResult, type ImportIssue } from '../core/model/schema.js';
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

/** Decodes a file's bytes as UTF-8 text. Returns an issue instead when the bytes are binary or not UTF-8. */
export function decodeSource(file: string, bytes: Uint8Array): { doc: SourceDoc } | { issue: ImportIssue } {
  if (bytes.length === 0) {
    return { issue: fileIssue(file, 'EMPTY_FILE', 'ファイルが空です。', 'The file is empty.') };
  }
  const sample = bytes.subarray(0, 8192);
  if (sample.includes(0)) {
    return {
      issue: fileIssue(file, 'BINARY_FILE', 'バイナリファイルです（NUL バイトを含む）。テキスト（UTF-8）の表を指定してください。', 'The file is binary (contains NUL bytes); expected a UTF-8 text table.'),
    };
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    // The decoder's error carries no position; the message below says what to do, which is what the user needs.
    return {
      issue: fileIssue(file, 'NOT_UTF8', 'UTF-8 として読めません（Shift_JIS 等の場合は UTF-8 に変換してください）。', 'The file is not valid UTF-8 (convert Shift_JIS and other encodings to UTF-8).'),
    };
  }
  return { doc: toSourceDoc(file, text) };
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
  const checked = ImportResult.safeParse(result);
  if (!checked.success) {
    const first = checked.error.issues[0];
    const where = first ? first.path.join('.') : '';
    return empty([
      fileIssue(doc.file, 'INVALID_MODEL', `取込結果がモデルに適合しません（${where}）: ${first?.message ?? ''}`, `The import result does not match the model at ${where}: ${first?.message ?? ''}`),
    ]);
  }
  return checked.data;
}

/** Imports bytes (as read from disk or an upload). */
export function importBytes(file: string, bytes: Uint8Array, options: ImportOptions = {}): ImportResult {
  const decoded = decodeSource(file, bytes);
  if ('issue' in decoded) return empty([decoded.issue]);
  return importDocument(decoded.doc, options);
}

/** Concatenates results of several files. */
export function mergeResults(results: ImportResult[]): ImportResult {
  return {
    reports: results.flatMap((r) => r.reports),
    plans: results.flatMap((r) => r.plans),
    issues: results.flatMap((r) => r.issues),
  };
}
