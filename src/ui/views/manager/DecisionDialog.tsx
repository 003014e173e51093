/**
 * Returning or approving the selected rows (#12): one comment for every row or one per row, each on a field or on the
 * whole row. A return needs a comment (the engine refuses one without); an approval's comment is optional.
 */
import { Button, Dialog, DialogActions, DialogBody, DialogContent, DialogSurface, DialogTitle, Field, makeStyles, Radio, RadioGroup, Select, Textarea, tokens } from '@fluentui/react-components';
import { useState } from 'react';

import { FIELD_COLUMNS, FIELD_NAMES, type EditableField } from '../../../core/edit/fields.js';
import { answerFieldsOf } from '../../../core/review/compare.js';
import type { ReviewRow } from '../../app/review-port.js';
import type { Translate } from '../../i18n/i18n.js';

const useStyles = makeStyles({
  content: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalM },
  row: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalS, border: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke2}`, borderRadius: tokens.borderRadiusMedium, padding: tokens.spacingHorizontalM, margin: 0 },
  legend: { fontWeight: tokens.fontWeightSemibold, padding: `0 ${tokens.spacingHorizontalXS}` },
});

export type DecisionMode = 'return' | 'approve';

export interface DecisionItem {
  rowKey: string;
  comment: string;
  /** The FollowUpRows column the comment is on; null: the whole row. */
  field: string | null;
}

const titleOf = (r: ReviewRow): string => r.row.row.focusItem ?? r.row.row.title;

interface Draft {
  comment: string;
  field: string;
}

function FieldSelect({ id, fields, value, onChange, lang, t }: { id: string; fields: readonly EditableField[]; value: string; onChange: (v: string) => void; lang: 'ja' | 'en'; t: Translate }) {
  return (
    <Field label={t('manager.dialog.field')}>
      <Select id={id} value={value} onChange={(_, d) => onChange(d.value)}>
        <option value="">{t('review.wholeRow')}</option>
        {fields.map((f) => (
          <option key={f} value={FIELD_COLUMNS[f]}>
            {FIELD_NAMES[f][lang]}
          </option>
        ))}
      </Select>
    </Field>
  );
}

export interface DecisionDialogProps {
  mode: DecisionMode;
  rows: readonly ReviewRow[];
  open: boolean;
  lang: 'ja' | 'en';
  t: Translate;
  onCancel: () => void;
  onConfirm: (items: DecisionItem[]) => void;
}

export function DecisionDialog({ mode, rows, open, lang, t, onCancel, onConfirm }: DecisionDialogProps) {
  const s = useStyles();
  const [perRow, setPerRow] = useState(false);
  const [shared, setShared] = useState<Draft>({ comment: '', field: '' });
  const [each, setEach] = useState<Record<string, Draft>>({});
  const [tried, setTried] = useState(false);
  const union = [...new Set(rows.flatMap((r) => answerFieldsOf(r.row.reportKey, r.row.row)))];
  const draftOf = (key: string): Draft => each[key] ?? { comment: '', field: '' };
  const items: DecisionItem[] = rows.map((r) => {
    const d = perRow ? draftOf(r.row.rowKey) : shared;
    return { rowKey: r.row.rowKey, comment: d.comment.trim(), field: d.field === '' ? null : d.field };
  });
  const missing = mode === 'return' ? items.filter((i) => i.comment === '').map((i) => i.rowKey) : [];
  const confirm = (): void => {
    setTried(true);
    if (missing.length === 0) onConfirm(items);
  };
  const required = mode === 'return';
  const commentError = (empty: boolean): string | undefined => (tried && required && empty ? t('manager.dialog.commentRequired') : undefined);
  return (
    <Dialog open={open} modalType="modal" onOpenChange={(_, d) => !d.open && onCancel()}>
      <DialogSurface aria-describedby={undefined}>
        <DialogBody>
          <DialogTitle>{t(mode === 'return' ? 'manager.dialog.returnTitle' : 'manager.dialog.approveTitle', { count: rows.length })}</DialogTitle>
          <DialogContent className={s.content}>
            {rows.length > 1 ? (
              <Field label={t('manager.dialog.commentMode')}>
                <RadioGroup value={perRow ? 'each' : 'one'} onChange={(_, d) => setPerRow(d.value === 'each')} layout="horizontal">
                  <Radio value="one" label={t('manager.dialog.oneComment')} />
                  <Radio value="each" label={t('manager.dialog.perRow')} />
                </RadioGroup>
              </Field>
            ) : null}
            {!perRow ? (
              <>
                <Field label={t(required ? 'manager.dialog.comment' : 'manager.dialog.commentOptional')} required={required} validationMessage={commentError(shared.comment.trim() === '')}>
                  <Textarea value={shared.comment} resize="vertical" onChange={(_, d) => setShared({ ...shared, comment: d.value })} />
                </Field>
                {mode === 'return' ? <FieldSelect id="decision-field" fields={union} value={shared.field} onChange={(v) => setShared({ ...shared, field: v })} lang={lang} t={t} /> : null}
              </>
            ) : (
              rows.map((r) => {
                const d = draftOf(r.row.rowKey);
                const set = (next: Partial<Draft>): void => setEach((all) => ({ ...all, [r.row.rowKey]: { ...d, ...next } }));
                return (
                  <fieldset key={r.row.rowKey} className={s.row}>
                    <legend className={s.legend}>{titleOf(r)}</legend>
                    <Field label={t(required ? 'manager.dialog.comment' : 'manager.dialog.commentOptional')} required={required} validationMessage={commentError(d.comment.trim() === '')}>
                      <Textarea value={d.comment} resize="vertical" onChange={(_, v) => set({ comment: v.value })} />
                    </Field>
                    {mode === 'return' ? <FieldSelect id={`decision-field-${r.row.rowKey}`} fields={answerFieldsOf(r.row.reportKey, r.row.row)} value={d.field} onChange={(v) => set({ field: v })} lang={lang} t={t} /> : null}
                  </fieldset>
                );
              })
            )}
          </DialogContent>
          <DialogActions>
            <Button appearance="primary" onClick={confirm}>
              {t(mode === 'return' ? 'manager.action.return' : 'manager.action.approve', { count: rows.length })}
            </Button>
            <Button onClick={onCancel}>{t('manager.dialog.cancel')}</Button>
          </DialogActions>
        </DialogBody>
      </DialogSurface>
    </Dialog>
  );
}
