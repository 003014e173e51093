/**
 * FollowUpData over Graph from the browser (#10): the same src/graph code as on a tenant, against the local
 * service on the same origin in the embedded default. Loaded lazily (its own chunk: graph client, store, zod).
 */
import { actorOf, membershipFromGroups } from '../../core/divisions/division.js';
import type { TokenProvider } from '../../core/ports.js';
import { createGraphClient } from '../../graph/create-graph-client.js';
import { PermissionError } from '../../core/errors.js';
import { readCycleDeadline } from '../../graph/cycle-deadline.js';
import { GraphFollowUpAdmin, openGraphFollowUpAdmin, openGraphFollowUpStore, type GraphFollowUpStore } from '../../graph/graph-follow-up-store.js';
import { latestReminders, sendReminders } from '../../graph/reminders.js';
import { openReviewService } from '../../graph/review.js';
import { resolveSite, type ResolvedSite } from '../../graph/site.js';
import { listCycles, readDivisions, readGuidance, readMyGroups } from '../../graph/site-directory.js';
import { readListReports } from '../../graph/list-reports.js';
import { parseRateLimit, type RateLimitInfo } from '../../data/refresh-scheduler.js';
import type { ReviewData } from '../../ui/app/review-port.js';
import type { AppConfig, FollowUpData, SiteInfo } from '../../ui/app/services.js';

export function createGraphData(config: AppConfig, tokens: TokenProvider, displayName: () => string | null): FollowUpData {
  const listeners = new Set<(info: RateLimitInfo) => void>();
  const connection = createGraphClient({
    baseUrl: config.graphBaseUrl,
    tokenProvider: tokens,
    // SharePoint's RateLimit headers (sent at ≥ 80 % of the app's minute) slow the background refresh down.
    fetch: async (input, init) => {
      const res = await fetch(input, init);
      if (listeners.size > 0) {
        const info = parseRateLimit((n) => res.headers.get(n));
        if (info) for (const l of listeners) l(info);
      }
      return res;
    },
  });
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
  const storeOf = (site: SiteInfo): Promise<GraphFollowUpStore> => {
    let p = stores.get(site);
    if (!p) {
      // The site is resolved already: the store only looks up the Rows list (1 request). The secretariat's store has
      // its operations too (the task pane creates and deletes rows with them, #11).
      const open = site.membership.isSecretariat ? openGraphFollowUpAdmin : openGraphFollowUpStore;
      p = resolved(site.siteUrl).then((s) => open({ connection, site: s, actor: actorOf(site.membership) }));
      p.catch(() => stores.delete(site));
      stores.set(site, p);
    }
    return p;
  };
  const reviews = new Map<SiteInfo, Promise<ReviewData>>();
  // The review cycle (#12): one ReviewService per site (its two list ids looked up once), the deadline beside it. It
  // works on the store's context: the site and the Rows list are looked up once for both.
  const reviewOf = (site: SiteInfo): Promise<ReviewData> => {
    let p = reviews.get(site);
    if (!p) {
      p = storeOf(site).then(async (store) => {
        const { context } = store;
        const service = await openReviewService({ connection, site: context.site, actor: context.actor, context });
        return {
          overview: (scope) => service.overview(scope),
          reviewsChanged: (scope, options) => service.reviewsChanged(scope, options),
          deadline: (orgCode, fiscalYear) => readCycleDeadline(context, orgCode, fiscalYear),
          submit: (keys) => service.submit(keys),
          processSubmissions: (scope) => service.processSubmissions(scope),
          returnRows: (items, onProgress) => service.returnRows(items, onProgress),
          approveRows: (items, onProgress) => service.approveRows(items, onProgress),
        };
      });
      p.catch(() => reviews.delete(site));
      reviews.set(site, p);
    }
    return p;
  };
  return {
    review: reviewOf,
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
    store: storeOf,
    async remind(site, query) {
      return sendReminders(connection, await resolved(site.siteUrl), { orgCode: site.membership.orgCode, fiscalYear: query.fiscalYear, kind: query.kind, teamId: config.teamId ?? null, dryRun: query.dryRun });
    },
    async reminders(site, fiscalYear, divisionCode) {
      return latestReminders(connection.client, await resolved(site.siteUrl), site.membership.orgCode, fiscalYear, divisionCode);
    },
    async admin(site) {
      const store = await storeOf(site);
      if (!(store instanceof GraphFollowUpAdmin)) throw new PermissionError(`${site.membership.displayName} is not the secretariat; only the secretariat adds or deletes rows.`);
      return store;
    },
    async reports(site, query) {
      const store = await storeOf(site);
      const read = await readListReports(store.context, { fiscalYear: query.fiscalYear, ...(query.orgCode === null ? {} : { orgCode: query.orgCode }) });
      return read.map((r) => r.report);
    },
    async guidance(site) {
      return (await readGuidance(connection, await resolved(site.siteUrl), site.membership.orgCode)).guidance;
    },
    onRateLimit(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
