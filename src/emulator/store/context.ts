/** What every part of the store shares: the database, its prepared statements and the change sequence (#3). */
import type { Statement } from 'better-sqlite3';

import { type Db, getMeta } from '../db.js';

export class StoreContext {
  private readonly stmts = new Map<string, Statement>();
  /** The last change sequence number handed out (items carry the one of their last change, for delta). */
  private seqValue: number;
  /** Delta tokens below this sequence number are expired (410). */
  deltaFloor: number;
  /** Random per database: tokens of another database are not honoured. */
  readonly epoch: string;
  /** HMAC secret of the tokens, stored in the database so tokens survive restarts. */
  readonly secret: string;

  constructor(readonly db: Db) {
    this.deltaFloor = Number(getMeta(db, 'delta_floor') ?? '0');
    const maxSeq = (db.prepare('SELECT max(seq) AS s FROM items').get() as { s: number | null }).s ?? 0;
    this.seqValue = Math.max(maxSeq, this.deltaFloor);
    this.epoch = getMeta(db, 'epoch') ?? 'x';
    this.secret = getMeta(db, 'token_secret') ?? '';
  }

  /** A cached prepared statement. */
  stmt(sql: string): Statement {
    let s = this.stmts.get(sql);
    if (!s) {
      s = this.db.prepare(sql);
      this.stmts.set(sql, s);
    }
    return s;
  }

  /** The current change sequence number. */
  get seq(): number {
    return this.seqValue;
  }

  /** Hands out the next change sequence number. */
  nextSeq(): number {
    return ++this.seqValue;
  }
}
