// Sites, lists and columns through the official Graph client (#3).
// Evidence: site-getbypath.md, list-create.md, list-get.md, list-post-columns.md, columndefinition.md.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type LocalGraphHarness, startLocalGraph } from '../../support/local-graph-client.js';
import { createItem, createList, FOLLOWUP_COLUMNS, type Collection, type ListBody } from './followup-list.js';
import { expectCollectionShape, expectGraphError, expectShape } from './graph-assertions.js';

interface ColumnBody {
  id: string;
  name: string;
  displayName?: string;
  indexed?: boolean;
  required?: boolean;
  enforceUniqueValues?: boolean;
  [facet: string]: unknown;
}

let h: LocalGraphHarness;
let list: ListBody;

beforeAll(async () => {
  h = await startLocalGraph();
  list = await createList(h.client, h.sitePath, 'フォローアップ R6');
});

afterAll(async () => {
  await h?.close();
});

describe('sites', () => {
  it('gets the site by server-relative path with a composite id', async () => {
    const site = (await h.client.api('/sites/localhost:/sites/followup').get()) as Record<string, unknown>;
    expect(site.id).toBe(h.graph.site.id);
    // {hostname},{spsite-guid},{spweb-guid} (resources/sharepoint.md)
    expect(site.id).toMatch(/^localhost,[0-9a-f-]{36},[0-9a-f-]{36}$/i);
    expect(site.webUrl).toBe(h.graph.site.webUrl);
    expectShape('site', site);
  });

  it('gets the same site by composite id', async () => {
    const site = (await h.client.api(`/sites/${h.graph.site.id}`).get()) as Record<string, unknown>;
    expect(site.id).toBe(h.graph.site.id);
    expect(site.webUrl).toBe(h.graph.site.webUrl);
    expectShape('site', site);
  });

  it('continues from the path form into :/lists/… and :/lists/…/items/…', async () => {
    const lists = (await h.client.api('/sites/localhost:/sites/followup:/lists').get()) as Collection<ListBody>;
    expect(lists.value.map((l) => l.id)).toContain(list.id);
    expectCollectionShape('list', lists);

    const item = await createItem(h.client, `${h.sitePath}/lists/${list.id}`, { Title: 'パス形式' });
    const viaPath = (await h.client
      .api(`/sites/localhost:/sites/followup:/lists/${list.id}/items/${item.id}?$expand=fields`)
      .get()) as { id: string; fields: Record<string, unknown> };
    expect(viaPath.id).toBe(item.id);
    expect(viaPath.fields.Title).toBe('パス形式');
  });

  it('returns 404 itemNotFound for an unknown site path or id', async () => {
    await expectGraphError(h.client.api('/sites/localhost:/sites/nope').get(), 404, 'itemNotFound');
    await expectGraphError(
      h.client.api('/sites/localhost,00000000-0000-0000-0000-000000000000,00000000-0000-0000-0000-000000000000').get(),
      404,
      'itemNotFound',
    );
  });
});

describe('lists', () => {
  it('creates a genericList: 201 with list.template and the Title column added', async () => {
    const res = await h.raw('POST', `${h.sitePath}/lists`, {
      body: { displayName: 'Created', columns: [{ name: 'Division', text: {} }], list: { template: 'genericList' } },
    });
    expect(res.status).toBe(201);
    const created = res.json as ListBody & { list?: { template?: string } };
    expect(created.displayName).toBe('Created');
    expect(created.list?.template).toBe('genericList');
    expectShape('list', created);
    const columns = (await h.client.api(`${h.sitePath}/lists/${created.id}/columns`).get()) as Collection<ColumnBody>;
    const names = columns.value.map((c) => c.name);
    expect(names).toContain('Title');
    expect(names).toContain('Division');
  });

  it('gets a list by id and by display name, with columns expanded', async () => {
    const byId = (await h.client.api(`${h.sitePath}/lists/${list.id}?$expand=columns`).get()) as ListBody & {
      columns: ColumnBody[];
    };
    expect(byId.id).toBe(list.id);
    expect(byId.displayName).toBe('フォローアップ R6');
    expectShape('list', byId);
    expect(byId.columns.map((c) => c.name)).toEqual(expect.arrayContaining(['Title', ...FOLLOWUP_COLUMNS.map((c) => c.name)]));

    const byName = (await h.client.api(`${h.sitePath}/lists/${encodeURIComponent('フォローアップ R6')}`).get()) as ListBody;
    expect(byName.id).toBe(list.id);
    expectShape('list', byName);
  });

  it('expands columns and items(expand=fields) on the list (list-get.md)', async () => {
    const listPath = `${h.sitePath}/lists/${list.id}`;
    await createItem(h.client, listPath, { Title: 'expanded', Amount: 4 });
    const body = (await h.client.api(`${listPath}?expand=columns,items(expand=fields)`).get()) as ListBody & {
      columns: ColumnBody[];
      items: { id: string; fields: Record<string, unknown> }[];
    };
    expectShape('list', body);
    expect(body.columns.map((c) => c.name)).toContain('Amount');
    const expanded = body.items.find((i) => i.fields.Title === 'expanded');
    expect(expanded?.fields.Amount).toBe(4);
  });

  it('rejects a second list with the same display name (409) and keeps one', async () => {
    await createList(h.client, h.sitePath, 'Unique name', []);
    await expectGraphError(createList(h.client, h.sitePath, 'Unique name', []), 409, 'nameAlreadyExists');
    const lists = (await h.client.api(`${h.sitePath}/lists`).get()) as Collection<ListBody>;
    expect(lists.value.filter((l) => l.displayName === 'Unique name')).toHaveLength(1);
  });

  it('returns 404 itemNotFound for an unknown list id or name', async () => {
    await expectGraphError(h.client.api(`${h.sitePath}/lists/00000000-0000-0000-0000-000000000000`).get(), 404, 'itemNotFound');
    await expectGraphError(h.client.api(`${h.sitePath}/lists/NoSuchList/items`).get(), 404, 'itemNotFound');
  });
});

describe('columns', () => {
  let columnsList: ListBody;
  const path = (): string => `${h.sitePath}/lists/${columnsList.id}/columns`;

  beforeAll(async () => {
    columnsList = await createList(h.client, h.sitePath, 'Columns', []);
  });

  it('lists the template Title column as a single-line text column', async () => {
    const columns = (await h.client.api(path()).get()) as Collection<ColumnBody>;
    expectCollectionShape('columnDefinition', columns);
    const title = columns.value.find((c) => c.name === 'Title');
    expect(title?.text).toBeDefined();
    expect((title?.text as { allowMultipleLines?: boolean }).allowMultipleLines ?? false).toBe(false);
  });

  const cases: [string, Record<string, unknown>, (c: ColumnBody) => void][] = [
    [
      'single-line text',
      { name: 'Code', displayName: 'コード', text: { allowMultipleLines: false, maxLength: 20 }, indexed: true },
      (c) => {
        expect(c.text).toMatchObject({ allowMultipleLines: false, maxLength: 20 });
        expect(c.indexed).toBe(true);
      },
    ],
    [
      'multi-line plain text',
      { name: 'Body', text: { allowMultipleLines: true, textType: 'plain', linesForEditing: 6 } },
      (c) => expect(c.text).toMatchObject({ allowMultipleLines: true, textType: 'plain', linesForEditing: 6 }),
    ],
    [
      'choice',
      { name: 'State', choice: { choices: ['実施', '実施未定'], displayAs: 'radioButtons', allowTextEntry: false } },
      (c) => expect(c.choice).toMatchObject({ choices: ['実施', '実施未定'], displayAs: 'radioButtons', allowTextEntry: false }),
    ],
    [
      'number',
      { name: 'Target', number: { decimalPlaces: 'two', minimum: 0, maximum: 100 }, required: true },
      (c) => {
        expect(c.number).toMatchObject({ decimalPlaces: 'two', minimum: 0, maximum: 100 });
        expect(c.required).toBe(true);
      },
    ],
    ['boolean', { name: 'Flag', boolean: {} }, (c) => expect(c.boolean).toEqual({})],
    [
      'dateTime',
      { name: 'Due', dateTime: { format: 'dateOnly', displayAs: 'standard' } },
      (c) => expect(c.dateTime).toMatchObject({ format: 'dateOnly', displayAs: 'standard' }),
    ],
    [
      'personOrGroup',
      { name: 'Owner', personOrGroup: { chooseFromType: 'peopleOnly', allowMultipleSelection: false } },
      (c) => expect(c.personOrGroup).toMatchObject({ chooseFromType: 'peopleOnly', allowMultipleSelection: false }),
    ],
  ];

  for (const [label, definition, check] of cases) {
    it(`creates a ${label} column: 201 and the facet round-trips on GET`, async () => {
      const res = await h.raw('POST', path(), { body: definition });
      expect(res.status, res.text).toBe(201);
      const created = res.json as ColumnBody;
      expect(created.name).toBe(definition.name);
      expect(created.id).toEqual(expect.any(String));
      expectShape('columnDefinition', created);
      check(created);
      const columns = (await h.client.api(path()).get()) as Collection<ColumnBody>;
      const listed = columns.value.find((c) => c.name === definition.name);
      expect(listed?.id).toBe(created.id);
      check(listed as ColumnBody);
    });
  }

  it('rejects a column with an existing name (409) without adding a duplicate', async () => {
    await h.client.api(path()).post({ name: 'Twice', text: {} });
    await expectGraphError(h.client.api(path()).post({ name: 'Twice', text: {} }), 409, 'nameAlreadyExists');
    const columns = (await h.client.api(path()).get()) as Collection<ColumnBody>;
    expect(columns.value.filter((c) => c.name === 'Twice')).toHaveLength(1);
  });

  it('enforces enforceUniqueValues: a duplicate value is 409 on create and on update, nothing written', async () => {
    const created = (await h.client
      .api(path())
      .post({ name: 'RefNo', text: {}, indexed: true, enforceUniqueValues: true })) as ColumnBody;
    expect(created.enforceUniqueValues).toBe(true);
    expect(created.indexed).toBe(true);
    const items = `${h.sitePath}/lists/${columnsList.id}/items`;
    await h.client.api(items).post({ fields: { Title: 'a', RefNo: 'R-1', Target: 1 } });
    const other = (await h.client.api(items).post({ fields: { Title: 'b', RefNo: 'R-2', Target: 1 } })) as { id: string };

    await expectGraphError(h.client.api(items).post({ fields: { Title: 'c', RefNo: 'R-1', Target: 1 } }), 409);
    await expectGraphError(h.client.api(`${items}/${other.id}/fields`).patch({ RefNo: 'R-1' }), 409);

    const all = (await h.client.api(`${items}?$expand=fields`).get()) as Collection<{ fields: Record<string, unknown> }>;
    expect(all.value.map((i) => i.fields.RefNo).sort()).toEqual(['R-1', 'R-2']);
    expect(all.value.map((i) => i.fields.Title).sort()).toEqual(['a', 'b']);
  });
});
