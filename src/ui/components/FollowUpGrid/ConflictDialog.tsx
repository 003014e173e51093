/**
 * The side-by-side chooser for fields changed on both sides (#10): per field, mine / theirs / an edited value; the
 * decision goes to the cache (resolveConflict) and is saved, so the choice is what the list stores.
 */
import { Button, Dialog, DialogActions, DialogBody, DialogContent, DialogSurface, DialogTitle, makeStyles, Radio, RadioGroup, tokens } from '@fluentui/react-components';
import { useState } from 'react';

import { FIELD_NAMES, writeField, type EditableField, type FieldValue } from '../../../core/edit/fields.js';
import { formatFieldValue, parseFieldInput } from '../../../core/edit/input.js';
import type { RowView } from '../../../data/types.js';
import type { Translate } from '../../i18n/i18n.js';

const useStyles = makeStyles({
  field: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalS, marginBlockEnd: tokens.spacingVerticalL },
  sides: { display: 'grid', gridTemplateColumns: '1fr 1fr', gap: tokens.spacingHorizontalM },
  side: {
    border: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke1}`,
    borderRadius: tokens.borderRadiusMedium,
    padding: tokens.spacingHorizontalS,
    whiteSpace: 'pre-wrap',
    overflowWrap: 'anywhere',
    maxHeight: '14rem',
    overflowY: 'auto',
  },
  sideTitle: { fontWeight: tokens.fontWeightSemibold, display: 'block', marginBlockEnd: tokens.spacingVerticalXS },
  textarea: { width: '100%', minHeight: '6rem', boxSizing: 'border-box', fontFamily: 'inherit', color: tokens.colorNeutralForeground1, backgroundColor: tokens.colorNeutralBackground1 },
  error: { color: tokens.colorPaletteRedForeground1 },
  h3: { margin: 0, fontSize: tokens.fontSizeBase400 },
});

type Choice = 'mine' | 'theirs' | 'value';

export interface ConflictDialogProps {
  view: RowView | null;
  lang: 'ja' | 'en';
  t: Translate;
  /** Applies the decisions and saves. */
  onResolve: (decisions: { field: EditableField; take: 'mine' | 'theirs' | 'value'; value?: FieldValue }[]) => void;
  onClose: () => void;
  /** Open state from useDialogMount (defaults to whether there is something to show). */
  open?: boolean;
}

/**
 * Follows `view` (null: closed) and closes through its `open` prop; the caller mounts it with useDialogMount.
 */
export function ConflictDialog(props: ConflictDialogProps) {
  // The last row shown stays in the surface while it closes.
  const [last, setLast] = useState<RowView | null>(props.view);
  if (props.view && props.view !== last) setLast(props.view);
  const shown = props.view ?? last;
  return (
    <Dialog open={props.open ?? props.view !== null} modalType="modal" onOpenChange={(_, d) => (d.open ? undefined : props.onClose())}>
      <DialogSurface aria-describedby={undefined}>{shown ? <ConflictBody key={shown.rowKey} {...props} view={shown} /> : null}</DialogSurface>
    </Dialog>
  );
}

function ConflictBody({ view, lang, t, onResolve, onClose }: ConflictDialogProps & { view: RowView }) {
  const s = useStyles();
  const conflicts = view ? (Object.entries(view.fields) as [EditableField, NonNullable<RowView['fields'][EditableField]>][]).filter(([, f]) => f.state === 'conflict' && f.conflict) : [];
  const [choices, setChoices] = useState<Partial<Record<EditableField, Choice>>>({});
  const [texts, setTexts] = useState<Partial<Record<EditableField, string>>>({});
  const [problem, setProblem] = useState<string | null>(null);
  const format = (field: EditableField, value: FieldValue): string => formatFieldValue(writeField(view.current, field, value as never), field) || t('grid.empty');
  const apply = (): void => {
    const decisions: Parameters<ConflictDialogProps['onResolve']>[0] = [];
    for (const [field, f] of conflicts) {
      const choice = choices[field] ?? 'mine';
      if (choice !== 'value') {
        decisions.push({ field, take: choice });
        continue;
      }
      const parsed = parseFieldInput(view.current, field, texts[field] ?? format(field, f.conflict?.mine ?? null));
      if (!parsed.ok) {
        setProblem(`${FIELD_NAMES[field][lang]}: ${parsed.error[lang]}`);
        return;
      }
      decisions.push({ field, take: 'value', value: parsed.value });
    }
    onResolve(decisions);
  };
  return (
        <DialogBody>
          <DialogTitle>{t('conflict.title', { row: view.current.row.focusItem ?? view.current.row.title })}</DialogTitle>
          <DialogContent>
            <p>{t('conflict.body')}</p>
            {conflicts.map(([field, f]) => {
              const mine = format(field, f.conflict?.mine ?? null);
              const theirs = format(field, f.conflict?.theirs ?? null);
              const choice = choices[field] ?? 'mine';
              return (
                <section key={field} className={s.field} aria-label={FIELD_NAMES[field][lang]}>
                  <h3 className={s.h3}>{FIELD_NAMES[field][lang]}</h3>
                  <div className={s.sides}>
                    <div className={s.side}>
                      <span className={s.sideTitle}>{t('conflict.mine')}</span>
                      {mine}
                    </div>
                    <div className={s.side}>
                      <span className={s.sideTitle}>{t('conflict.theirs')}</span>
                      {theirs}
                    </div>
                  </div>
                  <RadioGroup value={choice} onChange={(_, d) => setChoices((c) => ({ ...c, [field]: d.value as Choice }))} aria-label={`${FIELD_NAMES[field][lang]}: ${t('conflict.choose')}`} layout="horizontal">
                    <Radio value="mine" label={t('conflict.takeMine')} />
                    <Radio value="theirs" label={t('conflict.takeTheirs')} />
                    <Radio value="value" label={t('conflict.takeEdit')} />
                  </RadioGroup>
                  {choice === 'value' ? (
                    <textarea className={s.textarea} aria-label={`${FIELD_NAMES[field][lang]}: ${t('conflict.takeEdit')}`} value={texts[field] ?? mine} onChange={(e) => setTexts((x) => ({ ...x, [field]: e.target.value }))} />
                  ) : null}
                </section>
              );
            })}
            {problem ? (
              <p role="alert" className={s.error}>
                {problem}
              </p>
            ) : null}
          </DialogContent>
          <DialogActions>
            <Button appearance="primary" onClick={apply}>
              {t('conflict.apply')}
            </Button>
            <Button onClick={onClose}>{t('conflict.later')}</Button>
          </DialogActions>
        </DialogBody>
  );
}
