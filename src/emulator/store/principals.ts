/** The site's principals (SharePoint's User Information List): users, groups and membership, read once (#3). */
import type { Db } from '../db.js';
import type { Caller, Principal } from './types.js';

export class Principals {
  private readonly byId = new Map<number, Principal>();
  private readonly membership = new Map<number, number[]>();
  /** Callers by lower-case UPN: principals and group membership do not change while the service runs. */
  private readonly callers = new Map<string, Caller | null>();

  constructor(db: Db) {
    for (const p of db.prepare('SELECT * FROM principals').all() as Principal[]) this.byId.set(p.id, p);
    for (const m of db.prepare('SELECT group_id, user_id FROM group_members').all() as { group_id: number; user_id: number }[]) {
      const groups = this.membership.get(m.user_id) ?? [];
      groups.push(m.group_id);
      this.membership.set(m.user_id, groups);
    }
  }

  /** Every principal, users and groups. */
  all(): Principal[] {
    return [...this.byId.values()];
  }

  has(id: number): boolean {
    return this.byId.has(id);
  }

  /** The caller for a user principal found by UPN. */
  callerByUpn(upn: string): Caller | undefined {
    const key = upn.toLowerCase();
    const cached = this.callers.get(key);
    if (cached !== undefined) return cached ?? undefined;
    let found: Caller | null = null;
    for (const p of this.byId.values()) {
      if (p.kind === 'user' && p.key === key) found = { user: p, principalIds: JSON.stringify([p.id, ...(this.membership.get(p.id) ?? [])]) };
    }
    if (this.callers.size < 10_000) this.callers.set(key, found);
    return found ?? undefined;
  }

  /** Principal by site-local id. */
  principal(id: number): Principal | undefined {
    return this.byId.get(id);
  }

  /** Group members (user principals). */
  members(groupId: number): Principal[] {
    const out: Principal[] = [];
    for (const [uid, groups] of this.membership) if (groups.includes(groupId)) out.push(this.byId.get(uid) as Principal);
    return out;
  }

  /** Whether `id` is a user (or, with `groups`, a user or group) of the site: person column values must be. */
  isPrincipal(id: number, groups: boolean): boolean {
    const p = this.byId.get(id);
    return p !== undefined && (groups || p.kind === 'user');
  }
}
