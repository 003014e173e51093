/**
 * Plan → next year's follow-up rows (#2): lets the secretariat open a cycle from the 取組計画 instead of last year's
 * table. Pure: no I/O; the caller stores the rows.
 */
import { createRow } from '../model/create-row.js';
import { ValidationError } from '../errors.js';
import type { GuidelineRef, Layout, Plan, PlanItem, Row } from '../model/schema.js';

/** Layouts whose rows are one per 重点項目 (the plan's focus items), not one per plan item. */
const FOCUS_LAYOUTS: readonly Layout[] = ['L-R5-FOCUS', 'L-R6-COMPILATION'];
/** Plan item kinds that are commitments a division reports on. Analysis, 現状の課題 and headings are context. */
const REPORTABLE: readonly PlanItem['kind'][] = ['item'];
const MAX_TITLE = 255;

/** Western fiscal year (April–March) that contains an ISO date. */
function fiscalYearOfDate(iso: string): number {
  const [y, m] = iso.split('-').map(Number);
  return (m ?? 4) >= 4 ? (y ?? 0) : (y ?? 0) - 1;
}

/** First sentence of a body, for rows whose plan item has no title line. */
function titleFromBody(body: string): string {
  const firstLine = body.split('\n')[0] ?? '';
  const sentence = /^(.+?。)/.exec(firstLine)?.[1] ?? firstLine;
  return sentence.length > MAX_TITLE ? `${sentence.slice(0, MAX_TITLE - 1)}…` : sentence;
}

function blankRow(layout: Layout, path: string, sortOrder: number): Row {
  return createRow({ key: `${layout}/PLAN/${path}`, kind: 'initiative', sortOrder, level: 0, source: { file: '', line: 0 } });
}

const refOf = (nodeId: string | null, raw: string, path: string): GuidelineRef[] =>
  nodeId ? [{ raw, path, nodeId, resolution: 'plan-specific', confidence: 1 }] : [];

/**
 * Turns a plan into the empty follow-up rows of `fiscalYear` in `layout`: one 重点項目 row per focus item for the
 * focus layouts, otherwise a heading row per plan section and one initiative row per reportable plan item (a
 * 【再掲】 repeat is left out: its original already has a row). Status and narrative stay empty; each row's source
 * and raw cell point to the plan item it came from.
 * @throws ValidationError when `fiscalYear` lies after the plan period.
 * @example planToSeedRows(plan001, 2025, 'L-R6-COMPILATION') → 2 rows (モチベーションの向上, 生産性の向上)
 */
export function planToSeedRows(plan: Plan, fiscalYear: number, layout: Layout): Row[] {
  if (plan.periodEnd && fiscalYear > fiscalYearOfDate(plan.periodEnd)) {
    throw new ValidationError([
      { field: 'fiscalYear', value: fiscalYear, reason: `plan ${plan.key} ends ${plan.periodEnd}; no rows for fiscal year ${String(fiscalYear)}` },
    ]);
  }
  const file = plan.source.file;
  const sectionOf = (path: string): Plan['sections'][number] | undefined => plan.sections.find((s) => s.path === path);

  if (FOCUS_LAYOUTS.includes(layout)) {
    return plan.focusItems.map((f, i) => {
      const items = plan.items.filter((it) => it.focusItem === f.name);
      const chapterPath = items[0]?.sectionPath.split('-').slice(0, 2).join('-') ?? '';
      const chapter = sectionOf(chapterPath);
      const row = blankRow(layout, `FOCUS/${String(i + 1)}`, i);
      return {
        ...row,
        kind: 'focus' as const,
        title: f.name,
        focusItem: f.name,
        markerRaw: f.number,
        guidelineRefs: refOf(items[0]?.guidelineNodeId ?? null, chapter?.title ?? f.name, chapterPath),
        source: chapter ? { ...chapter.source } : { file, line: plan.source.line },
        cells: [{ text: chapter?.title ?? f.name, line: chapter?.source.line ?? plan.source.line, col: 0, role: `plan:${chapterPath}` }],
      };
    });
  }

  const rows: Row[] = [];
  const keyOfSection = new Map<string, string>();
  const depth = (path: string): number => path.split('-').length - 1;
  const parentPath = (path: string): string => path.split('-').slice(0, -1).join('-');
  const partTitle = (path: string): string | null => sectionOf(path.split('-')[0] ?? '')?.title ?? null;

  for (const s of plan.sections) {
    const items = plan.items.filter((it) => (it.sectionPath === s.path || it.sectionPath.startsWith(`${s.path}-`)) && REPORTABLE.includes(it.kind) && !it.isRepost);
    if (items.length === 0) continue; // Ⅰ (background) and empty sections give no rows.
    const row = blankRow(layout, s.path, rows.length);
    const parentKey = keyOfSection.get(parentPath(s.path)) ?? null;
    rows.push({
      ...row,
      kind: 'heading',
      parentKey,
      level: Math.min(4, depth(s.path)),
      majorItem: partTitle(s.path),
      majorItemRaw: partTitle(s.path),
      markerRaw: s.marker,
      markerNorm: s.path,
      title: s.title,
      focusItem: items.every((it) => it.focusItem === items[0]?.focusItem) ? (items[0]?.focusItem ?? null) : null,
      source: { ...s.source },
      cells: [{ text: s.title, line: s.source.line, col: 0, role: `plan:${s.path}` }],
    });
    keyOfSection.set(s.path, row.key);
    for (const it of plan.items.filter((x) => x.sectionPath === s.path && REPORTABLE.includes(x.kind) && !x.isRepost)) {
      const itemRow = blankRow(layout, it.id, rows.length);
      rows.push({
        ...itemRow,
        parentKey: row.key,
        level: Math.min(4, depth(s.path) + 1),
        majorItem: partTitle(s.path),
        majorItemRaw: partTitle(s.path),
        markerRaw: it.number,
        markerNorm: it.number ? `${s.path}/${it.number}` : null,
        title: it.title ?? titleFromBody(it.body),
        focusItem: it.focusItem,
        guidelineRefs: refOf(it.guidelineNodeId, s.title, s.path),
        source: { ...it.source },
        cells: [{ text: it.body, line: it.source.line, col: 0, role: `plan:${it.id}` }],
      });
    }
  }
  return rows;
}
