/**
 * Drafts in the browser's IndexedDB (#10): unsaved edits survive a reload or a crash of the tab, per user and scope
 * (the key, see draftKeyOf in src/data/row-cache.ts). One object store, one record per key; what is read back is
 * checked (parseDrafts), so a record written by an older version never breaks the page. Signing out on a shared PC
 * clears them after asking (`clearAll`).
 */
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';

import { parseDrafts } from '../../data/drafts.js';
import type { DraftRow, DraftStore } from '../../data/types.js';

export const DRAFTS_DB = 'followup-drafts';
const STORE = 'drafts';

interface DraftsSchema extends DBSchema {
  drafts: { key: string; value: { key: string; rows: unknown; savedAt: number } };
}

export interface IdbDraftStore extends DraftStore {
  /** Deletes every draft of every key (sign-out on a shared PC). */
  clearAll(): Promise<void>;
  /** How many rows the drafts under keys starting with `prefix` hold (the sign-out question names it). */
  countRows(prefix?: string): Promise<number>;
}

/** Opens the drafts database lazily (the first read or write), through the page's `indexedDB`. */
export function createIdbDraftStore(now: () => number = () => Date.now()): IdbDraftStore {
  let db: Promise<IDBPDatabase<DraftsSchema>> | undefined;
  const open = (): Promise<IDBPDatabase<DraftsSchema>> => {
    db ??= openDB<DraftsSchema>(DRAFTS_DB, 1, {
      upgrade(database) {
        database.createObjectStore(STORE, { keyPath: 'key' });
      },
    }).catch((error: unknown) => {
      db = undefined;
      throw error;
    });
    return db;
  };
  return {
    async load(key: string): Promise<DraftRow[]> {
      const record = await (await open()).get(STORE, key);
      return parseDrafts(record?.rows).rows;
    },
    async save(key: string, rows: readonly DraftRow[]): Promise<void> {
      await (await open()).put(STORE, { key, rows: JSON.parse(JSON.stringify(rows)) as unknown, savedAt: now() });
    },
    async clear(key: string): Promise<void> {
      await (await open()).delete(STORE, key);
    },
    async keys(): Promise<string[]> {
      return (await (await open()).getAllKeys(STORE)).map(String);
    },
    async clearAll(): Promise<void> {
      await (await open()).clear(STORE);
    },
    async countRows(prefix = ''): Promise<number> {
      const all = await (await open()).getAll(STORE);
      return all.filter((r) => r.key.startsWith(prefix)).reduce((n, r) => n + parseDrafts(r.rows).rows.length, 0);
    },
  };
}
