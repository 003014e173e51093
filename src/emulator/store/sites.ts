/** Sites by path, composite id or hostname (#3). Sites are only created at first start (db.ts), so lookups cache. */
import type { StoreContext } from './context.js';
import type { SiteRow } from './types.js';

export class Sites {
  /** Sites by id or path key. */
  private readonly cache = new Map<string, SiteRow | null>();

  constructor(private readonly ctx: StoreContext) {}

  private cached(key: string, load: () => SiteRow | undefined): SiteRow | undefined {
    const hit = this.cache.get(key);
    if (hit !== undefined) return hit ?? undefined;
    const row = load() ?? null;
    // Misses are cached too (bounded): a client probing unknown sites must not grow memory without limit.
    if (row !== null || this.cache.size < 1000) this.cache.set(key, row);
    return row ?? undefined;
  }

  siteByPath(hostname: string, path: string): SiteRow | undefined {
    const p = `/${path.replace(/^\/+|\/+$/g, '')}`;
    return this.cached(`p|${hostname.toLowerCase()}|${p.toLowerCase()}`, () => this.ctx.stmt('SELECT * FROM sites WHERE lower(hostname) = lower(?) AND lower(path) = lower(?)').get(hostname, p) as SiteRow | undefined);
  }

  siteById(id: string): SiteRow | undefined {
    return this.cached(`i|${id.toLowerCase()}`, () => {
      const parts = id.split(',');
      if (parts.length === 3) return this.ctx.stmt('SELECT * FROM sites WHERE lower(hostname) = lower(?) AND lower(site_guid) = lower(?) AND lower(web_guid) = lower(?)').get(...parts) as SiteRow | undefined;
      if (parts.length === 2) return this.ctx.stmt('SELECT * FROM sites WHERE lower(hostname) = lower(?) AND lower(site_guid) = lower(?)').get(...parts) as SiteRow | undefined;
      // A bare hostname addresses that host's root site, as `GET /sites/{hostname}` does in Graph.
      return (this.ctx.stmt('SELECT * FROM sites WHERE lower(site_guid) = lower(?)').get(id) ?? this.ctx.stmt('SELECT * FROM sites WHERE lower(hostname) = lower(?) ORDER BY rid LIMIT 1').get(id)) as SiteRow | undefined;
    });
  }

  firstSite(): SiteRow {
    return this.ctx.stmt('SELECT * FROM sites ORDER BY rid LIMIT 1').get() as SiteRow;
  }
}
