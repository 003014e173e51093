/**
 * The review state of a row and a reviewer's comment (#12), as the division's grid and the manager view show them:
 * the state as a badge whose text a screen reader reads with its label (確認状況: 差戻し), and a returned row's
 * comment with who returned it and when, placed on the field it names.
 */
import { Badge, makeStyles, tokens } from '@fluentui/react-components';

import type { ReviewStateJa } from '../../../core/review/review.js';
import type { MessageKey, Translate } from '../../i18n/i18n.js';
import { formatWhen } from '../FollowUpGrid/HistoryDialog.js';

const useStyles = makeStyles({
  hidden: { position: 'absolute', width: '1px', height: '1px', overflow: 'hidden', clipPath: 'inset(50%)', whiteSpace: 'nowrap' },
  badgeLine: { display: 'flex', flexWrap: 'wrap', gap: tokens.spacingHorizontalXS, marginBlockStart: tokens.spacingVerticalXXS },
  comment: {
    display: 'block',
    marginBlockStart: tokens.spacingVerticalXS,
    padding: `${tokens.spacingVerticalXXS} ${tokens.spacingHorizontalS}`,
    borderLeft: `${tokens.strokeWidthThicker} solid ${tokens.colorPaletteRedBorder2}`,
    backgroundColor: tokens.colorNeutralBackground3,
    color: tokens.colorNeutralForeground1,
    fontSize: tokens.fontSizeBase200,
    lineHeight: tokens.lineHeightBase200,
    whiteSpace: 'pre-wrap',
  },
  who: { display: 'block', color: tokens.colorNeutralForeground2 },
});

export const STATE_LABEL_KEYS: Readonly<Record<ReviewStateJa, MessageKey>> = {
  未確認: 'review.state.unreviewed',
  提出済: 'review.state.submitted',
  差戻し: 'review.state.returned',
  承認済: 'review.state.approved',
};

const STATE_COLORS: Readonly<Record<ReviewStateJa, 'informative' | 'brand' | 'danger' | 'success'>> = {
  未確認: 'informative',
  提出済: 'brand',
  差戻し: 'danger',
  承認済: 'success',
};

/** The state's word in the page's language (未確認 / Not reviewed …). */
export const stateLabel = (state: ReviewStateJa, t: Translate): string => t(STATE_LABEL_KEYS[state]);

export function ReviewBadge({ state, awaitingLock = false, t }: { state: ReviewStateJa; awaitingLock?: boolean; t: Translate }) {
  const s = useStyles();
  return (
    <span className={s.badgeLine} data-review-state={state}>
      <Badge size="small" appearance={state === '未確認' ? 'outline' : 'filled'} color={STATE_COLORS[state]}>
        {/* Read after the row's title: the space keeps the two apart in the accessible name. */}
        <span className={s.hidden}> {t('review.stateLabel')}: </span>
        {stateLabel(state, t)}
      </Badge>
      {awaitingLock ? (
        <Badge size="small" appearance="outline" color="informative">
          {t('review.awaitingLock')}
        </Badge>
      ) : null}
    </span>
  );
}

export interface ReturnComment {
  comment: string;
  by: string | null;
  at: string | null;
}

/** A reviewer's comment, on the field it names (the element's id goes into the cell's aria-describedby). */
export function ReviewComment({ id, note, lang, t }: { id: string; note: ReturnComment; lang: 'ja' | 'en'; t: Translate }) {
  const s = useStyles();
  return (
    <span id={id} className={s.comment} data-testid="review-comment">
      <strong>{t('review.commentLabel')}</strong>: {note.comment}
      {note.by || note.at ? <span className={s.who}>{[note.by, note.at ? formatWhen(note.at, lang) : null].filter(Boolean).join(' · ')}</span> : null}
    </span>
  );
}
