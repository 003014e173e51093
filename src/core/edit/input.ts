/**
 * Text typed or pasted into a field → the field's value (#10 paste from Excel, #11 the sheet's cells), and back.
 * Typed text is normalised the way the documents are written (全角カナ, 半角英数字, no trailing spaces, LF line
 * breaks); text that cannot be the field's value (an unknown 実施状況, words where figures are expected) is refused with
 * a message in the domain's words instead of being stored half-understood.
 */
import { formatIndicatorCell, parseIndicatorCell } from '../indicator/index.js';
import type { RowRecord } from '../lists/row-fields.js';
import { REVIEW_STATES, STATUS_LABELS_JA, type ReviewState, type Row, type Status, type SurveyAnswer } from '../model/schema.js';
import { err, ok, type Result } from '../result.js';
import { htmlToText } from '../text/index.js';
import { findSurvey, formatSubFields, parseSubFields, scopeAnswer } from '../survey/catalogue.js';
import { readField, type EditableField, type FieldValues } from './fields.js';

/**
 * SharePoint's limit for a multiple-lines-of-text column (63,999 characters in lists; platform note: a secretariat
 * may set a lower limit per column in the writing guidance, and the surfaces show a counter against it).
 */
export const MAX_NOTE_LENGTH = 63_999;

/** Why a text cannot become a field's value. `code` is stable (tests, i18n); the messages name the value. */
export interface InputProblem {
  code: 'UNKNOWN_STATUS' | 'UNKNOWN_REVIEW_STATE' | 'NOT_FIGURES' | 'FIGURES_INVALID' | 'SCOPED_SURVEY' | 'TOO_LONG';
  value: string;
  ja: string;
  en: string;
}

// Half-width katakana (U+FF61–U+FF9F) with their voicing marks, and full-width ASCII letters and digits.
const HALF_KANA = /[\uff61-\uff9f]+/g;
const FULL_ALNUM = /[\uff10-\uff19\uff21-\uff3a\uff41-\uff5a]/g;

/**
 * Normalises typed text: CRLF/CR → LF, 半角カナ → 全角カナ (NFKC, which also joins ｶﾞ into ガ), 全角英数字 → 半角,
 * trailing spaces of each line and blank lines at both ends removed. Punctuation and brackets stay as typed
 * (the documents print both （） and ()).
 * @example normalizeInput('ﾃﾚﾜｰｸ　２０２５年 \r\n') → 'テレワーク　2025年'
 */
export function normalizeInput(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .replace(HALF_KANA, (s) => s.normalize('NFKC'))
    .replace(FULL_ALNUM, (ch) => String.fromCharCode(ch.charCodeAt(0) - 0xfee0))
    .split('\n')
    .map((line) => line.replace(/[ \t]+$/u, ''))
    .join('\n')
    .replace(/^\n+|\n+$/g, '');
}

const fold = (s: string): string => normalizeInput(s).replace(/[\s\u3000]+/g, '').toLowerCase();

const STATUS_BY_TEXT: ReadonlyMap<string, Status> = new Map([
  ['実施', 'implemented'],
  ['実施未定', 'undecided'],
  ['implemented', 'implemented'],
  ['undecided', 'undecided'],
]);

const REVIEW_LABELS_JA: Readonly<Record<ReviewState, string>> = { unreviewed: '未確認', submitted: '提出済', returned: '差戻し', approved: '承認済' };

/** 実施 / 実施未定 (or the English words) → Status; blank → null. */
export function parseStatus(text: string): Result<Status | null, InputProblem> {
  const key = fold(text);
  if (key === '') return ok(null);
  const status = STATUS_BY_TEXT.get(key);
  if (status) return ok(status);
  return err({
    code: 'UNKNOWN_STATUS',
    value: text,
    ja: `「${text.trim()}」は実施状況の選択肢（実施／実施未定）にありません。`,
    en: `"${text.trim()}" is not a 実施状況 choice (実施 implemented / 実施未定 undecided).`,
  });
}

function parseReviewState(text: string): Result<ReviewState, InputProblem> {
  const key = fold(text);
  const state = REVIEW_STATES.find((s) => s === key || REVIEW_LABELS_JA[s] === key);
  if (state) return ok(state);
  return err({
    code: 'UNKNOWN_REVIEW_STATE',
    value: text,
    ja: `「${text.trim()}」は確認状況（未確認／提出済／差戻し／承認済）にありません。`,
    en: `"${text.trim()}" is not a review state (未確認 / 提出済 / 差戻し / 承認済).`,
  });
}

function parseText(text: string, maxLength: number): Result<string | null, InputProblem> {
  const value = normalizeInput(text);
  if (value.length > maxLength) {
    return err({
      code: 'TOO_LONG',
      value: `${value.slice(0, 20)}…`,
      ja: `${value.length.toLocaleString('ja-JP')}文字あります。この欄は${maxLength.toLocaleString('ja-JP')}文字までです。`,
      en: `${value.length.toLocaleString('en-US')} characters; this field holds at most ${maxLength.toLocaleString('en-US')}.`,
    });
  }
  return ok(value === '' ? null : value);
}

/** A 数値 cell: figures in the documents' grammar (目標：30%（令和7年度） 現状：66.3%（令和4年度）…). */
function parseFigures(text: string, row: Row): Result<FieldValues['indicatorValues'], InputProblem> {
  const value = normalizeInput(text);
  if (value === '') return ok([]);
  // One category block per line (【全体】…, 【総合職】…): the parser reads blocks from paragraphs.
  const html = value
    .split('\n')
    .map((line) => `<p>${line.replace(/&/g, '&amp;').replace(/</g, '&lt;')}</p>`)
    .join(' ');
  const parsed = parseIndicatorCell(html, { file: 'input', line: row.source.line, field: 'indicatorValues' });
  const strip = (m: string): string => m.replace(/^input:\d+\s+indicatorValues:\s*/, '');
  const invalid = (issue: { message: string; messageEn: string }): Result<never, InputProblem> =>
    err({ code: 'FIGURES_INVALID', value: text, ja: strip(issue.message), en: strip(issue.messageEn) });
  const errors = parsed.issues.filter((i) => i.severity === 'error');
  // A figure that is wrong (over 100 %, an impossible date) is named first; then text that is not figures at all.
  const wrongFigure = errors.find((i) => i.code !== 'UNPARSED_INDICATOR_PART');
  if (wrongFigure) return invalid(wrongFigure);
  const figures = parsed.values.filter((v) => v.valuePercent !== null || v.notApplicable);
  if (figures.length === 0) {
    return err({
      code: 'NOT_FIGURES',
      value: text,
      ja: `「${value.slice(0, 30)}」は数値として読めません（例: 目標：30%（令和7年度） 現状：66.3%（令和4年度））。`,
      en: `"${value.slice(0, 30)}" cannot be read as figures (e.g. 目標：30%（令和7年度） 現状：66.3%（令和4年度）).`,
    });
  }
  const unreadPart = errors[0];
  if (unreadPart) return invalid(unreadPart);
  // Typed values have no source cell (the model's `source` is optional for exactly this).
  return ok(parsed.values.map(({ source: _source, ...rest }) => rest));
}

/** A 調査 cell: the survey's choice, labelled sub-fields (【時期・対象者】…), or free text. */
function parseSurvey(text: string, row: Row): Result<SurveyAnswer[], InputProblem> {
  if (row.surveyAnswers.some((a) => a.scope !== null)) {
    return err({
      code: 'SCOPED_SURVEY',
      value: text,
      ja: 'この調査は本省・地方支分部局等ごとに回答します。それぞれの回答欄に入力してください。',
      en: 'This survey is answered per scope (本省 / 地方支分部局等); enter each scope in its own field.',
    });
  }
  const value = normalizeInput(text);
  if (value === '') return ok([]);
  const source = row.source;
  if (/【[^】]*】/.test(value)) return ok(parseSubFields(value, source));
  return ok([scopeAnswer(findSurvey(row.title), null, value, source)]);
}

/**
 * Reads a text typed or pasted into `field` of `record`.
 * @param maxLength the column's limit for text fields (the guidance's, else SharePoint's)
 * @example parseFieldInput(record, 'status', '実施未定') → { ok: true, value: 'undecided' }
 */
export function parseFieldInput<F extends EditableField>(record: RowRecord, field: F, text: string, maxLength = MAX_NOTE_LENGTH): Result<FieldValues[F], InputProblem> {
  switch (field) {
    case 'status':
      return parseStatus(text) as Result<FieldValues[F], InputProblem>;
    case 'reviewState':
      return parseReviewState(text) as Result<FieldValues[F], InputProblem>;
    case 'indicatorValues':
      return parseFigures(text, record.row) as Result<FieldValues[F], InputProblem>;
    case 'surveyAnswers':
      return parseSurvey(text, record.row) as Result<FieldValues[F], InputProblem>;
    default:
      return parseText(text, maxLength) as Result<FieldValues[F], InputProblem>;
  }
}

/** A field's value as one text (copying to the clipboard, an Excel cell, a diff): the inverse of parseFieldInput. */
export function formatFieldValue(record: RowRecord, field: EditableField): string {
  switch (field) {
    case 'status': {
      const s = readField(record, 'status');
      return s === null ? '' : STATUS_LABELS_JA[s];
    }
    case 'reviewState':
      return REVIEW_LABELS_JA[readField(record, 'reviewState')];
    case 'indicatorValues':
      // One line per category block, as the documents print one paragraph per block.
      return htmlToText(formatIndicatorCell(readField(record, 'indicatorValues'), { separator: ' ', paragraphs: true }));
    case 'surveyAnswers': {
      const answers = readField(record, 'surveyAnswers');
      if (answers.some((a) => a.scope !== null)) return answers.map((a) => `${a.scopeRaw ?? a.scope ?? ''}：${a.text}`).join('\n');
      return formatSubFields(answers, 'inline');
    }
    default:
      return (readField(record, field) as string | null) ?? '';
  }
}
