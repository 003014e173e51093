import { Button, Card, makeStyles, Text, tokens } from '@fluentui/react-components';

import { FIELD_NAMES } from '../../../core/edit/fields.js';
import type { CellPlace, SyncConflict, SyncIssue } from '../../../core/sync/workbook-sync.js';
import type { Lang, Translate } from '../../i18n/i18n.js';

const useStyles = makeStyles({
  list: { listStyleType: 'none', margin: 0, padding: 0, display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalS },
  item: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalXXS, paddingBlock: tokens.spacingVerticalXS, borderBottom: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke2}` },
  where: { display: 'flex', flexWrap: 'wrap', gap: tokens.spacingHorizontalS, alignItems: 'baseline' },
  address: { fontFamily: tokens.fontFamilyMonospace, fontSize: tokens.fontSizeBase200 },
  label: { fontWeight: tokens.fontWeightSemibold },
  reason: { whiteSpace: 'pre-line' },
  card: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalS },
  values: { display: 'grid', gridTemplateColumns: 'minmax(6rem, max-content) 1fr', columnGap: tokens.spacingHorizontalM, rowGap: tokens.spacingVerticalXS, margin: 0 },
  term: { color: tokens.colorNeutralForeground2, fontSize: tokens.fontSizeBase200 },
  value: { margin: 0, whiteSpace: 'pre-wrap', overflowWrap: 'anywhere', maxHeight: '9rem', overflowY: 'auto' },
  actions: { display: 'flex', flexWrap: 'wrap', gap: tokens.spacingHorizontalS },
});

/** Where a message points: `1_全体像!E12` and the column's printed header. */
function Where({ place, label }: { place: CellPlace | null; label: string }) {
  const s = useStyles();
  return (
    <span className={s.where}>
      {place ? <span className={s.address}>{place.address}</span> : null}
      {label ? <span className={s.label}>{label}</span> : null}
      {place?.header ? <Text size={200}>{place.header}</Text> : null}
    </span>
  );
}

export interface IssueListProps {
  t: Translate;
  lang: Lang;
  issues: readonly SyncIssue[];
  onGoTo(issue: SyncIssue): void;
}

/** Problems found in the sheet: row, column and reason in the domain's words, and a way to the cell. */
export function IssueList({ t, lang, issues, onGoTo }: IssueListProps) {
  const s = useStyles();
  return (
    <ul className={s.list}>
      {issues.map((issue, i) => (
        <li key={`${issue.code}|${issue.rowKey ?? ''}|${issue.field ?? ''}|${i}`} className={s.item}>
          <Where place={issue.place} label={issue.label} />
          <Text className={s.reason}>
            {issue.field ? `${FIELD_NAMES[issue.field][lang]}: ` : ''}
            {lang === 'ja' ? issue.ja : issue.en}
          </Text>
          {issue.place ? (
            <div className={s.actions}>
              <Button size="small" onClick={() => onGoTo(issue)} aria-label={t('taskpane.goToCellNamed', { address: issue.place.address })}>
                {t('taskpane.goToCell')}
              </Button>
            </div>
          ) : null}
        </li>
      ))}
    </ul>
  );
}

export interface ConflictListProps {
  t: Translate;
  lang: Lang;
  conflicts: readonly SyncConflict[];
  disabled: boolean;
  onDecide(conflict: SyncConflict, take: 'mine' | 'theirs'): void;
  onGoTo(conflict: SyncConflict): void;
}

/** Fields changed on both sides, side by side (mine / theirs / base); nothing is written until one is chosen. */
export function ConflictList({ t, lang, conflicts, disabled, onDecide, onGoTo }: ConflictListProps) {
  const s = useStyles();
  const shown = (v: string): string => (v === '' ? t('taskpane.conflict.empty') : v);
  return (
    <ul className={s.list}>
      {conflicts.map((c) => {
        const id = `conflict-${encodeURIComponent(c.rowKey)}-${c.field}`.replace(/[^A-Za-z0-9_-]/g, '_');
        return (
          <li key={`${c.rowKey}|${c.field}`}>
            <Card className={s.card} aria-labelledby={id}>
              <span id={id}>
                <Where place={c.place} label={`${c.label} — ${FIELD_NAMES[c.field][lang]}`} />
              </span>
              <dl className={s.values}>
                <dt className={s.term}>{t('taskpane.conflict.mine')}</dt>
                <dd className={s.value}>{shown(c.mine)}</dd>
                <dt className={s.term}>{t('taskpane.conflict.theirs')}</dt>
                <dd className={s.value}>{shown(c.theirs)}</dd>
                <dt className={s.term}>{t('taskpane.conflict.base')}</dt>
                <dd className={s.value}>{shown(c.base)}</dd>
              </dl>
              <div className={s.actions}>
                <Button appearance="primary" size="small" disabled={disabled} onClick={() => onDecide(c, 'mine')}>
                  {t('taskpane.conflict.takeMine')}
                </Button>
                <Button size="small" disabled={disabled} onClick={() => onDecide(c, 'theirs')}>
                  {t('taskpane.conflict.takeTheirs')}
                </Button>
                {c.place ? (
                  <Button size="small" appearance="subtle" onClick={() => onGoTo(c)} aria-label={t('taskpane.goToCellNamed', { address: c.place.address })}>
                    {t('taskpane.goToCell')}
                  </Button>
                ) : null}
              </div>
            </Card>
          </li>
        );
      })}
    </ul>
  );
}
