import { describe, expect, it } from 'vitest';

import { toColumnDefinition, toListCreateBody } from '../../../src/core/lists/column-definition.js';
import { checkSchema, FOLLOW_UP_SCHEMA, REPORTS_LIST, ROWS_LIST, schemaAtVersion, SCHEMA_VERSION } from '../../../src/core/lists/schema.js';

describe('FOLLOW_UP_SCHEMA', () => {
  it('is provisionable on SharePoint (ASCII names, ≤20 indexes, unique ⇒ indexed)', () => {
    expect(checkSchema(FOLLOW_UP_SCHEMA)).toEqual([]);
  });

  it('indexes every column a query filters on, and the row key is unique and required', () => {
    const indexed = ROWS_LIST.columns.filter((c) => c.indexed).map((c) => c.name);
    expect(indexed.sort()).toEqual(['DivisionCode', 'FiscalYear', 'OrgCode', 'ReportKey', 'RowKey', 'Status']);
    const rowKey = ROWS_LIST.columns.find((c) => c.name === 'RowKey');
    expect(rowKey).toMatchObject({ unique: true, indexed: true, required: true });
    expect(REPORTS_LIST.columns.find((c) => c.name === 'ReportKey')).toMatchObject({ unique: true, indexed: true });
  });

  it('detects a schema SharePoint would refuse', () => {
    const bad = {
      version: 1,
      lists: [{ ...ROWS_LIST, columns: [...ROWS_LIST.columns, { ...ROWS_LIST.columns[1]!, name: '行キー', indexed: false }] }],
    };
    expect(checkSchema(bad)).toEqual([`FollowUpRows.行キー: internal names must be ASCII letters and digits`, 'FollowUpRows.行キー: unique columns must be indexed']);
  });

  it('schemaAtVersion drops columns introduced later', () => {
    const newer = { version: SCHEMA_VERSION + 1, lists: [{ ...ROWS_LIST, columns: [...ROWS_LIST.columns, { ...ROWS_LIST.columns[10]!, name: 'Extra', since: SCHEMA_VERSION + 1 }] }] };
    const old = schemaAtVersion(newer, SCHEMA_VERSION);
    expect(old.lists[0]?.columns.map((c) => c.name)).not.toContain('Extra');
    expect(old.lists[0]?.columns).toHaveLength(ROWS_LIST.columns.length);
  });
});

describe('toColumnDefinition', () => {
  it('builds exactly one type facet per column', () => {
    const facets = ['text', 'choice', 'number', 'boolean', 'dateTime', 'lookup', 'personOrGroup'];
    for (const c of ROWS_LIST.columns) {
      const def = toColumnDefinition(c);
      expect(facets.filter((f) => f in def)).toHaveLength(1);
    }
  });

  it('maps the unique row key, a plain-text note and a choice', () => {
    const byName = (n: string) => toColumnDefinition(ROWS_LIST.columns.find((c) => c.name === n)!);
    expect(byName('RowKey')).toMatchObject({ name: 'RowKey', indexed: true, enforceUniqueValues: true, required: true, text: { allowMultipleLines: false, maxLength: 255 } });
    expect(byName('Narrative')).toMatchObject({ text: { allowMultipleLines: true, textType: 'plain' } });
    expect(byName('Status')).toMatchObject({ indexed: true, choice: { choices: ['実施', '実施未定'], allowTextEntry: false } });
    expect(byName('FiscalYear')).toMatchObject({ number: { minimum: 1989, maximum: 2100 } });
  });

  it('does not try to create the built-in Title column', () => {
    const body = toListCreateBody(ROWS_LIST);
    expect((body.columns as { name: string }[]).map((c) => c.name)).not.toContain('Title');
    expect(body).toMatchObject({ displayName: 'FollowUpRows', list: { template: 'genericList' } });
  });
});
