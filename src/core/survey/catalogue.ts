/** 調査 rows: the survey catalogue, scope labels and labelled sub-fields (#2, domain §3.3). Pure: the importer, the tab and the add-in share it. */
import type { SourceRef, SurveyAnswer } from '../model/schema.js';
import { toHalfWidth } from '../text/index.js';

export interface SurveyDef {
  code: string;
  /** Printed names by template year (the same survey is renamed between years). */
  names: readonly string[];
  /** Choice values of the 本省 answer, when the survey has a choice. */
  choices: readonly string[];
  /** Answered per scope (本省 / 地方支分部局等), each in its own field. */
  scoped?: boolean;
  /** The labelled sub-fields of the answer (canonical labels, in printed order), when it has them. */
  subFields?: readonly string[];
}

export const SURVEYS: readonly SurveyDef[] = [
  {
    code: 'work-hours-system',
    names: ['勤務時間管理システムの導入状況', '勤務時間管理のシステム化の状況'],
    choices: ['導入済み又は令和7年度までに導入予定'],
    scoped: true,
  },
  { code: 'multi-rater', names: ['多面観察の実施状況'], choices: [], subFields: ['時期・対象者の職位', '調査・分析のツール', '観察結果の対象者へのフィードバック方法', 'その他備考等'] },
  {
    code: 'engagement',
    names: [
      'エンゲージメント調査等（職員のエンゲージメントや職場環境調査等）の実施状況',
      '職場や職員の状況を把握するための調査（エンゲージメントサーベイ、モチベーションサーベイ等）の実施状況',
    ],
    choices: [],
    subFields: ['時期・対象者', '調査・分析のツール', 'フィードバック', '結果の活用', 'その他備考等'],
  },
  { code: 'telework', names: ['テレワーク実施状況'], choices: [] },
];

/** Canonical scope labels (full-width parentheses, as in the 令和5年度 template). */
export const SURVEY_SCOPES = ['本省', '地方支分部局等（時期、範囲等）'] as const;

/** Canonical sub-field labels (without brackets and without the per-year suffix). */
export const SURVEY_SUB_FIELDS = [
  '時期・対象者の職位',
  '時期・対象者',
  '調査・分析のツール',
  '観察結果の対象者へのフィードバック方法',
  'フィードバック',
  '結果の活用',
  'その他備考等',
] as const;

// Paren width and spacing differ between years (地方支分部局等（…） vs (…)); compare on a folded form.
const fold = (s: string): string => toHalfWidth(s).replace(/\s+/g, '');

/** The survey with this printed name, if known. */
export function findSurvey(name: string): SurveyDef | undefined {
  const n = fold(name);
  return SURVEYS.find((s) => s.names.some((x) => fold(x) === n));
}

/** Canonical scope for a printed scope label, or null when it is not one. */
export function canonicalScope(raw: string): string | null {
  const n = fold(raw);
  return SURVEY_SCOPES.find((s) => fold(s) === n) ?? null;
}

/** Canonical sub-field for a label without brackets (`その他備考等（令和5年度に…）` → `その他備考等`), or null. */
export function canonicalSubField(label: string): string | null {
  const n = fold(label);
  const exact = SURVEY_SUB_FIELDS.find((s) => fold(s) === n);
  if (exact) return exact;
  const withoutSuffix = fold(label.replace(/[（(][^（()）]*[）)]\s*$/, ''));
  return SURVEY_SUB_FIELDS.find((s) => fold(s) === withoutSuffix) ?? null;
}

/** A scope answer (本省 / 地方支分部局等): choice when the text is one of the survey's choices. */
export function scopeAnswer(def: SurveyDef | undefined, scopeRaw: string | null, text: string, source: SourceRef): SurveyAnswer {
  const t = text.trim();
  return {
    scope: scopeRaw === null ? null : canonicalScope(scopeRaw) ?? scopeRaw.trim(),
    scopeRaw: scopeRaw === null ? null : scopeRaw.trim(),
    subField: null,
    subFieldRaw: null,
    choice: def?.choices.includes(t) ? t : null,
    text: t,
    source,
  };
}

/**
 * Splits a plain-text answer into labelled sub-fields at each 【label】. Text before the first label is an unlabelled
 * answer. `subFieldRaw` keeps the label as printed, brackets included.
 */
export function parseSubFields(plain: string, source: SourceRef): SurveyAnswer[] {
  const out: SurveyAnswer[] = [];
  const re = /【([^】]*)】/g;
  let last = 0;
  let label: string | null = null;
  const push = (end: number): void => {
    const text = plain.slice(last, end).replace(/\s+/g, ' ').trim();
    if (label === null && text === '') return;
    out.push({
      scope: null,
      scopeRaw: null,
      subField: label === null ? null : canonicalSubField(label) ?? label,
      subFieldRaw: label === null ? null : `【${label}】`,
      choice: null,
      text,
      source,
    });
  };
  for (let m = re.exec(plain); m !== null; m = re.exec(plain)) {
    push(m.index);
    label = m[1] ?? '';
    last = m.index + m[0].length;
  }
  push(plain.length);
  return out;
}

/** Writes sub-fields back: `inline` = 【label】text joined by spaces (000); `paragraphs` = <p>【label】 text</p> (004). */
export function formatSubFields(answers: readonly SurveyAnswer[], style: 'inline' | 'paragraphs'): string {
  const label = (a: SurveyAnswer): string => a.subFieldRaw ?? (a.subField === null ? '' : `【${a.subField}】`);
  if (style === 'inline') return answers.map((a) => `${label(a)}${a.text}`).join(' ');
  return answers.map((a) => `<p>${label(a)}${label(a) === '' ? '' : ' '}${a.text}</p>`).join(' ');
}
