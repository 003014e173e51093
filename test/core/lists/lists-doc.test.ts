// docs/lists.md documents every list and column of the schema (issue #4: internal name, type, meaning, who edits).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { FieldGroup, FOLLOW_UP_SCHEMA, type ColumnSchema } from '../../../src/core/lists/schema.js';

const DOC = readFileSync(join(import.meta.dirname, '..', '..', '..', 'docs', 'lists.md'), 'utf8');

const WHO: Record<FieldGroup, string> = {
  [FieldGroup.Immutable]: 'nobody (set at creation by the import)',
  [FieldGroup.Structure]: 'secretariat',
  [FieldGroup.Division]: 'owning division, secretariat',
  [FieldGroup.Review]: 'reviewers, secretariat',
};

const TYPE_PREFIX: Record<ColumnSchema['kind'], string> = {
  text: 'Single line of text',
  note: 'Multiple lines, plain',
  choice: 'Choice: ',
  number: 'Number',
  boolean: 'Yes/No',
  date: 'Date',
};

/** The table rows of one `### <list>` section: internal name → cells. */
function tableOf(list: string): Map<string, string[]> {
  const start = DOC.indexOf(`### ${list} `);
  if (start === -1) return new Map();
  const end = DOC.indexOf('\n#', start + 4);
  const rows = DOC.slice(start, end === -1 ? undefined : end)
    .split('\n')
    .filter((l) => l.startsWith('| `'))
    .map((l) => l.split('|').slice(1, -1).map((c) => c.trim()));
  return new Map(rows.map((cells) => [(cells[0] ?? '').replace(/`/g, ''), cells]));
}

describe('docs/lists.md', () => {
  for (const list of FOLLOW_UP_SCHEMA.lists) {
    it(`documents every column of ${list.name} with its display name, type, flags, meaning and who edits it`, () => {
      const table = tableOf(list.name);
      expect([...table.keys()]).toEqual(list.columns.map((c) => c.name));
      for (const c of list.columns) {
        const [, displayName, type, flags, meaning, who] = table.get(c.name) as string[];
        expect(displayName, c.name).toBe(c.displayName);
        expect(type?.startsWith(TYPE_PREFIX[c.kind]), `${c.name}: ${type}`).toBe(true);
        if (c.choices) expect(type, c.name).toBe(`Choice: ${c.choices.join(' / ')}`);
        const wantFlags = [c.builtIn ? 'built-in' : '', c.required ? 'required' : '', c.indexed ? 'indexed' : '', c.unique ? 'unique' : ''].filter(Boolean).join(', ');
        expect(flags, c.name).toBe(wantFlags);
        expect(meaning, c.name).toBe(c.description);
        expect(who, c.name).toBe(WHO[c.group]);
      }
    });
  }

  it('says where the schema version is recorded', () => {
    expect(DOC).toContain('`FollowUpMeta` list (`MetaKey = schemaVersion`)');
  });
});
