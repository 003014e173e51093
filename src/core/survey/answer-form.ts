/**
 * A 調査 row's answer as a form (#10): per scope (本省 with the survey's fixed choices, 地方支分部局等 as text), per labelled
 * sub-field (【時期・対象者】…, from the catalogue and what is stored), or one free text. Pure: the tab's editor and
 * the add-in fill the same form and write the same SurveyAnswer[].
 */
import type { Row, SurveyAnswer } from '../model/schema.js';
import { findSurvey, scopeAnswer, SURVEY_SCOPES, type SurveyDef } from './catalogue.js';

export interface ScopeField {
  /** Canonical scope (本省 / 地方支分部局等（時期、範囲等）). */
  scope: string;
  /** The label as stored (printed), else the canonical one. */
  label: string;
  /** The survey's fixed choices offered for this scope (本省 only); empty: free text. */
  choices: readonly string[];
  text: string;
}

export interface SubField {
  /** Canonical sub-field, or null for text before the first label. */
  subField: string | null;
  /** The label as stored (【…】), else made from the canonical one. */
  label: string | null;
  text: string;
}

export type SurveyForm = { kind: 'scoped'; fields: ScopeField[] } | { kind: 'subFields'; fields: SubField[] } | { kind: 'free'; text: string };

/** The form for a row: its survey's shape (catalogue) filled with what is stored. */
export function toSurveyForm(row: Row): SurveyForm {
  const def = findSurvey(row.title);
  const answers = row.surveyAnswers;
  if (def?.scoped || answers.some((a) => a.scope !== null)) {
    const scopes = [...SURVEY_SCOPES.map(String)];
    for (const a of answers) if (a.scope !== null && !scopes.includes(a.scope)) scopes.push(a.scope);
    return {
      kind: 'scoped',
      fields: scopes.map((scope, i) => {
        const a = answers.find((x) => x.scope === scope);
        return { scope, label: a?.scopeRaw ?? scope, choices: i === 0 ? (def?.choices ?? []) : [], text: a?.text ?? '' };
      }),
    };
  }
  const labelled = answers.filter((a) => a.subField !== null);
  if (def?.subFields || labelled.length > 0) {
    const fields: SubField[] = answers.map((a) => ({ subField: a.subField, label: a.subFieldRaw ?? (a.subField === null ? null : `【${a.subField}】`), text: a.text }));
    for (const s of def?.subFields ?? []) if (!fields.some((f) => f.subField === s)) fields.push({ subField: s, label: `【${s}】`, text: '' });
    return { kind: 'subFields', fields };
  }
  return { kind: 'free', text: answers.map((a) => a.text).join('\n') };
}

/** The answers a filled form stands for; empty fields give no answer. `normalize` is applied to every text. */
export function fromSurveyForm(form: SurveyForm, row: Row, normalize: (s: string) => string = (s) => s.trim()): SurveyAnswer[] {
  const def: SurveyDef | undefined = findSurvey(row.title);
  const source = row.source;
  switch (form.kind) {
    case 'scoped':
      return form.fields.flatMap((f) => {
        const text = normalize(f.text);
        return text === '' ? [] : [scopeAnswer(def, f.label, text, source)];
      });
    case 'subFields':
      return form.fields.flatMap((f) => {
        const text = normalize(f.text);
        return text === '' ? [] : [{ scope: null, scopeRaw: null, subField: f.subField, subFieldRaw: f.label, choice: null, text, source }];
      });
    case 'free': {
      const text = normalize(form.text);
      return text === '' ? [] : [scopeAnswer(def, null, text, source)];
    }
  }
}
