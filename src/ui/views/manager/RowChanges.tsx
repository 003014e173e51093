/**
 * What changed in a row (#12), field by field, in the words its cells show: since the last review (the row's item
 * version at the time of the last decision, from the store's versions: what the reviewer looked at then), since the
 * submission (an edit made after it), and against last year's answer of the same row.
 */
import { makeStyles, Spinner, tokens } from '@fluentui/react-components';
import { useEffect, useState } from 'react';

import { FIELD_NAMES } from '../../../core/edit/fields.js';
import type { RowRecord } from '../../../core/lists/row-fields.js';
import type { FollowUpStore, StoredRow } from '../../../core/ports.js';
import { compareAnswers, lastDecision, recordWithAnswers, type FieldDiff } from '../../../core/review/compare.js';
import type { ReviewRow } from '../../app/review-port.js';
import { formatWhen } from '../../components/FollowUpGrid/HistoryDialog.js';
import type { Translate } from '../../i18n/i18n.js';

const useStyles = makeStyles({
  root: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalM, padding: `${tokens.spacingVerticalS} 0` },
  table: { borderCollapse: 'collapse', width: '100%', tableLayout: 'fixed' },
  caption: { textAlign: 'start', fontWeight: tokens.fontWeightSemibold, paddingBlockEnd: tokens.spacingVerticalXS },
  th: { textAlign: 'start', verticalAlign: 'top', padding: tokens.spacingHorizontalS, border: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke2}`, backgroundColor: tokens.colorNeutralBackground3, width: '10rem' },
  td: { verticalAlign: 'top', padding: tokens.spacingHorizontalS, border: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke2}`, whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' },
  empty: { color: tokens.colorNeutralForeground2 },
  none: { margin: 0, color: tokens.colorNeutralForeground2 },
});

type Loaded<T> = { status: 'loading' } | { status: 'done'; value: T } | { status: 'failed'; error: unknown };

/** The row as the reviewer last saw it: the newest version made at or before the last decision. */
async function atLastReview(store: FollowUpStore, row: StoredRow, decidedAt: string): Promise<RowRecord | null> {
  const versions = await store.history(row);
  const at = Date.parse(decidedAt);
  return versions.find((v) => Date.parse(v.modifiedAt) <= at && v.record !== null)?.record ?? null;
}

function DiffTable({ caption, diffs, beforeLabel, lang, t }: { caption: string; diffs: readonly FieldDiff[]; beforeLabel: string; lang: 'ja' | 'en'; t: Translate }) {
  const s = useStyles();
  if (diffs.length === 0) return <p className={s.none}>{caption}: {t('manager.diff.none')}</p>;
  return (
    <table className={s.table}>
      <caption className={s.caption}>{caption}</caption>
      <thead>
        <tr>
          <th scope="col" className={s.th}>
            {t('manager.diff.field')}
          </th>
          <th scope="col" className={s.th}>
            {beforeLabel}
          </th>
          <th scope="col" className={s.th}>
            {t('manager.diff.now')}
          </th>
        </tr>
      </thead>
      <tbody>
        {diffs.map((d) => (
          <tr key={d.field}>
            <th scope="row" className={s.th}>
              {FIELD_NAMES[d.field][lang]}
            </th>
            <td className={s.td}>{d.before === '' ? <span className={s.empty}>{t('manager.diff.empty')}</span> : d.before}</td>
            <td className={s.td}>{d.after === '' ? <span className={s.empty}>{t('manager.diff.empty')}</span> : d.after}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export interface RowChangesProps {
  store: FollowUpStore;
  row: ReviewRow;
  /** Last year's row: undefined while it loads, null when there is none. */
  lastYear: StoredRow | null | undefined;
  lang: 'ja' | 'en';
  t: Translate;
}

export function RowChanges({ store, row, lastYear, lang, t }: RowChangesProps) {
  const s = useStyles();
  const decision = lastDecision(row.review);
  const [reviewed, setReviewed] = useState<Loaded<RowRecord | null>>({ status: 'loading' });
  useEffect(() => {
    if (!decision) return undefined;
    let live = true;
    atLastReview(store, row.row, decision.at).then(
      (value) => live && setReviewed({ status: 'done', value }),
      (error: unknown) => live && setReviewed({ status: 'failed', error }),
    );
    return () => {
      live = false;
    };
  }, [store, row.row, decision]);

  const submitted = row.review.submittedAnswers !== null && row.changedSinceSubmission.length > 0 ? recordWithAnswers(row.row, row.review.submittedAnswers) : null;
  return (
    <div className={s.root}>
      {decision === null ? (
        <p className={s.none}>{t(row.state === '未確認' ? 'manager.diff.notSubmitted' : 'manager.diff.firstReview')}</p>
      ) : reviewed.status === 'loading' ? (
        <Spinner size="tiny" label={t('manager.diff.loading')} />
      ) : reviewed.status === 'failed' ? (
        <p className={s.none}>{t('manager.diff.failed', { detail: reviewed.error instanceof Error ? reviewed.error.message : String(reviewed.error) })}</p>
      ) : (
        <DiffTable
          caption={t('manager.diff.sinceReview', { state: decision.state, when: formatWhen(decision.at, lang), by: decision.by })}
          diffs={compareAnswers(reviewed.value, row.row)}
          beforeLabel={t('manager.diff.atReview')}
          lang={lang}
          t={t}
        />
      )}
      {submitted ? <DiffTable caption={t('manager.diff.sinceSubmission')} diffs={compareAnswers(submitted, row.row)} beforeLabel={t('manager.diff.submitted')} lang={lang} t={t} /> : null}
      {lastYear === undefined ? (
        <Spinner size="tiny" label={t('manager.diff.loading')} />
      ) : lastYear === null ? (
        <p className={s.none}>{t('manager.diff.noLastYear')}</p>
      ) : (
        <DiffTable caption={t('manager.diff.lastYear')} diffs={compareAnswers(lastYear, row.row)} beforeLabel={t('manager.diff.lastYearValue')} lang={lang} t={t} />
      )}
    </div>
  );
}
