/**
 * FollowUpReader over Graph from the browser (#10): the same src/graph code as on a tenant, against the local
 * service on the same origin in the embedded default. Loaded lazily (its own chunk: graph client, store, zod).
 */
import { actorOf, membershipFromGroups } from '../../core/divisions/division.js';
import type { TokenProvider } from '../../core/ports.js';
import type { SyncRows } from '../../core/sync/workbook-sync.js';
import { createGraphClient } from '../../graph/create-graph-client.js';
import { openGraphFollowUpStore, type GraphFollowUpStore } from '../../graph/graph-follow-up-store.js';
import { resolveSite, type ResolvedSite } from '../../graph/site.js';
import { listCycles, readDivisions, readMyGroups } from '../../graph/site-directory.js';
import type { AppConfig, FollowUpReader, SiteInfo } from '../../ui/app/services.js';

/** The reader, and the store's surface for the Excel task pane's sync (#11). */
export type GraphReader = FollowUpReader & { syncRows(site: SiteInfo): Promise<SyncRows> };

export function createGraphReader(config: AppConfig, tokens: TokenProvider, displayName: () => string | null): GraphReader {
  const connection = createGraphClient({ baseUrl: config.graphBaseUrl, tokenProvider: tokens });
  const sites = new Map<string, Promise<ResolvedSite>>();
  const stores = new Map<SiteInfo, Promise<GraphFollowUpStore>>();
  const resolved = (url: string): Promise<ResolvedSite> => {
    let p = sites.get(url);
    if (!p) {
      p = resolveSite(connection.client, url);
      // A failure is not cached: the next attempt (after signing in again, say) asks again.
      p.catch(() => sites.delete(url));
      sites.set(url, p);
    }
    return p;
  };
  const storeOf = async (site: SiteInfo): Promise<GraphFollowUpStore> => {
    let p = stores.get(site);
    if (!p) {
      p = resolved(site.siteUrl).then((s) => openGraphFollowUpStore({ connection, site: { id: s.id }, actor: actorOf(site.membership) }));
      p.catch(() => stores.delete(site));
      stores.set(site, p);
    }
    return p;
  };
  return {
    async loadSite(siteUrl, orgCode) {
      const site = await resolved(siteUrl);
      const [groups, read] = await Promise.all([readMyGroups(connection, site), readDivisions(connection, site, orgCode)]);
      const membership = membershipFromGroups(displayName() ?? '', orgCode, groups, read.divisions, config.roles);
      return { siteUrl: site.webUrl, membership, divisions: read.divisions, unreadableDivisions: read.unreadable.length };
    },
    async listCycles(site, divisionCode) {
      return listCycles(connection, await resolved(site.siteUrl), site.membership.orgCode, divisionCode ?? undefined);
    },
    async openRows(site, scope) {
      const store = await storeOf(site);
      const org = site.membership.orgCode;
      return store.open({ fiscalYear: scope.fiscalYear, orgCode: org, ...(scope.divisionCode === null ? {} : { divisionCode: scope.divisionCode }) });
    },
    async syncRows(site) {
      const store = await storeOf(site);
      return {
        open: (scope) => store.open(scope),
        saveChanges: (edits) => store.saveChanges(edits),
      };
    },
  };
}
