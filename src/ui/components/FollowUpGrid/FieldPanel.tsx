/**
 * Beside the grid, for the active cell (#10): the field's whole text (nothing stored is cut off), the writing
 * guidance (記入例, 記入要領, the length limit), last year's answer of the same row, why the row is read-only when it
 * is, who changed the row last and its history one click away.
 */
import { Button, makeStyles, tokens } from '@fluentui/react-components';

import type { EditableField } from '../../../core/edit/fields.js';
import { formatFieldValue } from '../../../core/edit/input.js';
import type { Guidance } from '../../../core/guidance/guidance.js';
import type { StoredRow } from '../../../core/ports.js';
import type { EditDenial, RowView } from '../../../data/types.js';
import type { Translate } from '../../i18n/i18n.js';
import { fiscalYearLabel } from '../ScopePicker/index.js';
import { TaggedText } from './CellContent.js';
import type { GridColumn } from './grid-model.js';
import { formatWhen } from './HistoryDialog.js';

const useStyles = makeStyles({
  panel: {
    display: 'flex',
    flexDirection: 'column',
    gap: tokens.spacingVerticalM,
    padding: tokens.spacingHorizontalM,
    border: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke1}`,
    borderRadius: tokens.borderRadiusMedium,
    backgroundColor: tokens.colorNeutralBackground2,
    alignSelf: 'start',
    position: 'sticky',
    top: tokens.spacingVerticalM,
    maxHeight: 'calc(100vh - 2rem)',
    overflowY: 'auto',
  },
  h2: { margin: 0, fontSize: tokens.fontSizeBase400, fontWeight: tokens.fontWeightSemibold },
  h3: { margin: 0, fontSize: tokens.fontSizeBase300, fontWeight: tokens.fontWeightSemibold },
  text: { whiteSpace: 'pre-wrap', overflowWrap: 'anywhere', margin: 0 },
  muted: { color: tokens.colorNeutralForeground2 },
  section: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalXS },
});

export interface FieldPanelProps {
  view: RowView | null;
  column: GridColumn | null;
  field: EditableField | null;
  guidance: Guidance | null;
  /** Last year's row: undefined while loading, null when none was found. */
  previous: StoredRow | null | undefined;
  denial: EditDenial | null;
  lang: 'ja' | 'en';
  t: Translate;
  onHistory: (row: StoredRow) => void;
}

export function FieldPanel({ view, column, field, guidance, previous, denial, lang, t, onHistory }: FieldPanelProps) {
  const s = useStyles();
  if (!view || !column) {
    return (
      <aside className={s.panel} aria-labelledby="field-panel-heading">
        <h2 id="field-panel-heading" className={s.h2}>
          {t('panel.heading')}
        </h2>
        <p className={s.muted}>{t('panel.pick')}</p>
      </aside>
    );
  }
  const row = view.current.row;
  const text = field ? formatFieldValue(view.current, field) : '';
  const previousText = field && previous ? formatFieldValue(previous, field) : '';
  return (
    <aside className={s.panel} aria-labelledby="field-panel-heading" data-testid="field-panel">
      <h2 id="field-panel-heading" className={s.h2}>
        {column.header}
      </h2>
      <p className={s.muted}>{row.focusItem ?? row.title}</p>
      {denial ? <p className={s.muted}>{t('panel.readOnly', { why: denial[lang] })}</p> : null}
      {field ? (
        <section className={s.section} aria-labelledby="panel-text">
          <h3 id="panel-text" className={s.h3}>
            {t('panel.fullText')}
          </h3>
          <p className={s.text}>{text === '' ? t('grid.empty') : field === 'narrative' ? <TaggedText text={text} /> : text}</p>
        </section>
      ) : null}
      {field && guidance ? (
        <section className={s.section} aria-labelledby="panel-guidance">
          <h3 id="panel-guidance" className={s.h3}>
            {t('panel.guidance', { title: guidance.title })}
          </h3>
          {guidance.instructions ? <p className={s.text}>{guidance.instructions}</p> : null}
          {guidance.example ? (
            <>
              <span className={s.muted}>{t('panel.example')}</span>
              <p className={s.text} data-testid="guidance-example">
                {guidance.example}
              </p>
            </>
          ) : null}
          {guidance.maxLength !== null ? <span className={s.muted}>{t('panel.maxLength', { max: guidance.maxLength, length: text.length })}</span> : null}
        </section>
      ) : null}
      {field ? (
        <section className={s.section} aria-labelledby="panel-previous">
          <h3 id="panel-previous" className={s.h3}>
            {t('panel.previous', { year: fiscalYearLabel(view.stored.fiscalYear - 1, lang) })}
          </h3>
          {previous === undefined ? (
            <span className={s.muted}>{t('app.loading')}</span>
          ) : previous === null ? (
            <span className={s.muted}>{t('panel.noPrevious')}</span>
          ) : (
            <p className={s.text} data-testid="previous-answer">
              {previousText === '' ? t('grid.empty') : previousText}
            </p>
          )}
        </section>
      ) : null}
      <section className={s.section} aria-labelledby="panel-row">
        <h3 id="panel-row" className={s.h3}>
          {t('panel.row')}
        </h3>
        <span className={s.muted}>{t('panel.lastModified', { when: formatWhen(view.stored.lastModified, lang) })}</span>
        <Button onClick={() => onHistory(view.stored)}>{t('panel.history')}</Button>
      </section>
    </aside>
  );
}
