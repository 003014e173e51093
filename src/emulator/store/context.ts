/** What every part of the store shares: the database, its prepared statements and the change sequence (#3). */
import { createHmac, timingSafeEqual } from 'node:crypto';

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

  /** Key of the MAC on opaque tokens (delta and skip tokens), derived from the secret. */
  private readonly tokenKey: Buffer;

  constructor(readonly db: Db) {
    this.deltaFloor = Number(getMeta(db, 'delta_floor') ?? '0');
    const maxSeq = (db.prepare('SELECT max(seq) AS s FROM items').get() as { s: number | null }).s ?? 0;
    this.seqValue = Math.max(maxSeq, this.deltaFloor);
    this.epoch = getMeta(db, 'epoch') ?? 'x';
    this.secret = getMeta(db, 'token_secret') ?? '';
    this.tokenKey = createHmac('sha256', this.secret).update('opaque-tokens').digest();
  }

  private mac(body: string): Buffer {
    return createHmac('sha256', this.tokenKey).update(body).digest().subarray(0, 16);
  }

  /** An opaque token carrying `payload`, with a MAC so that a tampered token is recognised as such. */
  seal(payload: unknown): string {
    const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
    return `${body}.${this.mac(body).toString('base64url')}`;
  }

  /** The payload of a token made by {@link seal}, or undefined when it was not made here or was changed. */
  unseal(token: string): unknown {
    if (token.length > 2048) return undefined;
    const dot = token.indexOf('.');
    if (dot <= 0) return undefined;
    const body = token.slice(0, dot);
    const given = Buffer.from(token.slice(dot + 1), 'base64url');
    const expected = this.mac(body);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
    try {
      return JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as unknown;
    } catch {
      return undefined;
    }
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
