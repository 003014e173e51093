/** Delta queries on list items (#3): enumeration pages, change pages after a token, `latest`, and expiry (410). */
import { GraphHttpError } from '../errors.js';
import type { StoreContext } from './context.js';
import type { Permissions } from './permissions.js';
import type { Caller, ItemRow, ListRow } from './types.js';

export interface DeltaPage { rows: ItemRow[]; nextToken?: string; deltaToken?: string }

export class Delta {
  constructor(
    private readonly ctx: StoreContext,
    private readonly permissions: Permissions,
  ) {}

  private encode(list: ListRow, t: { m: 'e' | 'c'; s: number; a?: number }): string {
    return this.ctx.seal({ v: 1, e: this.ctx.epoch, l: list.guid, ...t });
  }

  /** The state a token carries, or undefined for a token that was not made here for this list, or was changed. */
  private decode(list: ListRow, token: string): { m: 'e' | 'c'; s: number; a: number } | undefined {
    const t = this.ctx.unseal(token) as { v?: unknown; e?: unknown; l?: unknown; m?: unknown; s?: unknown; a?: unknown } | undefined;
    if (typeof t !== 'object' || t === null) return undefined;
    const seq = (x: unknown): x is number => typeof x === 'number' && Number.isSafeInteger(x) && x >= 0;
    if (t.v !== 1 || t.e !== this.ctx.epoch || t.l !== list.guid || (t.m !== 'e' && t.m !== 'c') || !seq(t.s) || (t.a !== undefined && !seq(t.a))) return undefined;
    return { m: t.m, s: t.s, a: t.a ?? 0 };
  }

  /** Empties the change log (tombstones) so every earlier delta token gets 410, as an expired token would. */
  expireTokens(): void {
    // Advance the sequence so every token issued so far lies below the floor, and later ones do not.
    this.ctx.deltaFloor = this.ctx.nextSeq();
    this.ctx.db.transaction(() => {
      this.ctx.stmt("INSERT OR REPLACE INTO meta(key, value) VALUES ('delta_floor', ?)").run(String(this.ctx.deltaFloor));
      this.ctx.stmt('DELETE FROM items WHERE deleted = 1').run();
    })();
    this.permissions.changed();
  }

  /**
   * One delta page: a fresh enumeration (no token), `latest`, or the changes after a token.
   * @throws GraphHttpError 410 for a token that is unknown, from another database or older than the change log.
   */
  page(c: Caller, list: ListRow, token: string | undefined, top: number, resyncUrl: string): DeltaPage {
    const vis = this.permissions.visibilityClause(c, list);
    if (token === 'latest') return { rows: [], deltaToken: this.encode(list, { m: 'c', s: this.ctx.seq }) };
    if (token === undefined) return this.enumerate(list, vis, 0, this.ctx.seq, top);
    const gone = (): GraphHttpError =>
      new GraphHttpError(410, 'resyncChangesApplyDifferences', 'The delta token is no longer valid; a full resynchronization is required. Follow the Location header to enumerate the list again.', { Location: resyncUrl });
    const t = this.decode(list, token);
    if (t === undefined) throw gone();
    if (t.m === 'e') return this.enumerate(list, vis, t.a, t.s, top);
    if (t.s < this.ctx.deltaFloor || t.s > this.ctx.seq) throw gone();
    const rows = this.ctx.stmt(`SELECT * FROM items WHERE lid = ? AND seq > ?${vis.sql} ORDER BY seq LIMIT ?`).all(list.lid, t.s, ...vis.params, top + 1) as ItemRow[];
    if (rows.length > top) {
      rows.length = top;
      return { rows, nextToken: this.encode(list, { m: 'c', s: (rows[rows.length - 1] as ItemRow).seq }) };
    }
    return { rows, deltaToken: this.encode(list, { m: 'c', s: this.ctx.seq }) };
  }

  private enumerate(list: ListRow, vis: { sql: string; params: unknown[] }, after: number, upto: number, top: number): DeltaPage {
    // Items changed after `upto` are left for the next round, so the enumeration is a consistent snapshot.
    const rows = this.ctx.stmt(`SELECT * FROM items WHERE lid = ? AND deleted = 0 AND seq > ? AND seq <= ?${vis.sql} ORDER BY seq LIMIT ?`).all(list.lid, after, upto, ...vis.params, top + 1) as ItemRow[];
    if (rows.length > top) {
      rows.length = top;
      return { rows, nextToken: this.encode(list, { m: 'e', s: upto, a: (rows[rows.length - 1] as ItemRow).seq }) };
    }
    return { rows, deltaToken: this.encode(list, { m: 'c', s: upto }) };
  }
}
