/**
 * Keeps a row's printed raw forms only while they still give its normalised values (#2).
 *
 * The model holds both a normalised value and the text as printed (narrative/narrativeRaw, outcome/outcomeRaw,
 * guidelineRefs/guidelineRefsRaw, title/titleRich) so that an unchanged row renders byte for byte. Once a user edits
 * the normalised value, the raw form is stale: rendering it would silently drop the edit. Renderers and the store call
 * reconcileRaw first; a stale raw form becomes null and the value is rendered from the normalised field.
 */
import { parseGuidelineRefs } from '../guideline/index.js';
import { htmlToText, normalizeSpace } from '../text/index.js';
import type { Row } from './schema.js';

const HAS_TAG = /<\/?[a-z][a-z0-9]*\b[^<>]*>/i;

/** Lines of a text with spaces folded and blank lines dropped. */
const foldLines = (text: string): string =>
  text
    .split('\n')
    .map(normalizeSpace)
    .filter((l) => l !== '')
    .join('\n');

/**
 * True when `printed` (a plain text with printed line wraps) reads as `value`: each of its line breaks is kept, or is
 * a wrap the value joined (002: `テレワー` / `ク実施環境` → `テレワーク実施環境`), and nothing else differs.
 */
function matchesWithWraps(printed: string, value: string): boolean {
  let i = 0;
  let j = 0;
  while (i < printed.length) {
    const p = printed[i];
    if (p === '\n') {
      if (value[j] === '\n' || value[j] === ' ') j += 1;
      i += 1;
    } else if (p === value[j]) {
      i += 1;
      j += 1;
    } else {
      return false;
    }
  }
  return j === value.length;
}

/**
 * True when the raw form still yields `value`. An HTML fragment must give the same lines through htmlToText; plain
 * text may also have printed wraps that the value joined.
 */
export function rawYields(raw: string, value: string | null): boolean {
  const text = foldLines(htmlToText(raw));
  const want = foldLines(value ?? '');
  if (text === want) return true;
  return !HAS_TAG.test(raw) && matchesWithWraps(text, want);
}

const sameRefRaws = (raw: string, refs: Row['guidelineRefs']): boolean => {
  const parsed = parseGuidelineRefs(htmlToText(raw)).map((r) => normalizeSpace(r.raw));
  const have = refs.map((r) => normalizeSpace(r.raw));
  return parsed.length === have.length && parsed.every((p, k) => p === have[k]);
};

/**
 * The row with every raw form that no longer gives its normalised value set to null; the row itself when all are
 * current (the usual case, so an unchanged model still round-trips exactly).
 * @example reconcileRaw({ ...row, narrative: '新しい文' }).narrativeRaw → null
 */
export function reconcileRaw(row: Row): Row {
  // A printed 実施状況 (`実施`, `(独自実施のもの) 実施`) that no longer reads as the status; other printed text in the
  // status column (a 小項目 title, 000 line 17) is kept.
  const printedStatus = row.statusRaw === null ? null : /実施未定/.test(row.statusRaw) ? 'undecided' : /実施/.test(row.statusRaw) ? 'implemented' : null;
  const statusRaw = printedStatus !== null && printedStatus !== row.status ? null : row.statusRaw;
  const narrativeRaw = row.narrativeRaw !== null && !rawYields(row.narrativeRaw, row.narrative) ? null : row.narrativeRaw;
  const outcomeRaw = row.outcomeRaw !== null && !rawYields(row.outcomeRaw, row.outcome) ? null : row.outcomeRaw;
  const titleRich = row.titleRich !== null && !rawYields(row.titleRich, row.title) ? null : row.titleRich;
  const guidelineRefsRaw =
    row.guidelineRefsRaw !== null && !sameRefRaws(row.guidelineRefsRaw, row.guidelineRefs)
      ? null
      : row.guidelineRefsRaw;
  if (
    statusRaw === row.statusRaw &&
    narrativeRaw === row.narrativeRaw &&
    outcomeRaw === row.outcomeRaw &&
    titleRich === row.titleRich &&
    guidelineRefsRaw === row.guidelineRefsRaw
  ) {
    return row;
  }
  return { ...row, statusRaw, narrativeRaw, outcomeRaw, titleRich, guidelineRefsRaw };
}
