/**
 * Draft storage (#10): unsaved edits survive a reload or a crash of the tab. `InMemoryDraftStore` serves tests and
 * hosts without storage; the browser's IndexedDB store lives with the hosts (src/hosts/browser). Drafts read back are
 * checked with zod: storage written by an older version (or tampered with) never breaks the page, it is dropped.
 */
import { z } from 'zod';

import type { DraftRow, DraftStore } from './types.js';

const DraftRowSchema = z.object({
  rowKey: z.string(),
  baseETag: z.string(),
  title: z.string(),
  base: z.record(z.string(), z.unknown()),
  mine: z.record(z.string(), z.unknown()),
});

/** Drafts as read from storage: the valid ones, and how many were dropped. */
export function parseDrafts(value: unknown): { rows: DraftRow[]; dropped: number } {
  if (!Array.isArray(value)) return { rows: [], dropped: value === undefined || value === null ? 0 : 1 };
  const rows: DraftRow[] = [];
  let dropped = 0;
  for (const v of value) {
    const parsed = DraftRowSchema.safeParse(v);
    if (parsed.success) rows.push(parsed.data as DraftRow);
    else dropped++;
  }
  return { rows, dropped };
}

/** Drafts in memory (tests, hosts without storage). Values are copied so later changes never leak in. */
export class InMemoryDraftStore implements DraftStore {
  private readonly data = new Map<string, string>();
  /** When set, writes fail with this error (a full or blocked storage). */
  failWrites: Error | null = null;

  load(key: string): Promise<DraftRow[]> {
    const raw = this.data.get(key);
    return Promise.resolve(raw === undefined ? [] : parseDrafts(JSON.parse(raw)).rows);
  }

  save(key: string, rows: readonly DraftRow[]): Promise<void> {
    if (this.failWrites) return Promise.reject(this.failWrites);
    this.data.set(key, JSON.stringify(rows));
    return Promise.resolve();
  }

  clear(key: string): Promise<void> {
    this.data.delete(key);
    return Promise.resolve();
  }

  keys(): Promise<string[]> {
    return Promise.resolve([...this.data.keys()]);
  }
}
