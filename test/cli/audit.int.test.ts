// `followup audit` as a user runs it: a child process against an in-process local service (#8).

import { Agent } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { FetchOptions } from '@microsoft/microsoft-graph-client';

import { type LocalGraph } from '../../src/emulator/index.js';
import { createGraphClient, staticTokenProvider } from '../../src/graph/create-graph-client.js';
import { type GraphFollowUpAdmin } from '../../src/graph/graph-follow-up-store.js';
import { makeReport } from '../core/lists/make-row.js';
import { startCliSite, type CliRun, type CliSite } from '../support/cli-site.js';

let graph: LocalGraph;
let dispatcher: Agent;
let admin: GraphFollowUpAdmin;
let site: CliSite;

beforeAll(async () => {
  site = await startCliSite('cli-audit-');
  ({ graph, dispatcher, admin } = site);
  await admin.importReport(makeReport({ key: 'soumu/2024/cli-audit', rows: 3 }));
  const rows = (await admin.open({ fiscalYear: 2024, orgCode: 'soumu' })).rows;
  await admin.assignRows(rows.map((r) => r.rowKey), 'div-somu');
});
afterAll(async () => {
  await site?.close();
});

function followup(args: string[]): Promise<CliRun> {
  return site.followup(args);
}

describe('npx followup audit', () => {
  it('prints the rows checked and the requests it cost, and exits 0 when nothing changed', async () => {
    const r = await followup(['audit', '--site', `${graph.url}/sites/followup`]);
    expect(r.stdout).toBe('3 rows checked: 0 changed, 0 missing; 6 Graph requests (reads only)\n');
    expect(r.stderr).toBe('audit: 2 requests for the audit itself, 2 to open the store, 2 to find the ledger\n');
    expect(r.code).toBe(0);
  });

  it('lists a DivisionCode a division member changed, with who, and exits 3 (--json; the text form: audit-format.test.ts)', async () => {
    const row = (await admin.open({ fiscalYear: 2024, orgCode: 'soumu' })).rows[0];
    const suzuki = createGraphClient({ baseUrl: graph.graphUrl, tokenProvider: staticTokenProvider(graph.tokenFor('suzuki')), fetchOptions: { dispatcher } as unknown as FetchOptions });
    await suzuki.client.api(`/sites/${admin.site.id}/lists/${admin.rowsListId}/items/${row?.itemId ?? ''}/fields`).patch({ DivisionCode: 'div-joho' });
    const json = await followup(['audit', '--site', 'localhost:/sites/followup', '--json']);
    expect(json.code).toBe(3);
    expect(JSON.parse(json.stdout)).toEqual({
      checked: 3,
      findings: [{ itemId: row?.itemId, expectedRowKey: row?.rowKey, fields: [{ field: 'DivisionCode', expected: 'div-somu', actual: 'div-joho' }], changedBy: '鈴木 一郎', changedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) as string }],
      missing: [],
      requests: 7,
    });
  });
});

describe('npx followup audit: the secretariat fields (Title, SortOrder, FiscalYear…)', () => {
  it('names the row, each field, old → new, who and when after a division member PATCHes them over raw Graph', async () => {
    const row = (await admin.open({ fiscalYear: 2024, orgCode: 'soumu' })).rows[1];
    const itemUrl = `/sites/${admin.site.id}/lists/${admin.rowsListId}/items/${row?.itemId ?? ''}`;
    const suzuki = createGraphClient({ baseUrl: graph.graphUrl, tokenProvider: staticTokenProvider(graph.tokenFor('suzuki')), fetchOptions: { dispatcher } as unknown as FetchOptions });
    const before = (await suzuki.client.api(itemUrl).expand('fields').get()) as { fields: Record<string, unknown> };
    // SharePoint has no field-level security: the division's own row accepts it (200).
    await suzuki.client.api(`${itemUrl}/fields`).patch({ Title: '改ざんされた標題', SortOrder: 999, FiscalYear: 2030 });
    const r = await followup(['audit', '--site', 'localhost:/sites/followup']);
    expect(r.code).toBe(3);
    const at = String.raw`\d{4}-\d\d-\d\dT[\d:.]+Z`;
    const block = r.stdout.slice(r.stdout.indexOf(`item ${row?.itemId ?? ''} (${row?.rowKey ?? ''})`));
    expect(block).toMatch(new RegExp(`^item ${row?.itemId ?? ''} \\(${(row?.rowKey ?? '').replace(/[/.]/g, '\\$&')}\\) — changed by 鈴木 一郎 at ${at}\n`));
    expect(block).toMatch(new RegExp(`\n  Title: expected ${String(before.fields.Title)}, found 改ざんされた標題 — changed by 鈴木 一郎 at ${at}\n`));
    expect(block).toMatch(new RegExp(`\n  FiscalYear: expected 2024, found 2030 — changed by 鈴木 一郎 at ${at}\n`));
    expect(block).toMatch(new RegExp(`\n  SortOrder: expected ${String(before.fields.SortOrder)}, found 999 — changed by 鈴木 一郎 at ${at}\n`));
    expect(r.stdout).toMatch(/^3 rows checked: 2 changed, 0 missing;/m);
  });
});
