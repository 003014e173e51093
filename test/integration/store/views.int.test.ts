// SharePoint views and column formatting of schema 7 (#12 item 5): the request shapes provisioning sends, what the
// local service answers and refuses (SharePoint's error shape), and the 6 → 7 upgrade (idempotent, items untouched).
import { Agent } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { FOLLOW_UP_SCHEMA, LIST_NAMES, SCHEMA_VERSION, schemaAtVersion } from '../../../src/core/lists/schema.js';
import { COLUMN_FORMATTERS, LIST_VIEWS } from '../../../src/core/lists/views.js';
import { provisionSite } from '../../../src/graph/provision.js';
import { makeReport } from '../../core/lists/make-row.js';
import { SCHEMA_7_STEPS } from '../../support/schema7.js';
import { startStoreHarness, writesIn, type StoreHarness } from './harness.js';

let h: StoreHarness;
let dispatcher: Agent;

/** The parts of SharePoint REST answers these tests read (nometadata). */
interface SpBody {
  value: { Title: string; [k: string]: unknown }[];
  Items: string[];
  CustomFormatter: string;
  ViewQuery: string;
  'odata.error'?: { code?: string; message?: { value?: string } };
}

/** A raw SharePoint REST request as `user`: status and parsed body. */
async function sp(user: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: SpBody }> {
  const res = await fetch(`${h.siteUrl}/_api/${path}`, {
    method,
    headers: { Authorization: `Bearer ${h.graph.tokenFor(user)}`, Accept: 'application/json;odata=nometadata', ...(body !== undefined ? { 'Content-Type': 'application/json;odata=verbose' } : {}), ...headers },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    dispatcher,
  } as RequestInit);
  const text = await res.text();
  return { status: res.status, body: (text === '' ? {} : JSON.parse(text)) as SpBody };
}

const list = (title: string): string => `web/lists/getbytitle('${title}')`;
const spError = (b: SpBody): { code: string; message: string } => ({ code: String(b['odata.error']?.code ?? ''), message: String(b['odata.error']?.message?.value ?? '') });

beforeAll(async () => {
  h = await startStoreHarness();
  dispatcher = new Agent({ connect: { ca: h.graph.ca } });
  // A schema 6 site with rows and review items, then the upgrade to 7 (the last test checks the upgrade's steps).
  await provisionSite(h.connect(), h.siteUrl, { schema: schemaAtVersion(FOLLOW_UP_SCHEMA, 6) });
}, 60_000);
afterAll(async () => {
  await dispatcher.close();
  await h.close();
});

describe('upgrade 6 → 7', () => {
  it('adds FollowUpReview.Deadline, the views and the formatting, leaves every item as it was, and a re-run writes nothing', async () => {
    const { store } = await h.open();
    await store.importReport(makeReport({ rows: 4 }));
    const rowsBefore = (await store.open({ fiscalYear: 2024, orgCode: 'soumu' })).rows.map((r) => [r.rowKey, r.eTag]).sort();
    const upgrade = await h.provision();
    expect(upgrade.applied).toEqual([
      'add column FollowUpReview.Deadline',
      'create list FollowUpReminders (9 columns)',
      'give FollowUpReminders its own permissions: secretariat Full Control, reviewers Read, div-somu/div-kikaku/div-gyokan/div-jichi/div-joho Read',
      ...SCHEMA_7_STEPS, `record schema version ${SCHEMA_VERSION} (was 6)`]);
    const rowsAfter = (await store.open({ fiscalYear: 2024, orgCode: 'soumu' })).rows.map((r) => [r.rowKey, r.eTag]).sort();
    expect(rowsAfter).toEqual(rowsBefore);
    const seen = h.records.length;
    const again = await h.provision();
    expect(again.applied).toEqual([]);
    expect(again.warnings).toEqual([]);
    expect(writesIn(h.records.slice(seen))).toEqual([]);
  });
});

describe('what the views and the formatting look like over SharePoint REST', () => {
  it('lists each view with its CAML, row limit and fields, as provisioned', async () => {
    for (const title of [LIST_NAMES.Rows, LIST_NAMES.Review]) {
      const views = await sp('sato', 'GET', `${list(title)}/views`);
      expect(views.status).toBe(200);
      const want = LIST_VIEWS.filter((v) => v.list === title);
      expect(views.body.value.map((v) => v.Title)).toEqual(want.map((v) => v.title));
      for (const w of want) {
        const v = views.body.value.find((x) => x.Title === w.title);
        expect(v).toMatchObject({ ViewQuery: w.query, RowLimit: 100, PersonalView: false, ServerRelativeUrl: `/sites/followup/Lists/${title}/${encodeURIComponent(w.title)}.aspx` });
        // A division member reads the Review list's views (Read); the Rows list opens to divisions when rows are assigned.
        const fields = await sp(title === LIST_NAMES.Review ? 'suzuki' : 'sato', 'GET', `${list(title)}/views/getbytitle('${w.title}')/viewfields`);
        expect(fields.body.Items).toEqual(w.fields);
      }
    }
    const overdue = LIST_VIEWS.find((v) => v.title === '期限超過（未提出）')!;
    expect(overdue.query).toContain('<Lt><FieldRef Name="Deadline"/><Value Type="DateTime"><Today/></Value></Lt>');
  });

  it('formats the state columns with an icon and the text itself, never colour alone', async () => {
    for (const f of COLUMN_FORMATTERS) {
      const field = await sp(f.list === LIST_NAMES.Review ? 'suzuki' : 'sato', 'GET', `${list(f.list)}/fields/getbyinternalnameortitle('${f.field}')`);
      expect(field.status).toBe(200);
      const format = JSON.parse(field.body.CustomFormatter) as { $schema: string; attributes: { class: string }; children: { txtContent?: string; attributes?: { iconName?: string } }[] };
      expect(format.$schema).toBe('https://developer.microsoft.com/json-schemas/sp/v2/column-formatting.schema.json');
      expect(format.children.map((c) => c.txtContent ?? (c.attributes?.iconName ? 'icon' : ''))).toEqual(['icon', '@currentField']);
      expect(format.attributes.class).toMatch(/^=if\(@currentField == '.+', 'sp-field-severity--/);
    }
    const state = JSON.parse((await sp('sato', 'GET', `${list(LIST_NAMES.Review)}/fields/getbyinternalnameortitle('State')`)).body.CustomFormatter) as { attributes: { class: string } };
    for (const v of ['承認済', '提出済', '差戻し']) expect(state.attributes.class).toContain(`@currentField == '${v}'`);
  });

  it('keeps a view a site owner changed and says so instead of overwriting it', async () => {
    const changed = `<Where><Eq><FieldRef Name="State"/><Value Type="Choice">差戻し</Value></Eq></Where><OrderBy><FieldRef Name="DivisionCode" Ascending="FALSE"/></OrderBy>`;
    const merge = await sp('sato', 'POST', `${list(LIST_NAMES.Review)}/views/getbytitle('差戻し')`, { __metadata: { type: 'SP.View' }, ViewQuery: changed }, { 'X-HTTP-Method': 'MERGE', 'IF-MATCH': '*' });
    expect(merge.status).toBe(204);
    const report = await h.provision();
    expect(report.applied).toEqual([]);
    expect(report.warnings).toEqual(['the view FollowUpReview/差戻し differs from the provisioned one in its query; left as it is (delete it and run provision again to restore it)']);
    expect((await sp('sato', 'GET', `${list(LIST_NAMES.Review)}/views/getbytitle('差戻し')`)).body.ViewQuery).toBe(changed);
    // Deleted, it is created again as provisioned.
    expect((await sp('sato', 'DELETE', `${list(LIST_NAMES.Review)}/views/getbytitle('差戻し')`)).status).toBe(200);
    expect((await h.provision()).applied).toEqual(['create view FollowUpReview/差戻し']);
  });
});

describe('malformed or forbidden view and field requests are refused with SharePoint\'s error shape', () => {
  const views = `${list(LIST_NAMES.Review)}/views`;
  const view = (query: string): unknown => ({ __metadata: { type: 'SP.View' }, Title: 'テスト', ViewQuery: query, RowLimit: 30 });
  const cases: [string, unknown, string, RegExp][] = [
    ['an unknown field in the CAML', view('<Where><Eq><FieldRef Name="Nope"/><Value Type="Text">x</Value></Eq></Where>'), 'Microsoft.SharePoint.SPException', /field 'Nope' does not exist/],
    ['CAML that is not well-formed', view('<Where><Eq><FieldRef Name="State"/><Value Type="Choice">x</Value></Where>'), 'Microsoft.SharePoint.SPException', /<\/Where> closes <Eq>/],
    ['a value without a type', view('<Where><Eq><FieldRef Name="State"/><Value>x</Value></Eq></Where>'), 'Microsoft.SharePoint.SPException', /needs a Type/],
    ['<Today/> in a text value', view('<Where><Lt><FieldRef Name="Deadline"/><Value Type="Text"><Today/></Value></Lt></Where>'), 'Microsoft.SharePoint.SPException', /only <Today\/> may be inside a DateTime/],
    ['an <And> of one condition', view('<Where><And><Eq><FieldRef Name="State"/><Value Type="Choice">x</Value></Eq></And></Where>'), 'Microsoft.SharePoint.SPException', /exactly two conditions/],
    ['the wrong entity type', { __metadata: { type: 'SP.List' }, Title: 'x' }, 'Microsoft.SharePoint.Client.InvalidClientQueryException', /A type named 'SP.List' could not be resolved/],
    ['a property SP.View does not have', { __metadata: { type: 'SP.View' }, Title: 'x', Colour: 'red' }, 'Microsoft.SharePoint.Client.InvalidClientQueryException', /The property 'Colour' does not exist/],
    ['no title', { __metadata: { type: 'SP.View' }, ViewQuery: '' }, 'System.ArgumentException', /needs a title/],
    ['a row limit out of range', { __metadata: { type: 'SP.View' }, Title: 'x', RowLimit: 0 }, 'System.ArgumentOutOfRangeException', /RowLimit/],
    // Deep nesting is refused before it is walked (it once overflowed the stack: a 500).
    ['<And> nested 20,000 deep', view(`<Where>${'<And><IsNull><FieldRef Name="State"/></IsNull>'.repeat(20_000)}<IsNull><FieldRef Name="State"/></IsNull>${'</And>'.repeat(20_000)}</Where>`), 'Microsoft.SharePoint.SPException', /nest deeper than 64 levels/],
  ];
  for (const [what, body, type, message] of cases) {
    it(`refuses a view with ${what} (400) and creates nothing`, async () => {
      const r = await sp('sato', 'POST', views, body);
      expect(r.status).toBe(400);
      expect(spError(r.body).code).toBe(`-2146232832, ${type}`);
      expect(spError(r.body).message).toMatch(message);
      const titles = (await sp('sato', 'GET', views)).body.value.map((v) => v.Title);
      expect(titles).toHaveLength(LIST_VIEWS.filter((v) => v.list === LIST_NAMES.Review).length);
      expect(titles).not.toContain((body as { Title?: string }).Title ?? 'テスト');
    });
  }

  it('refuses an unknown column in addviewfield, bad formatting JSON, and writes by a division member or a reviewer (403)', async () => {
    const add = await sp('sato', 'POST', `${views}/getbytitle('差戻し')/viewfields/addviewfield('Nope')`);
    expect(add.status).toBe(400);
    expect(spError(add.body).message).toBe("Column 'Nope' does not exist. It may have been deleted by another user.");
    const field = `${list(LIST_NAMES.Review)}/fields/getbyinternalnameortitle('State')`;
    const merge = { 'X-HTTP-Method': 'MERGE', 'IF-MATCH': '*' };
    const before = (await sp('sato', 'GET', field)).body.CustomFormatter;
    for (const [f, message] of [['{not json', /CustomFormatter: not JSON/], ['{"elmType":"script"}', /elmType must be one of/], ['{"elmType":"div","children":{}}', /children must be an array/], [`${'{"elmType":"div","children":['.repeat(3_000)}{"elmType":"div"}${']}'.repeat(3_000)}`, /nest deeper than 32 levels/], [`{"elmType":"div","txtContent":"${'x'.repeat(100_001)}"}`, /the limit is 100000/]] as const) {
      const r = await sp('sato', 'POST', field, { __metadata: { type: 'SP.FieldChoice' }, CustomFormatter: f }, merge);
      expect(r.status).toBe(400);
      expect(spError(r.body)).toMatchObject({ code: '-2146232832, System.ArgumentException' });
      expect(spError(r.body).message).toMatch(message);
    }
    // A view renamed to an overlong title is refused as a new one would be.
    const rename = await sp('sato', 'POST', `${views}/getbytitle('差戻し')`, { __metadata: { type: 'SP.View' }, Title: 'T'.repeat(256) }, merge);
    expect(rename.status).toBe(400);
    expect(spError(rename.body).message).toMatch(/1 to 255 characters/);
    const other = await sp('sato', 'POST', field, { __metadata: { type: 'SP.Field' }, Title: 'x' }, merge);
    expect(other.status).toBe(400);
    for (const user of ['suzuki', 'takahashi']) {
      const v = await sp(user, 'POST', views, view(''));
      expect(v.status, user).toBe(403);
      expect(spError(v.body)).toEqual({ code: '-2147024891, System.UnauthorizedAccessException', message: 'Access denied.' });
      expect((await sp(user, 'POST', field, { __metadata: { type: 'SP.Field' }, CustomFormatter: '{"elmType":"div"}' }, merge)).status, user).toBe(403);
      expect((await sp(user, 'POST', `${views}/getbytitle('差戻し')/viewfields/removeallviewfields`)).status, user).toBe(403);
    }
    expect((await sp('sato', 'GET', field)).body.CustomFormatter).toBe(before);
    expect((await sp('sato', 'GET', `${views}/getbytitle('差戻し')/viewfields`)).body.Items).toEqual(LIST_VIEWS.find((v) => v.title === '差戻し')!.fields);
  });
});
