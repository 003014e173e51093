import { existsSync, readFileSync } from 'node:fs';

import { describe, expect, it } from 'vitest';

import { parseCsdl, selectTypes } from '../../scripts/extract-graph-schema.js';
import { checkCollectionShape, checkShape, loadGraphSchema } from './graph-schema.js';

const SHARED_CSDL = '/work/shared/graph-schema/v1.0-Prod.csdl';

const item = {
  '@odata.etag': '"{5E5E6B1A-0C6E-4F3C-9E0A-6B7C8D9E0F10},1"',
  id: '1',
  eTag: '"{5E5E6B1A-0C6E-4F3C-9E0A-6B7C8D9E0F10},1"',
  createdDateTime: '2026-04-01T09:00:00Z',
  lastModifiedDateTime: '2026-04-01T09:00:00.123Z',
  webUrl: 'https://localhost/sites/followup/Lists/T/1_.000',
  createdBy: { user: { id: 'u1', displayName: '事務局', email: 'sec@example.jp' } },
  parentReference: { id: 'l1', siteId: 'localhost,a,b' },
  contentType: { id: '0x0100', name: 'Item' },
  'fields@odata.context': 'https://localhost/v1.0/$metadata#…',
  fields: { '@odata.etag': '"x,1"', id: '1', Title: '取組', Amount: 3, Done: true, Tags: ['a'] },
};

describe('extract-graph-schema', () => {
  it('records the source commit and the requested roots with their bases', () => {
    const schema = loadGraphSchema();
    expect(schema.source.commit).toBe('f54f11b6');
    expect(schema.source.path).toBe('schemas/v1.0-Prod.csdl');
    for (const name of ['site', 'list', 'listItem', 'baseItem', 'entity', 'fieldValueSet', 'listItemVersion']) {
      expect(schema.types[name], name).toBeDefined();
    }
    expect(schema.types.listItem).toMatchObject({ kind: 'entity', baseType: 'baseItem' });
    expect(schema.types.fieldValueSet).toMatchObject({ kind: 'entity', openType: true, baseType: 'entity' });
    expect(schema.types.textColumn).toMatchObject({
      kind: 'complex',
      properties: { maxLength: { type: 'Edm.Int32', collection: false, nullable: true } },
    });
    expect(schema.types.choiceColumn).toMatchObject({
      properties: { choices: { type: 'Edm.String', collection: true } },
    });
    expect(schema.types.entity).toMatchObject({ properties: { id: { type: 'Edm.String', nullable: false } } });
  });

  it('parses inheritance, enums, collections, aliases and nullability from CSDL text', () => {
    const xml = `<?xml version="1.0"?><edmx:Edmx><edmx:DataServices>
      <Schema Namespace="microsoft.graph" Alias="graph" xmlns="x">
        <EnumType Name="colour"><Member Name="red" Value="0" /><Member Name="blue" Value="1" /></EnumType>
        <EntityType Name="entity" Abstract="true"><Key><PropertyRef Name="id" /></Key>
          <Property Name="id" Type="Edm.String" Nullable="false" /></EntityType>
        <ComplexType Name="box"><Property Name="tint" Type="graph.colour" /></ComplexType>
        <ComplexType Name="bigBox" BaseType="graph.box" />
        <ComplexType Name="unused"><Property Name="n" Type="Edm.Int32" /></ComplexType>
        <EntityType Name="thing" BaseType="graph.entity" OpenType="true">
          <Property Name="boxes" Type="Collection(graph.box)">
            <Annotation Term="Org.OData.Core.V1.Description" String="a &lt;box&gt;" />
          </Property>
          <NavigationProperty Name="owner" Type="microsoft.graph.user" />
          <NavigationProperty Name="term" Type="microsoft.graph.termStore.term" />
        </EntityType>
      </Schema></edmx:DataServices></edmx:Edmx>`;
    const all = parseCsdl(xml);
    expect(all.thing).toEqual({
      kind: 'entity',
      baseType: 'entity',
      abstract: false,
      openType: true,
      properties: { boxes: { type: 'box', collection: true, nullable: true } },
      navigationProperties: {
        owner: { type: 'user', collection: false, nullable: true },
        term: { type: 'termStore.term', collection: false, nullable: true },
      },
    });
    expect(Object.keys(selectTypes(all, ['thing'])).sort()).toEqual(['bigBox', 'box', 'colour', 'entity', 'thing']);
  });

  // The shared CSDL exists on the team machine only; the committed fixture is what the suite uses elsewhere.
  it.skipIf(!existsSync(SHARED_CSDL))('reads every type and property of the shared CSDL', () => {
    const csdl = readFileSync(SHARED_CSDL, 'utf8');
    const all = parseCsdl(csdl);
    const count = (re: RegExp): number => csdl.match(re)?.length ?? 0;
    expect(Object.keys(all)).toHaveLength(count(/<(?:EntityType|ComplexType|EnumType) /g));
    let props = 0;
    let navs = 0;
    for (const t of Object.values(all)) {
      if (t.kind === 'enum') continue;
      props += Object.keys(t.properties).length;
      navs += Object.keys(t.navigationProperties).length;
    }
    expect(props).toBe(count(/<Property Name=/g));
    expect(navs).toBe(count(/<NavigationProperty Name=/g));
    expect(selectTypes(all, loadGraphSchema().roots)).toEqual(loadGraphSchema().types);
  });
});

describe('checkShape', () => {
  it('accepts a well-formed listItem with open fields and @odata annotations', () => {
    expect(checkShape('listItem', item)).toEqual([]);
  });

  it('reports an undeclared property on a closed type', () => {
    expect(checkShape('listItem', { ...item, cTag: '"c,1"' })).toEqual([
      'listItem.cTag: property is not declared on listItem or its base types',
    ]);
  });

  it('reports wrong JSON types for primitives', () => {
    const issues = checkShape('columnDefinition', {
      id: 'c1',
      name: 'Amount',
      indexed: 'true',
      text: { maxLength: '255', allowMultipleLines: false },
    });
    expect(issues).toEqual([
      'columnDefinition.indexed: expected boolean (Edm.Boolean), got string "true"',
      'columnDefinition.text.maxLength: expected integer (Edm.Int32), got string "255"',
    ]);
  });

  it('reports a non-ISO date-time and a non-integer Int32', () => {
    expect(checkShape('listItem', { ...item, createdDateTime: '2026/04/01 09:00' })).toEqual([
      'listItem.createdDateTime: expected ISO 8601 date-time with offset (Edm.DateTimeOffset), got string "2026/04/01 09:00"',
    ]);
    expect(checkShape('textColumn', { linesForEditing: 1.5 })).toEqual([
      'textColumn.linesForEditing: expected integer (Edm.Int32), got number 1.5',
    ]);
  });

  it('respects Nullable="false"', () => {
    expect(checkShape('listItem', { ...item, lastModifiedDateTime: null })).toEqual([
      'listItem.lastModifiedDateTime: null is not allowed (Nullable="false")',
    ]);
    expect(checkShape('listItem', { ...item, description: null })).toEqual([]);
  });

  it('checks complex values recursively, including @odata.type on derived types', () => {
    expect(checkShape('listItem', { ...item, createdBy: { user: { displayName: 5 } } })).toEqual([
      'listItem.createdBy.user.displayName: expected string (Edm.String), got number 5',
    ]);
    // identity is an open type (Graph adds email), itemReference is closed.
    expect(checkShape('listItem', { ...item, createdBy: { user: { email: 'a@b' } } })).toEqual([]);
    expect(checkShape('listItem', { ...item, parentReference: { id: 'l1', listId: 'l1' } })).toEqual([
      'listItem.parentReference.listId: property is not declared on itemReference or its base types',
    ]);
    const spUser = { '@odata.type': '#microsoft.graph.sharePointIdentity', loginName: 7 };
    expect(checkShape('identitySet', { user: spUser })).toEqual([
      'identitySet.user.loginName: expected string (Edm.String), got number 7',
    ]);
    expect(checkShape('identitySet', { user: { '@odata.type': '#microsoft.graph.textColumn' } })).toEqual([
      'identitySet.user.@odata.type: #microsoft.graph.textColumn does not derive from identity',
    ]);
  });

  it('checks collections and enum members', () => {
    expect(checkShape('choiceColumn', { choices: 'a,b' })).toEqual([
      'choiceColumn.choices: expected array (Collection(Edm.String)), got string "a,b"',
    ]);
    expect(checkShape('choiceColumn', { choices: ['a', 2] })).toEqual([
      'choiceColumn.choices[1]: expected string (Edm.String), got number 2',
    ]);
    expect(checkShape('columnDefinition', { type: 'text' })).toEqual([]);
    expect(checkShape('columnDefinition', { type: 'string' })[0]).toMatch(/^columnDefinition\.type: expected one of columnTypes/);
  });

  it('checks navigation properties that point inside the excerpt', () => {
    expect(checkShape('list', { id: 'l', columns: [{ name: 'Title', text: {} }], items: [item] })).toEqual([]);
    expect(checkShape('list', { id: 'l', columns: { name: 'Title' } })).toEqual([
      'list.columns: expected array (Collection(columnDefinition)), got object',
    ]);
    expect(checkShape('listItemVersion', { id: '1.0', fields: { Title: 'x' }, lastModifiedDateTime: 'yesterday' })).toEqual([
      'listItemVersion.lastModifiedDateTime: expected ISO 8601 date-time with offset (Edm.DateTimeOffset), got string "yesterday"',
    ]);
  });

  it('rejects non-@odata instance annotations and bad @odata.type values', () => {
    expect(checkShape('listItem', { ...item, '@microsoft.graph.tips': 'x' })).toEqual([
      'listItem.@microsoft.graph.tips: instance annotation is not an @odata.* annotation',
    ]);
    expect(checkShape('fieldValueSet', { '@odata.type': 'listItem' })).toEqual([
      'fieldValueSet.@odata.type: expected "#microsoft.graph.<type>", got string "listItem"',
    ]);
  });

  it('checks collection envelopes', () => {
    expect(checkCollectionShape('listItem', { '@odata.context': 'x', '@odata.nextLink': 'y', value: [item] })).toEqual([]);
    expect(checkCollectionShape('listItem', { value: [item], count: 1 })).toEqual(['collection.count: unexpected member']);
    expect(checkCollectionShape('listItem', { value: [{ id: 7 }] })).toEqual([
      'listItem[0].id: expected string (Edm.String), got number 7',
    ]);
  });

  it('throws on a type that is not in the excerpt', () => {
    expect(() => checkShape('driveItem', {})).toThrow(/driveItem is not in/);
  });
});
