/**
 * The task pane's state (#11): what the workbook holds, problems as they are made, and the load / sync / decide
 * actions, over the pure steps of src/core/sync/workbook-sync.ts. No Office here: the workbook comes through
 * Services (a LiveWorkbook the Excel host made), the store through `rows(site)`.
 */
import { useCallback, useEffect, useRef, useState } from 'react';

import type { Actor } from '../../core/permissions/rules.js';
import type { StoredRow } from '../../core/ports.js';
import type { LiveWorkbook } from '../../core/sync/workbook-port.js';
import {
  checkWorkbook,
  loadWorkbook,
  locateCell,
  resolveConflict,
  syncWorkbook,
  type CellPlace,
  type DeletedRowsChoice,
  type RowNote,
  type SyncConflict,
  type SyncProgress,
  type SyncReport,
  type SyncRows,
  type SyncStructure,
  type WorkbookCheck,
  type WorkbookScope,
} from '../../core/sync/workbook-sync.js';

/** How long after the last change the workbook is checked again (typing fires an event per cell). */
export const CHECK_DEBOUNCE_MS = 400;
const SCOPE_SETTING = 'scope';

export type WorkbookStatus = { kind: 'reading' } | { kind: 'blank' } | { kind: 'ours'; check: WorkbookCheck } | { kind: 'foreign'; ja: string; en: string };

export interface WorkbookSyncState {
  status: WorkbookStatus;
  busy: { action: 'load' | 'sync' | 'resolve'; progress: SyncProgress } | null;
  /** The last sync's report (its conflicts shrink as the person decides them). */
  report: SyncReport | null;
  loaded: { rows: number; tables: number } | null;
  error: unknown;
  /** The scope remembered in the workbook's settings (fiscal year and division), once read. */
  remembered: { fiscalYear: number; divisionCode: string | null } | null | undefined;
}

/** What a sync may ask the person (the secretariat's questions only reach the secretariat). */
export interface SyncQuestions {
  /** Rows deleted in the sheet: put them back? (false: not now) */
  confirmRestore(rows: readonly RowNote[]): Promise<boolean>;
  /** The secretariat: delete rows deleted in the sheet from the list, put them back, or decide later. */
  decideDeleted(rows: readonly RowNote[]): Promise<DeletedRowsChoice>;
  /** The secretariat: create rows added in the sheet in the list? (false: they stay proposals) */
  confirmCreate(rows: readonly RowNote[]): Promise<boolean>;
}

export interface WorkbookSyncActions {
  load(scope: WorkbookScope, divisionName: string | null): Promise<void>;
  sync(ask: SyncQuestions): Promise<void>;
  decide(conflict: SyncConflict, take: 'mine' | 'theirs'): Promise<void>;
  /** Selects the cell (found again by row key: the sheet may have been sorted since the message was made). */
  goTo(place: CellPlace | null, rowKey: string | null, field: SyncConflict['field'] | null): Promise<void>;
}

/** `structureFor`: the secretariat's create/delete (#11); null for everyone else (rows then stay proposals / come back). */
export function useWorkbookSync(
  workbook: LiveWorkbook,
  rowsFor: (() => Promise<SyncRows>) | null,
  actor: Actor | null,
  userId: string | null,
  structureFor: (() => Promise<SyncStructure>) | null = null,
): [WorkbookSyncState, WorkbookSyncActions] {
  const [state, setState] = useState<WorkbookSyncState>({ status: { kind: 'reading' }, busy: null, report: null, loaded: null, error: null, remembered: undefined });
  const list = useRef<StoredRow[] | null>(null);
  const busy = useRef(false);
  const patch = useCallback((p: Partial<WorkbookSyncState>) => setState((s) => ({ ...s, ...p })), []);

  const recheck = useCallback(async () => {
    if (!actor) return;
    try {
      const out = await checkWorkbook(workbook, list.current, actor);
      patch({ status: out.ok ? { kind: 'ours', check: out.check } : out.reason === 'blank' ? { kind: 'blank' } : { kind: 'foreign', ja: out.ja, en: out.en } });
    } catch (error) {
      patch({ error });
    }
  }, [workbook, actor, patch]);

  // The remembered scope, once.
  useEffect(() => {
    let live = true;
    workbook.getSetting(SCOPE_SETTING).then(
      (v) => {
        const o = v as { fiscalYear?: unknown; divisionCode?: unknown } | null;
        if (live) patch({ remembered: o && typeof o.fiscalYear === 'number' ? { fiscalYear: o.fiscalYear, divisionCode: typeof o.divisionCode === 'string' ? o.divisionCode : null } : null });
      },
      () => live && patch({ remembered: null }),
    );
    return () => {
      live = false;
    };
  }, [workbook, patch]);

  // First look at the workbook; then the list of its scope, so every check is complete (values, rights).
  useEffect(() => {
    if (!actor) return undefined;
    let live = true;
    void (async () => {
      await recheck();
      if (!rowsFor || list.current) return;
      const first = await checkWorkbook(workbook, null, actor).catch(() => null);
      if (!live || !first?.ok || !first.check.scope) return;
      const s = first.check.scope;
      try {
        const rows = await rowsFor();
        const set = await rows.open({ fiscalYear: s.fiscalYear, orgCode: s.orgCode, ...(s.divisionCode === null ? {} : { divisionCode: s.divisionCode }) });
        if (!live) return;
        list.current = set.rows;
        await recheck();
      } catch {
        // Offline or signed out: the check stays sheet-only and says so; the sync reports the real error.
      }
    })();
    return () => {
      live = false;
    };
  }, [workbook, rowsFor, actor, recheck]);

  // Problems as they are made: every change of the person or a co-author (not our own writes) re-checks, debounced.
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const off = workbook.onChange(() => {
      if (timer) clearTimeout(timer);
      timer = setTimeout(() => {
        if (!busy.current) void recheck();
      }, CHECK_DEBOUNCE_MS);
    });
    return () => {
      if (timer) clearTimeout(timer);
      off();
    };
  }, [workbook, recheck]);

  const run = useCallback(
    async (action: 'load' | 'sync' | 'resolve', body: (onProgress: (p: SyncProgress) => void) => Promise<void>) => {
      if (busy.current) return;
      busy.current = true;
      patch({ busy: { action, progress: { step: 'read', done: 0, total: 0 } }, error: null });
      try {
        await body((progress) => patch({ busy: { action, progress } }));
      } catch (error) {
        patch({ error });
      } finally {
        busy.current = false;
        patch({ busy: null });
        await recheck();
      }
    },
    [patch, recheck],
  );

  const actions: WorkbookSyncActions = {
    load: (scope, divisionName) =>
      run('load', async (onProgress) => {
        if (!rowsFor || !actor) return;
        const rows = await rowsFor();
        const out = await loadWorkbook({ workbook, rows, actor, userId, onProgress }, scope, { divisionName });
        list.current = out.list;
        await workbook.setSetting(SCOPE_SETTING, { fiscalYear: scope.fiscalYear, divisionCode: scope.divisionCode });
        patch({ loaded: { rows: out.list.length, tables: out.tables }, report: null, remembered: { fiscalYear: scope.fiscalYear, divisionCode: scope.divisionCode } });
      }),
    sync: (ask) =>
      run('sync', async (onProgress) => {
        if (!rowsFor || !actor) return;
        const rows = await rowsFor();
        const structure = actor.isSecretariat && structureFor ? await structureFor() : undefined;
        const out = await syncWorkbook(
          { workbook, rows, actor, userId, onProgress, ...(structure ? { structure } : {}) },
          { confirmRestore: ask.confirmRestore, ...(structure ? { decideDeleted: ask.decideDeleted, confirmCreate: ask.confirmCreate } : {}) },
        );
        if (!out.ok) {
          patch({ status: out.reason === 'blank' ? { kind: 'blank' } : { kind: 'foreign', ja: out.ja, en: out.en } });
          return;
        }
        list.current = out.report.list;
        patch({ report: out.report, loaded: null });
      }),
    decide: (conflict, take) =>
      run('resolve', async (onProgress) => {
        if (!list.current) return;
        await resolveConflict(workbook, conflict, take, list.current);
        const remove = (r: SyncReport | null): SyncReport | null => (r ? { ...r, conflicts: r.conflicts.filter((c) => !(c.rowKey === conflict.rowKey && c.field === conflict.field)) } : r);
        if (take === 'mine' && rowsFor && actor) {
          // The choice is applied at once: a sync sends the sheet's value (and finds anything new meanwhile).
          const rows = await rowsFor();
          const out = await syncWorkbook({ workbook, rows, actor, userId, onProgress }, {});
          if (out.ok) {
            list.current = out.report.list;
            setState((s) => ({ ...s, report: { ...out.report, conflicts: out.report.conflicts } }));
            return;
          }
        }
        setState((s) => ({ ...s, report: remove(s.report) }));
      }),
    goTo: async (place, rowKey, field) => {
      try {
        const where = rowKey ? await locateCell(workbook, rowKey, field, list.current ?? []) : place;
        if (where) await workbook.select(where.table, where.row, where.column ?? 0);
      } catch (error) {
        patch({ error });
      }
    },
  };
  return [state, actions];
}
