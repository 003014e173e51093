/**
 * A row's history (#10): who changed it and when, newest first, and what each version changed (the store's item
 * versions). Opened from the side panel in one click.
 */
import { Button, Dialog, DialogActions, DialogBody, DialogContent, DialogSurface, DialogTitle, makeStyles, Spinner, tokens } from '@fluentui/react-components';
import { useEffect, useState } from 'react';

import { EDITABLE_FIELDS, FIELD_COLUMNS, FIELD_NAMES } from '../../../core/edit/fields.js';
import { formatFieldValue } from '../../../core/edit/input.js';
import { ROWS_LIST } from '../../../core/lists/schema.js';
import type { FollowUpStore, RowVersion, StoredRow } from '../../../core/ports.js';
import { ErrorMessage } from '../../app/AppErrorBoundary.js';
import type { Translate } from '../../i18n/i18n.js';

const useStyles = makeStyles({
  list: { listStyleType: 'none', margin: 0, padding: 0, display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalM },
  item: { borderBottom: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke2}`, paddingBlockEnd: tokens.spacingVerticalS },
  head: { fontWeight: tokens.fontWeightSemibold },
  value: { whiteSpace: 'pre-wrap', overflowWrap: 'anywhere', margin: `${tokens.spacingVerticalXXS} 0 0 ${tokens.spacingHorizontalM}` },
});

const FIELD_OF_COLUMN = new Map(EDITABLE_FIELDS.map((f) => [FIELD_COLUMNS[f], f]));
const DISPLAY = new Map(ROWS_LIST.columns.map((c) => [c.name, c.displayName]));

export function formatWhen(iso: string, lang: 'ja' | 'en'): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return new Intl.DateTimeFormat(lang === 'ja' ? 'ja-JP-u-ca-japanese' : 'en-GB', { era: lang === 'ja' ? 'long' : undefined, year: 'numeric', month: lang === 'ja' ? 'long' : 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' }).format(d);
}

interface HistoryDialogProps {
  store: FollowUpStore;
  /** The row whose history is shown; null: closed (closes through `open`; the caller mounts it with useDialogMount). */
  row: StoredRow | null;
  lang: 'ja' | 'en';
  t: Translate;
  onClose: () => void;
  /** Open state from useDialogMount (defaults to whether there is something to show). */
  open?: boolean;
}

export function HistoryDialog(props: HistoryDialogProps) {
  // The last row shown stays in the surface while it closes.
  const [last, setLast] = useState<StoredRow | null>(props.row);
  if (props.row && props.row !== last) setLast(props.row);
  const shown = props.row ?? last;
  return (
    <Dialog open={props.open ?? props.row !== null} modalType="modal" onOpenChange={(_, d) => (d.open ? undefined : props.onClose())}>
      <DialogSurface aria-describedby={undefined}>{shown ? <HistoryBody key={`${shown.itemId}|${shown.eTag}`} {...props} row={shown} /> : null}</DialogSurface>
    </Dialog>
  );
}

function HistoryBody({ store, row, lang, t, onClose }: HistoryDialogProps & { row: StoredRow }) {
  const s = useStyles();
  const [versions, setVersions] = useState<RowVersion[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    const controller = new AbortController();
    store.history(row, { signal: controller.signal }).then(setVersions, (e: unknown) => {
      if (!controller.signal.aborted) setError(e);
    });
    return () => controller.abort();
  }, [store, row]);
  return (
        <DialogBody>
          <DialogTitle>{t('history.title', { row: row.row.focusItem ?? row.row.title })}</DialogTitle>
          <DialogContent>
            {error ? <ErrorMessage t={t} error={error} /> : null}
            {!versions && !error ? <Spinner label={t('app.loading')} /> : null}
            {versions ? (
              <ol className={s.list} aria-label={t('history.title', { row: row.row.focusItem ?? row.row.title })}>
                {versions.map((v) => {
                  const fields = v.changedFields.map((c) => FIELD_OF_COLUMN.get(c)).filter((f): f is NonNullable<typeof f> => f !== undefined);
                  const others = v.changedFields.filter((c) => !FIELD_OF_COLUMN.has(c)).map((c) => DISPLAY.get(c) ?? c);
                  return (
                    <li key={v.versionId} className={s.item}>
                      <span className={s.head}>
                        {t('history.version', { version: v.versionId, when: formatWhen(v.modifiedAt, lang), who: v.modifiedBy?.displayName ?? t('history.unknown') })}
                      </span>
                      {fields.map((f) => (
                        <div key={f}>
                          {FIELD_NAMES[f][lang]}:
                          <p className={s.value}>{v.record ? formatFieldValue(v.record, f) || t('grid.empty') : '—'}</p>
                        </div>
                      ))}
                      {others.length > 0 ? <div>{t('history.otherFields', { fields: others.join('、') })}</div> : null}
                    </li>
                  );
                })}
              </ol>
            ) : null}
          </DialogContent>
          <DialogActions>
            <Button onClick={onClose}>{t('dialog.close')}</Button>
          </DialogActions>
        </DialogBody>
  );
}
