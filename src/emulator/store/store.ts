/**
 * The data layer of the local Graph service (#3), over one SQLite database with prepared statements: each concern
 * in its own part, wired here. Every write is one transaction, so a rejected request leaves nothing half-written.
 */
import type { Db } from '../db.js';
import { AppGrants } from './app-grants.js';
import { StoreContext } from './context.js';
import { Delta } from './delta.js';
import { Items } from './items.js';
import { Lists } from './lists.js';
import { Permissions } from './permissions.js';
import { Principals } from './principals.js';
import { RoleDefinitions } from './roles.js';
import { Sites } from './sites.js';

export class LocalGraphStore {
  readonly ctx: StoreContext;
  readonly principals: Principals;
  readonly sites: Sites;
  readonly roles: RoleDefinitions;
  readonly permissions: Permissions;
  readonly lists: Lists;
  readonly items: Items;
  readonly delta: Delta;
  /** Sites.Selected grants of apps (#13). */
  readonly appGrants: AppGrants;

  constructor(readonly db: Db) {
    this.ctx = new StoreContext(db);
    this.principals = new Principals(db);
    this.sites = new Sites(this.ctx);
    this.roles = new RoleDefinitions(this.ctx, () => this.permissions.changed());
    this.permissions = new Permissions(this.ctx, this.principals, this.roles);
    this.lists = new Lists(this.ctx, this.permissions);
    this.items = new Items(this.ctx, this.lists, this.permissions, this.principals);
    this.delta = new Delta(this.ctx, this.permissions);
    this.appGrants = new AppGrants(this.ctx);
  }

  /** The token signing secret kept in the database. */
  get secret(): string {
    return this.ctx.secret;
  }
}
