/**
 * The editable grid of one report table (#10): an ARIA grid whose column headers are the layout's printed headers,
 * rows grouped under their 大項目, virtualized (@tanstack/react-virtual) so 2,000 rows stay fast. One tab stop
 * (roving tabindex); arrows, Home/End, PageUp/PageDown move; Enter or F2 edits; Delete clears; Ctrl+Z/Ctrl+Y undo and
 * redo; Ctrl+C copies the cell, Ctrl+V pastes a block copied from Excel (refused cells are listed, none applied).
 * Edits go to the RowCache (one per scope); what the cell shows comes from its snapshot.
 */
import { Badge, Button } from '@fluentui/react-components';
import { defaultRangeExtractor, useVirtualizer, type Range } from '@tanstack/react-virtual';
import { memo, useCallback, useId, useLayoutEffect, useMemo, useRef, useState, type ClipboardEvent as ReactClipboardEvent, type KeyboardEvent as ReactKeyboardEvent, type ReactNode } from 'react';

import type { EditableField, FieldValue } from '../../../core/edit/fields.js';
import { formatFieldValue, parseFieldInput } from '../../../core/edit/input.js';
import type { RowRecord } from '../../../core/lists/row-fields.js';
import type { Report } from '../../../core/model/schema.js';
import { validateRow, type ValidationIssue } from '../../../core/validate/index.js';
import { formatClipboard, parseClipboard } from '../../../data/clipboard.js';
import { planPaste, type PasteColumn, type RefusedCell } from '../../../data/paste.js';
import type { RowCache } from '../../../data/row-cache.js';
import type { FieldState, RowView } from '../../../data/types.js';
import type { MessageKey, Translate } from '../../i18n/i18n.js';
import { ReviewBadge, ReviewComment, type ReturnComment } from '../ReviewState/index.js';
import type { ReviewStateJa } from '../../../core/review/review.js';
import { GuidelineContent, IndicatorContent, ItemContent, SurveyContent, TaggedText } from './CellContent.js';
import { CellEditor } from './CellEditors.js';
import { useGridStyles } from './FollowUpGrid.styles.js';
import { columnOfIssue, fieldAt, issueText, moveLine, type GridColumn, type GridTable } from './grid-model.js';

/** Fields a person fills in (the rules the tab shows while typing). */
const PERSON_FIELDS: ReadonlySet<string> = new Set(['status', 'reasonNotPlanned', 'narrative', 'outcome', 'indicatorValues', 'surveyAnswers', 'entries']);

const STATE_KEYS: Readonly<Record<Exclude<FieldState, 'clean'>, MessageKey>> = {
  edited: 'state.edited',
  saving: 'state.saving',
  saved: 'state.saved',
  conflict: 'state.conflict',
  failed: 'state.failed',
};
const STATE_COLORS: Readonly<Record<Exclude<FieldState, 'clean'>, 'warning' | 'informative' | 'success' | 'danger'>> = {
  edited: 'warning',
  saving: 'informative',
  saved: 'success',
  conflict: 'danger',
  failed: 'danger',
};

export interface PasteOutcome {
  applied: number;
  refused: RefusedCell[];
}

/** A row's review as the grid shows it (#12): its state, and a returned row's comment on a field (null: the row). */
export interface GridReview {
  state: ReviewStateJa;
  awaitingLock: boolean;
  comment: (ReturnComment & { field: EditableField | null }) | null;
}

export interface FollowUpGridProps {
  table: GridTable;
  cache: RowCache;
  /** Id of the element naming the grid (the table's heading). */
  labelledBy: string;
  lang: 'ja' | 'en';
  t: Translate;
  divisionName: (code: string | null) => string;
  /** The column's length limit from the writing guidance. */
  maxLengthOf: (view: RowView, field: EditableField) => number | undefined;
  /** The active cell changed (the side panel follows it). */
  onActive: (view: RowView | null, column: GridColumn | null) => void;
  onOpenConflict: (rowKey: string) => void;
  onPaste: (outcome: PasteOutcome) => void;
  /** The review of each row (#12); without it no state is shown. */
  reviewOf?: (rowKey: string) => GridReview | undefined;
}

interface Active {
  line: number;
  col: number;
}

const ESTIMATE = { group: 34, row: 92 };

export function FollowUpGrid({ table, cache, labelledBy, lang, t, divisionName, maxLengthOf, onActive, onOpenConflict, onPaste, reviewOf }: FollowUpGridProps) {
  const s = useGridStyles();
  const gridId = useId();
  const scroller = useRef<HTMLDivElement>(null);
  const [active, setActive] = useState<Active>({ line: 0, col: 0 });
  const [editing, setEditing] = useState(false);
  const [expanded, setExpanded] = useState<ReadonlySet<string>>(() => new Set());
  const wantFocus = useRef(false);
  const { lines, columns, layout } = table;
  const line = Math.min(active.line, Math.max(0, lines.length - 1));
  const activeLine = lines[line];
  const col = activeLine?.type === 'group' ? 0 : Math.min(active.col, columns.length - 1);

  const template = useMemo(() => columns.map((c) => c.width).join(' '), [columns]);
  const rangeExtractor = useCallback(
    (range: Range) => {
      const indexes = defaultRangeExtractor(range);
      // The active row stays rendered while scrolled away: it holds the grid's tab stop.
      if (!indexes.includes(line) && line < range.count) indexes.push(line);
      return indexes.sort((a, b) => a - b);
    },
    [line],
  );
  // eslint-disable-next-line react-hooks/incompatible-library -- the virtualizer stays in this component; rows get plain values.
  const virtualizer = useVirtualizer({
    count: lines.length,
    getScrollElement: () => scroller.current,
    estimateSize: (i) => (lines[i]?.type === 'group' ? ESTIMATE.group : ESTIMATE.row),
    getItemKey: (i) => lines[i]?.key ?? i,
    overscan: 4,
    rangeExtractor,
  });

  // The report the rules see while one types (siblings, 重点項目 of the same table).
  const report = useMemo<Report>(() => {
    const first = table.rows[0]?.stored;
    return { key: table.reportKey, organization: null, organizationCode: first?.orgCode ?? null, organizationSource: 'unknown', fiscalYear: first?.fiscalYear ?? null, cycleLabel: null, implementationYear: null, layout, title: '', titleRaw: [], coverNote: null, noRowsReason: null, focusItems: [], rows: table.rows.map((v) => v.current.row), issues: [], reviewState: 'unreviewed', source: first?.row.source ?? { file: '', line: 0 } };
  }, [table, layout]);

  const editableField = useCallback(
    (lineIndex: number, colIndex: number): EditableField | null => {
      const l = lines[lineIndex];
      const c = columns[colIndex];
      if (!l || l.type !== 'row' || !c) return null;
      const field = fieldAt(layout, l.view, c);
      return field && cache.denial(l.view.rowKey, field) === null ? field : null;
    },
    [lines, columns, layout, cache],
  );

  const activeView = activeLine?.type === 'row' ? activeLine.view : null;
  const activeColumn = columns[col] ?? null;
  useLayoutEffect(() => {
    onActive(activeView, activeColumn);
  }, [activeView, activeColumn, onActive]);

  useLayoutEffect(() => {
    if (!wantFocus.current || editing) return;
    const el = scroller.current?.querySelector<HTMLElement>(`[data-cell="${line}:${col}"]`);
    if (el) {
      el.focus({ preventScroll: true });
      wantFocus.current = false;
    }
  });

  const moveTo = (next: Active): void => {
    wantFocus.current = true;
    setActive(next);
    virtualizer.scrollToIndex(next.line, { align: 'auto' });
  };

  const commit = (field: EditableField, value: FieldValue, move?: 'next' | 'previous'): string | null => {
    const l = lines[line];
    if (!l || l.type !== 'row') return null;
    const result = cache.edit([{ rowKey: l.view.rowKey, field, value }]);
    const refused = result.refused[0];
    if (refused) return refused.denial[lang];
    setEditing(false);
    wantFocus.current = true;
    if (move) setActive({ line, col: Math.max(0, Math.min(columns.length - 1, col + (move === 'next' ? 1 : -1))) });
    return null;
  };

  const validate = useCallback(
    (column: GridColumn) =>
      (draft: RowRecord): readonly ValidationIssue[] => {
        const rows = report.rows.map((r) => (r.key === draft.row.key ? draft.row : r));
        return validateRow(draft.row, { ...report, rows }).filter((i) => PERSON_FIELDS.has(i.field) && columnOfIssue(layout, i) === column.id);
      },
    [report, layout],
  );

  const onKeyDown = (e: ReactKeyboardEvent<HTMLDivElement>): void => {
    if (editing) return;
    const ctrl = e.ctrlKey || e.metaKey;
    const key = e.key;
    if (key === 'ArrowUp' || key === 'ArrowDown' || key === 'PageUp' || key === 'PageDown') {
      e.preventDefault();
      moveTo({ line: moveLine(line, lines.length, key, 8), col: active.col });
    } else if (key === 'ArrowLeft' || key === 'ArrowRight') {
      e.preventDefault();
      if (activeLine?.type === 'group') return;
      moveTo({ line, col: Math.max(0, Math.min(columns.length - 1, col + (key === 'ArrowRight' ? 1 : -1))) });
    } else if (key === 'Home' || key === 'End') {
      e.preventDefault();
      if (ctrl) moveTo({ line: moveLine(line, lines.length, key), col: active.col });
      else moveTo({ line, col: key === 'Home' ? 0 : columns.length - 1 });
    } else if ((key === 'Enter' || key === 'F2') && !e.nativeEvent.isComposing && e.keyCode !== 229) {
      e.preventDefault();
      if (editableField(line, col)) setEditing(true);
    } else if ((key === 'Delete' || key === 'Backspace') && activeView) {
      const field = editableField(line, col);
      if (!field || field === 'surveyAnswers') return;
      e.preventDefault();
      const cleared = parseFieldInput(activeView.current, field, '');
      if (cleared.ok) cache.edit([{ rowKey: activeView.rowKey, field, value: cleared.value }]);
    } else if (ctrl && !e.altKey && (key === 'z' || key === 'Z')) {
      e.preventDefault();
      if (e.shiftKey) cache.redo();
      else cache.undo();
    } else if (ctrl && !e.altKey && (key === 'y' || key === 'Y')) {
      e.preventDefault();
      cache.redo();
    }
  };

  const onCopy = (e: ReactClipboardEvent<HTMLDivElement>): void => {
    if (editing || !activeView) return;
    const c = columns[col];
    const field = c ? fieldAt(layout, activeView, c) : null;
    const text = field ? formatFieldValue(activeView.current, field) : ((e.target as HTMLElement).innerText ?? '');
    e.clipboardData.setData('text/plain', formatClipboard([[text]]));
    e.preventDefault();
  };

  const onPasteEvent = (e: ReactClipboardEvent<HTMLDivElement>): void => {
    if (editing || activeLine?.type !== 'row') return;
    const text = e.clipboardData.getData('text/plain');
    if (text === '') return;
    e.preventDefault();
    const block = parseClipboard(text);
    const plan = planPaste(block, activeLine.dataIndex, col, {
      rows: table.rows,
      columns: columns as unknown as PasteColumn[],
      fieldAt: (view, column) => fieldAt(layout, view, column as unknown as GridColumn),
      denial: (rowKey, field) => cache.denial(rowKey, field),
      maxLength: (column) => {
        const view = table.rows[activeLine.dataIndex];
        const field = view ? fieldAt(layout, view, column as unknown as GridColumn) : null;
        return view && field ? maxLengthOf(view, field) : undefined;
      },
    });
    const result = plan.changes.length > 0 ? cache.edit(plan.changes) : { applied: [], refused: [] };
    const refusedByCache: RefusedCell[] = result.refused.map((r) => ({ blockRow: 0, blockCol: 0, rowKey: r.rowKey, value: '', ja: r.denial.ja, en: r.denial.en }));
    onPaste({ applied: result.applied.length, refused: [...plan.refused, ...refusedByCache] });
  };

  const items = virtualizer.getVirtualItems();
  return (
    <div
      ref={scroller}
      className={s.scroller}
      role="grid"
      id={gridId}
      // One tab stop is the active cell (roving tabindex); the grid itself takes focus only programmatically.
      tabIndex={-1}
      aria-labelledby={labelledBy}
      aria-rowcount={lines.length + 1}
      aria-colcount={columns.length}
      onKeyDown={onKeyDown}
      onCopy={onCopy}
      onPaste={onPasteEvent}
      data-testid="followup-grid"
    >
      <div role="rowgroup" className={s.header}>
        <div role="row" aria-rowindex={1} className={s.headerRow} style={{ gridTemplateColumns: template }}>
          {columns.map((c, i) => (
            <div key={c.id} role="columnheader" aria-colindex={i + 1} className={s.headerCell} title={c.header}>
              {c.header}
            </div>
          ))}
        </div>
      </div>
      <div role="rowgroup" className={s.body} style={{ height: virtualizer.getTotalSize() }}>
        {items.map((item) => {
          const l = lines[item.index];
          if (!l) return null;
          const isActive = item.index === line;
          if (l.type === 'group') {
            return (
              <div key={item.key} ref={virtualizer.measureElement} data-index={item.index} role="row" aria-rowindex={item.index + 2} className={`${s.row} ${s.groupRow}`} style={{ transform: `translateY(${item.start}px)`, gridTemplateColumns: template }}>
                <div
                  role="gridcell"
                  aria-colspan={columns.length}
                  aria-colindex={1}
                  data-cell={`${item.index}:0`}
                  tabIndex={isActive ? 0 : -1}
                  className={`${s.cell} ${s.groupCell} ${isActive ? s.cellActive : ''}`}
                  onMouseDown={() => moveTo({ line: item.index, col: active.col })}
                >
                  {l.label}
                </div>
              </div>
            );
          }
          return (
            <GridRow
              key={item.key}
              index={item.index}
              start={item.start}
              measure={virtualizer.measureElement}
              view={l.view}
              review={reviewOf?.(l.view.rowKey)}
              table={table}
              template={template}
              activeCol={isActive ? col : -1}
              editing={isActive && editing}
              expanded={expanded.has(l.view.rowKey)}
              lang={lang}
              t={t}
              divisionName={divisionName}
              editable={(c) => editableField(item.index, c)}
              onCell={(c) => moveTo({ line: item.index, col: c })}
              onEdit={(c) => {
                if (!editableField(item.index, c)) return;
                setActive({ line: item.index, col: c });
                setEditing(true);
              }}
              onToggleExpand={() => setExpanded((prev) => toggled(prev, l.view.rowKey))}
              onOpenConflict={onOpenConflict}
              editor={
                isActive && editing
                  ? (field, column) => (
                      <CellEditor
                        view={l.view}
                        field={field}
                        label={`${column.header}（${l.view.stored.row.focusItem ?? l.view.stored.row.title}）`}
                        lang={lang}
                        t={t}
                        maxLength={maxLengthOf(l.view, field)}
                        validate={validate(column)}
                        onCommit={(value, move) => commit(field, value, move)}
                        onCancel={() => {
                          setEditing(false);
                          wantFocus.current = true;
                        }}
                      />
                    )
                  : null
              }
            />
          );
        })}
      </div>
    </div>
  );
}

const toggled = (set: ReadonlySet<string>, key: string): Set<string> => {
  const next = new Set(set);
  if (next.has(key)) next.delete(key);
  else next.add(key);
  return next;
};

interface GridRowProps {
  index: number;
  start: number;
  measure: (el: Element | null) => void;
  view: RowView;
  review: GridReview | undefined;
  table: GridTable;
  template: string;
  /** The active column when this row holds the active cell, else -1. */
  activeCol: number;
  editing: boolean;
  expanded: boolean;
  lang: 'ja' | 'en';
  t: Translate;
  divisionName: (code: string | null) => string;
  editable: (col: number) => EditableField | null;
  onCell: (col: number) => void;
  onEdit: (col: number) => void;
  onToggleExpand: () => void;
  onOpenConflict: (rowKey: string) => void;
  editor: ((field: EditableField, column: GridColumn) => ReactNode) | null;
}

const LONG_TEXT = 140;

/** One data row; re-renders only when its RowView, its active cell or its editing state changes. */
const GridRow = memo(
  function GridRow({ index, start, measure, view, review, table, template, activeCol, editing, expanded, lang, t, divisionName, editable, onCell, onEdit, onToggleExpand, onOpenConflict, editor }: GridRowProps) {
    const s = useGridStyles();
    const row = view.current.row;
    const readOnlyRow = table.columns.every((_, c) => editable(c) === null);
    // A comment on a field this row has no cell for (or on no field) shows on the row header.
    const commentField = review?.comment ? review.comment.field : null;
    const commentOnHeader = review?.comment != null && (commentField === null || !table.columns.some((c) => fieldAt(table.layout, view, c) === commentField));
    return (
      <div
        ref={measure}
        data-index={index}
        role="row"
        aria-rowindex={index + 2}
        data-rowkey={view.rowKey}
        className={`${s.row} ${readOnlyRow ? s.rowOther : s.rowMine} ${view.dirty ? s.rowDirty : ''}`}
        style={{ transform: `translateY(${start}px)`, gridTemplateColumns: template }}
      >
        {table.columns.map((column, c) => {
          const field = fieldAt(table.layout, view, column);
          const canEdit = editable(c) !== null;
          const isActive = c === activeCol;
          const issues = field ? view.issues.filter((i) => columnOfIssue(table.layout, i) === column.id) : [];
          const fieldView = field ? view.fields[field] : undefined;
          const invalid = issues.some((i) => i.severity === 'error');
          const isHeader = column.id === 'item' || column.id === 'focusItem';
          // A reviewer's comment sits on the field it names, or on the row header when it names none.
          const note = review?.comment && (commentOnHeader ? isHeader : field === commentField) ? review.comment : null;
          const noteId = note ? `${view.rowKey}-${column.id}-review` : undefined;
          const messageId = [issues.length > 0 ? `${view.rowKey}-${column.id}-issues` : undefined, noteId].filter(Boolean).join(' ') || undefined;
          let content: ReactNode;
          let longText = false;
          if (isActive && editing && field && editor) content = editor(field, column);
          else if (isHeader)
            content = (
              <>
                <ItemContent row={row} t={t} />
                {review ? <ReviewBadge state={review.state} awaitingLock={review.awaitingLock} t={t} /> : null}
              </>
            );
          else if (column.id === 'division') content = divisionName(row.division);
          else if (column.id === 'guidelineRefs') content = <GuidelineContent row={row} />;
          else if (field === 'status') content = row.status === null ? <span className={s.muted}>{t('status.none')}</span> : t(row.status === 'implemented' ? 'status.implemented' : 'status.undecided');
          else if (field === 'indicatorValues') content = <IndicatorContent values={row.indicatorValues} t={t} />;
          else if (field === 'surveyAnswers') content = <SurveyContent row={row} t={t} />;
          else if (field) {
            const text = (field === 'narrative' ? row.narrative : field === 'outcome' ? row.outcome : field === 'reasonNotPlanned' ? row.reasonNotPlanned : null) ?? '';
            longText = text.length > LONG_TEXT || text.split('\n').length > 6;
            content = text === '' ? null : <span className={expanded ? s.full : s.clamp}>{field === 'narrative' ? <TaggedText text={text} /> : text}</span>;
          } else content = null;
          const Role = isHeader ? 'rowheader' : 'gridcell';
          return (
            <div
              key={column.id}
              role={Role}
              aria-colindex={c + 1}
              aria-readonly={canEdit ? undefined : true}
              aria-invalid={invalid || undefined}
              aria-describedby={messageId}
              data-cell={`${index}:${c}`}
              data-column={column.id}
              tabIndex={isActive && !editing ? 0 : -1}
              className={`${s.cell} ${isHeader ? s.rowHeader : ''} ${canEdit ? s.cellEditable : s.cellReadOnly} ${isActive ? s.cellActive : ''} ${invalid ? s.cellInvalid : ''}`}
              onMouseDown={(e) => {
                if (isActive && editing) return;
                if ((e.target as HTMLElement).closest('button')) return;
                onCell(c);
              }}
              onDoubleClick={() => onEdit(c)}
            >
              {content}
              {!(isActive && editing) && longText ? (
                <div className={s.expand}>
                  <Button size="small" appearance="transparent" tabIndex={-1} onClick={onToggleExpand} aria-expanded={expanded}>
                    {expanded ? t('grid.collapse') : t('grid.fullText')}
                  </Button>
                </div>
              ) : null}
              {fieldView && fieldView.state !== 'clean' && !(isActive && editing) ? (
                <div className={s.stateLine}>
                  {fieldView.state === 'conflict' ? (
                    <Button size="small" appearance="outline" tabIndex={-1} onClick={() => onOpenConflict(view.rowKey)}>
                      {t('state.conflictOpen')}
                    </Button>
                  ) : (
                    <Badge size="small" appearance="tint" color={STATE_COLORS[fieldView.state]}>
                      {t(STATE_KEYS[fieldView.state])}
                    </Badge>
                  )}
                  {fieldView.error ? <span className={`${s.issue} ${s.issueError}`}>{fieldView.error[lang]}</span> : null}
                </div>
              ) : null}
              {note && noteId && !(isActive && editing) ? <ReviewComment id={noteId} note={note} lang={lang} t={t} /> : null}
              {issues.length > 0 && !(isActive && editing) ? (
                <span id={`${view.rowKey}-${column.id}-issues`}>
                  {issues.map((i, n) => (
                    <span key={n} className={`${s.issue} ${i.severity === 'error' ? s.issueError : s.issueWarning}`}>
                      {i.severity === 'error' ? '⚠ ' : ''}
                      {issueText(i, lang)}
                    </span>
                  ))}
                </span>
              ) : null}
            </div>
          );
        })}
      </div>
    );
  },
  (a, b) =>
    a.view === b.view &&
    a.review === b.review &&
    a.start === b.start &&
    a.activeCol === b.activeCol &&
    a.editing === b.editing &&
    a.expanded === b.expanded &&
    a.template === b.template &&
    a.lang === b.lang &&
    a.index === b.index &&
    // While editing, the editor closure changes with the draft's context.
    !(a.editing || b.editing),
);
