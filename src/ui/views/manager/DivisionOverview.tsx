/** Every division of the year at a glance (#12): a table read row by row, each division opened with its button. */
import { Button, makeStyles, ProgressBar, Table, TableBody, TableCell, TableHeader, TableHeaderCell, TableRow, tokens } from '@fluentui/react-components';

import { formatWhen } from '../../components/FollowUpGrid/HistoryDialog.js';
import type { Translate } from '../../i18n/i18n.js';
import type { DivisionLine } from './overview-model.js';

const useStyles = makeStyles({
  progress: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalXXS, minWidth: '8rem' },
  num: { textAlign: 'end', fontVariantNumeric: 'tabular-nums' },
  /** A number column's header sits over its numbers (the header cell's content box is a flex row). */
  numHead: { justifyContent: 'flex-end', textAlign: 'end' },
  overdue: { color: tokens.colorPaletteRedForeground1, fontWeight: tokens.fontWeightSemibold },
  muted: { color: tokens.colorNeutralForeground2 },
});

export function DivisionOverview({ lines, lang, t, onOpen }: { lines: readonly DivisionLine[]; lang: 'ja' | 'en'; t: Translate; onOpen: (code: string | null) => void }) {
  const s = useStyles();
  return (
    <Table aria-labelledby="overview-heading" size="small" data-testid="division-overview">
      <TableHeader>
        <TableRow>
          <TableHeaderCell>{t('manager.col.division')}</TableHeaderCell>
          <TableHeaderCell>{t('manager.col.progress')}</TableHeaderCell>
          <TableHeaderCell button={{ className: s.numHead }}>{t('review.state.unreviewed')}</TableHeaderCell>
          <TableHeaderCell button={{ className: s.numHead }}>{t('review.state.submitted')}</TableHeaderCell>
          <TableHeaderCell button={{ className: s.numHead }}>{t('review.state.returned')}</TableHeaderCell>
          <TableHeaderCell button={{ className: s.numHead }}>{t('review.state.approved')}</TableHeaderCell>
          <TableHeaderCell button={{ className: s.numHead }}>{t('manager.col.overdue')}</TableHeaderCell>
          <TableHeaderCell>{t('manager.col.lastSubmitted')}</TableHeaderCell>
        </TableRow>
      </TableHeader>
      <TableBody>
        {lines.map((l) => (
          <TableRow key={l.divisionCode ?? '-'} data-division={l.divisionCode ?? ''}>
            <TableCell>
              <Button appearance="transparent" onClick={() => onOpen(l.divisionCode)} aria-label={t('manager.open', { name: l.name })}>
                {l.name}
              </Button>
            </TableCell>
            <TableCell>
              <div className={s.progress}>
                <span>{t('manager.progress', { done: l.done, total: l.total })}</span>
                <ProgressBar value={l.total === 0 ? 0 : l.done / l.total} aria-label={t('manager.progressOf', { name: l.name, done: l.done, total: l.total })} />
              </div>
            </TableCell>
            <TableCell className={s.num}>{l.byState['未確認']}</TableCell>
            <TableCell className={s.num}>
              {l.byState['提出済']}
              {l.awaitingLock > 0 ? <span className={s.muted}> {t('manager.awaiting', { count: l.awaitingLock })}</span> : null}
            </TableCell>
            <TableCell className={s.num}>{l.byState['差戻し']}</TableCell>
            <TableCell className={s.num}>{l.byState['承認済']}</TableCell>
            <TableCell className={s.num}>{l.overdue > 0 ? <span className={s.overdue}>{t('manager.overdueCount', { count: l.overdue })}</span> : '0'}</TableCell>
            <TableCell>{l.lastSubmitted ? formatWhen(l.lastSubmitted, lang) : <span className={s.muted}>{t('manager.never')}</span>}</TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}
