import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { Agent } from 'undici';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

import { createGraphData } from '../../../src/entries/browser/graph-data.js';
import { DEMO_ROLE_GROUPS, startEmbedded, type Embedded } from '../../../src/entries/embedded.js';

// The browser's data layer (src/entries/browser/graph-data.ts) against `npm start`'s local service: the Graph and
// SharePoint REST requests the tab's reads make when it opens a division's rows, counted exactly. The store and the
// review port share one look-up of the site and of the Rows list.
let dir: string;
let embedded: Embedded;
let dispatcher: Agent;
const sent: string[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'graph-data-int-'));
  embedded = await startEmbedded({ dbPath: join(dir, 'followup.db'), port: 0, certDir: join(dir, 'certs') });
  dispatcher = new Agent({ connect: { ca: embedded.graph.ca } });
  const realFetch = globalThis.fetch;
  // graph-data.ts calls the page's fetch; here it is Node's, told to trust the local service's certificate.
  vi.stubGlobal('fetch', (input: string | URL | Request, init?: RequestInit) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    sent.push(`${init?.method ?? (input instanceof Request ? input.method : 'GET')} ${decodeURIComponent(url.pathname)}${url.search ? '?…' : ''}`);
    return realFetch(input, { ...init, dispatcher } as RequestInit);
  });
});

afterAll(async () => {
  vi.unstubAllGlobals();
  await dispatcher?.close();
  await embedded?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('the tab’s data layer', () => {
  it('opens 鈴木 一郎’s division with 15 requests, each list looked up once', async () => {
    const config = { graphBaseUrl: embedded.graph.graphUrl, defaultSite: null, defaultOrgCode: 'soumu', roles: DEMO_ROLE_GROUPS, localSignIn: true, teamId: null };
    const data = createGraphData(config, { getToken: async () => embedded.graph.tokenFor('suzuki') }, () => '鈴木 一郎');
    sent.length = 0;
    // What the tab reads to open (src/ui/views/TabView.tsx, RowsWorkspace.tsx, DivisionReview.tsx, ReminderNotice):
    // who the user is on the site, the division's cycles, its rows, their review, last year's rows, the reminders and
    // the writing guidance.
    const site = await data.loadSite(`${embedded.graph.url}/sites/followup`, 'soumu');
    expect(site.membership.divisions.map((d) => d.code)).toEqual(['div-somu']);
    const cycles = await data.listCycles(site, 'div-somu');
    const fiscalYear = cycles[0]!.fiscalYear;
    const scope = { orgCode: 'soumu', fiscalYear, divisionCode: 'div-somu' };
    const [store, review] = await Promise.all([data.store(site), data.review(site)]);
    const [rows, reviewed] = await Promise.all([store.open(scope), review.overview(scope), data.guidance(site), data.reminders!(site, fiscalYear, 'div-somu')]);
    await store.open({ orgCode: 'soumu', fiscalYear: fiscalYear - 1 });
    expect(rows.rows.length).toBeGreaterThan(0);
    expect(reviewed.unreadable).toEqual([]);
    expect(reviewed.rows.map((r) => r.row.rowKey).sort()).toEqual(rows.rows.map((r) => r.rowKey).sort());

    const lookups = sent.filter((s) => /^GET \/v1\.0\/sites\/[^/]+\/lists\/FollowUp\w+\?…$/.test(s)).map((s) => /lists\/(\w+)/.exec(s)![1]);
    expect(lookups.sort()).toEqual(['FollowUpReminders', 'FollowUpReview', 'FollowUpRows', 'FollowUpSubmissions']);
    expect(sent.filter((s) => s.startsWith('GET /v1.0/sites/localhost:/sites/followup'))).toHaveLength(1);
    expect(sent, sent.join('\n')).toHaveLength(15);
  });
});
