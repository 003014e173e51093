/**
 * In-cell editors (#10). Keys: Ctrl+Enter commits multi-line text (Enter is a line break), Enter commits a choice,
 * Escape cancels, Tab commits and moves on. A Japanese input method's Enter (`isComposing`, keyCode 229) never
 * commits or moves. Text is normalised (全角/半角) on commit (core normalizeInput), validated as the person types in
 * the domain's words, and counted against the column's limit from the writing guidance.
 */
import { Button } from '@fluentui/react-components';
import { useEffect, useId, useMemo, useRef, useState, type KeyboardEvent as ReactKeyboardEvent } from 'react';

import { formatFieldValue, MAX_NOTE_LENGTH, normalizeInput, parseFieldInput } from '../../../core/edit/input.js';
import { writeField, type EditableField, type FieldValue } from '../../../core/edit/fields.js';
import type { RowRecord } from '../../../core/lists/row-fields.js';
import type { IndicatorValue, Status } from '../../../core/model/schema.js';
import { fromSurveyForm, toSurveyForm, type SurveyForm } from '../../../core/survey/answer-form.js';
import type { ValidationIssue } from '../../../core/validate/index.js';
import type { RowView } from '../../../data/types.js';
import type { Translate } from '../../i18n/i18n.js';
import { IndicatorContent } from './CellContent.js';
import { useGridStyles } from './FollowUpGrid.styles.js';
import { issueText } from './grid-model.js';

export interface EditorProps {
  view: RowView;
  field: EditableField;
  /** The printed column header (the editor's accessible name). */
  label: string;
  lang: 'ja' | 'en';
  t: Translate;
  /** The column's limit from the writing guidance, when it has one. */
  maxLength: number | undefined;
  /** Rule issues of this cell for a record with the draft applied (validation as one types). */
  validate: (draft: RowRecord) => readonly ValidationIssue[];
  /** Stores the value (one undo step); returns why not when the cache refuses it. */
  onCommit: (value: FieldValue, move?: 'next' | 'previous') => string | null;
  onCancel: () => void;
}

/** Enter of an input method's composition (Japanese conversion): never a command. */
export const isComposing = (e: ReactKeyboardEvent): boolean => e.nativeEvent.isComposing || e.keyCode === 229;

/** The editor for a field. */
export function CellEditor(props: EditorProps) {
  switch (props.field) {
    case 'status':
      return <StatusEditor {...props} />;
    case 'surveyAnswers':
      return <SurveyEditor {...props} />;
    default:
      return <TextEditor {...props} />;
  }
}

function Messages({ id, problem, issues, lang }: { id: string; problem: string | null; issues: readonly ValidationIssue[]; lang: 'ja' | 'en' }) {
  const s = useGridStyles();
  return (
    <div id={id} aria-live="polite">
      {problem ? <span className={`${s.issue} ${s.issueError}`}>{problem}</span> : null}
      {issues.map((i, n) => (
        <span key={n} className={`${s.issue} ${i.severity === 'error' ? s.issueError : s.issueWarning}`}>
          {issueText(i, lang)}
        </span>
      ))}
    </div>
  );
}

/** Multi-line text, and the 数値 figures in the documents' grammar with a live reading of what was understood. */
function TextEditor({ view, field, label, lang, t, maxLength, validate, onCommit, onCancel }: EditorProps) {
  const s = useGridStyles();
  const id = useId();
  const ref = useRef<HTMLTextAreaElement>(null);
  const [text, setText] = useState(() => formatFieldValue(view.current, field));
  const [refused, setRefused] = useState<string | null>(null);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    el.focus();
    el.setSelectionRange(el.value.length, el.value.length);
  }, []);
  const current = view.current;
  const parsed = useMemo(() => parseFieldInput(current, field, text, maxLength ?? MAX_NOTE_LENGTH), [current, field, text, maxLength]);
  const issues = useMemo(() => (parsed.ok ? validate(writeField(current, field, parsed.value)) : []), [parsed, validate, current, field]);
  const length = normalizeInput(text).length;
  const problem = refused ?? (parsed.ok ? null : parsed.error[lang]);
  const commit = (move?: 'next' | 'previous'): void => {
    if (!parsed.ok) {
      setRefused(parsed.error[lang]);
      return;
    }
    setRefused(onCommit(parsed.value, move));
  };
  const onKeyDown = (e: ReactKeyboardEvent<HTMLTextAreaElement>): void => {
    if (isComposing(e)) return;
    if (e.key === 'Escape') {
      e.preventDefault();
      onCancel();
    } else if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      commit();
    } else if (e.key === 'Tab') {
      e.preventDefault();
      commit(e.shiftKey ? 'previous' : 'next');
    }
    e.stopPropagation();
  };
  return (
    <div className={s.editor}>
      <textarea
        ref={ref}
        className={s.textarea}
        value={text}
        aria-label={label}
        aria-describedby={`${id}-hint ${id}-msg`}
        aria-invalid={problem !== null || issues.some((i) => i.severity === 'error')}
        onChange={(e) => {
          setRefused(null);
          setText(e.target.value);
        }}
        onKeyDown={onKeyDown}
        rows={Math.min(14, Math.max(4, text.split('\n').length + 1))}
      />
      <span id={`${id}-hint`} className={s.hint}>
        {maxLength !== undefined ? (
          <span className={`${s.counter} ${length > maxLength ? s.counterOver : ''}`}>{t('editor.counter', { length, max: maxLength })} </span>
        ) : null}
        {t('editor.keysText')}
      </span>
      {field === 'indicatorValues' && parsed.ok ? <IndicatorContent values={parsed.value as IndicatorValue[]} t={t} /> : null}
      <Messages id={`${id}-msg`} problem={problem} issues={issues} lang={lang} />
    </div>
  );
}

/** 実施状況: a choice; Enter commits (the arrow keys change the choice without committing). */
function StatusEditor({ view, label, lang, t, validate, onCommit, onCancel }: EditorProps) {
  const s = useGridStyles();
  const id = useId();
  const ref = useRef<HTMLSelectElement>(null);
  const pointer = useRef(false);
  const [value, setValue] = useState<string>(view.current.row.status ?? '');
  const [refused, setRefused] = useState<string | null>(null);
  useEffect(() => ref.current?.focus(), []);
  const status = (value === '' ? null : value) as Status | null;
  const current = view.current;
  const issues = useMemo(() => validate(writeField(current, 'status', status)), [validate, current, status]);
  const commit = (v: Status | null, move?: 'next' | 'previous'): void => setRefused(onCommit(v, move));
  return (
    <div className={s.editor}>
      <select
        ref={ref}
        className={s.select}
        aria-label={label}
        aria-describedby={`${id}-hint ${id}-msg`}
        value={value}
        onPointerDown={() => {
          pointer.current = true;
        }}
        onChange={(e) => {
          setValue(e.target.value);
          // A choice made with the mouse is the commit; keyboard arrows only move the choice until Enter.
          if (pointer.current) commit((e.target.value === '' ? null : e.target.value) as Status | null);
        }}
        onKeyDown={(e) => {
          pointer.current = false;
          if (isComposing(e)) return;
          if (e.key === 'Enter') {
            e.preventDefault();
            commit(status);
          } else if (e.key === 'Escape') {
            e.preventDefault();
            onCancel();
          } else if (e.key === 'Tab') {
            e.preventDefault();
            commit(status, e.shiftKey ? 'previous' : 'next');
          }
          e.stopPropagation();
        }}
      >
        <option value="">{t('status.none')}</option>
        <option value="implemented">{t('status.implemented')}</option>
        <option value="undecided">{t('status.undecided')}</option>
      </select>
      <span id={`${id}-hint`} className={s.hint}>
        {t('editor.keysChoice')}
      </span>
      <Messages id={`${id}-msg`} problem={refused} issues={issues} lang={lang} />
    </div>
  );
}

const OTHER = '\u0000other';

/** 調査: the survey's fixed choices for 本省, text for 地方支分部局等, one field per labelled sub-field. */
function SurveyEditor({ view, label, lang, t, maxLength, validate, onCommit, onCancel }: EditorProps) {
  const s = useGridStyles();
  const id = useId();
  const first = useRef<HTMLSelectElement & HTMLTextAreaElement>(null);
  const row = view.current.row;
  const [form, setForm] = useState<SurveyForm>(() => toSurveyForm(row));
  const [refused, setRefused] = useState<string | null>(null);
  useEffect(() => first.current?.focus(), []);
  const answers = useMemo(() => fromSurveyForm(form, row, normalizeInput), [form, row]);
  const current = view.current;
  const issues = useMemo(() => validate(writeField(current, 'surveyAnswers', answers)), [validate, current, answers]);
  const tooLong = maxLength !== undefined ? answers.find((a) => a.text.length > maxLength) : undefined;
  const problem = refused ?? (tooLong ? t('editor.tooLong', { length: tooLong.text.length, max: maxLength ?? 0 }) : null);
  const commit = (): void => {
    if (tooLong) return;
    setRefused(onCommit(answers));
  };
  const onKeyDown = (e: ReactKeyboardEvent): void => {
    if (isComposing(e)) return;
    if (e.key === 'Escape') {
      e.preventDefault();
      e.stopPropagation();
      onCancel();
    } else if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      e.stopPropagation();
      commit();
    } else {
      // Tab moves between the form's fields; nothing reaches the grid while editing.
      e.stopPropagation();
    }
  };
  const setText = (i: number, text: string): void => {
    setRefused(null);
    setForm((f) => (f.kind === 'free' ? { ...f, text } : ({ ...f, fields: f.fields.map((x, n) => (n === i ? { ...x, text } : x)) } as SurveyForm)));
  };
  return (
    // eslint-disable-next-line jsx-a11y/no-noninteractive-element-interactions -- catches Escape / Ctrl+Enter bubbling from the form's own fields.
    <div className={s.editor} role="group" aria-label={label} onKeyDown={onKeyDown}>
      {form.kind === 'free' ? (
        <textarea ref={first} className={s.textarea} aria-label={label} value={form.text} onChange={(e) => setText(0, e.target.value)} />
      ) : form.kind === 'scoped' ? (
        form.fields.map((f, i) => {
          const fieldId = `${id}-f${i}`;
          const isChoice = f.choices.length > 0;
          const selected = f.text === '' ? '' : f.choices.includes(f.text) ? f.text : OTHER;
          return (
            <div key={f.scope} className={s.editor}>
              <label className={s.label} htmlFor={fieldId}>
                {f.label}
              </label>
              {isChoice ? (
                <select
                  id={fieldId}
                  ref={i === 0 ? first : undefined}
                  className={s.select}
                  value={selected}
                  onChange={(e) => setText(i, e.target.value === OTHER ? ' ' : e.target.value)}
                >
                  <option value="">{t('survey.unanswered')}</option>
                  {f.choices.map((c) => (
                    <option key={c} value={c}>
                      {c}
                    </option>
                  ))}
                  <option value={OTHER}>{t('survey.other')}</option>
                </select>
              ) : null}
              {!isChoice || selected === OTHER ? (
                <textarea id={isChoice ? `${fieldId}-text` : fieldId} ref={i === 0 && !isChoice ? first : undefined} aria-label={isChoice ? `${f.label} ${t('survey.other')}` : undefined} className={s.textarea} value={f.text.trimStart()} onChange={(e) => setText(i, e.target.value)} />
              ) : null}
            </div>
          );
        })
      ) : (
        form.fields.map((f, i) => {
          const fieldId = `${id}-f${i}`;
          return (
            <div key={`${f.subField ?? ''}-${i}`} className={s.editor}>
              <label className={s.label} htmlFor={fieldId}>
                {f.label ?? t('survey.preamble')}
              </label>
              <textarea id={fieldId} ref={i === 0 ? first : undefined} className={s.textarea} value={f.text} onChange={(e) => setText(i, e.target.value)} />
            </div>
          );
        })
      )}
      <span className={s.hint}>{t('editor.keysSurvey')}</span>
      <div className={s.editorButtons}>
        <Button size="small" appearance="primary" onClick={commit}>
          {t('editor.apply')}
        </Button>
        <Button size="small" onClick={onCancel}>
          {t('editor.cancel')}
        </Button>
      </div>
      <Messages id={`${id}-msg`} problem={problem} issues={issues} lang={lang} />
    </div>
  );
}
