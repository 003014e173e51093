import { describe, expect, it } from 'vitest';

import { describeStep, planProvisioning, type ObservedSite } from '../../../src/core/lists/provision-plan.js';
import { FOLLOW_UP_SCHEMA, ROWS_LIST, SCHEMA_VERSION, schemaAtVersion, type SiteSchema } from '../../../src/core/lists/schema.js';

/** What a site provisioned with `schema` looks like. */
function observedFrom(schema: SiteSchema): ObservedSite {
  return {
    schemaVersion: schema.version,
    lists: schema.lists.map((l, i) => ({
      id: `list-${i}`,
      name: l.name,
      columns: l.columns.map((c, j) => ({ id: `col-${j}`, name: c.name, indexed: c.indexed ?? false, enforceUniqueValues: c.unique ?? false })),
    })),
  };
}

describe('planProvisioning', () => {
  it('creates every list and records the version on an empty site', () => {
    const plan = planProvisioning(FOLLOW_UP_SCHEMA, { lists: [], schemaVersion: null });
    expect(plan.steps.map(describeStep)).toEqual([
      'create list FollowUpReports (15 columns)',
      'create list FollowUpRows (25 columns)',
      'create list FollowUpMeta (2 columns)',
      'create list FollowUpDivisions (8 columns)',
      'create list FollowUpLedger (3 columns)',
      'create list FollowUpGuidance (8 columns)',
      'create list FollowUpReview (16 columns)',
      'create list FollowUpSubmissions (6 columns)',
      'create list FollowUpReminders (9 columns)',
      `record schema version ${SCHEMA_VERSION} (was none)`,
    ]);
  });

  it('plans nothing for a site that matches', () => {
    expect(planProvisioning(FOLLOW_UP_SCHEMA, observedFrom(FOLLOW_UP_SCHEMA))).toEqual({ steps: [], warnings: [] });
  });

  it('adds only what a newer schema introduced', () => {
    const extra = { ...ROWS_LIST.columns[10]!, name: 'Priority', since: SCHEMA_VERSION + 1, indexed: true };
    const newer: SiteSchema = {
      version: SCHEMA_VERSION + 1,
      lists: FOLLOW_UP_SCHEMA.lists.map((l) => (l.name === ROWS_LIST.name ? { ...l, columns: [...l.columns, extra] } : l)),
    };
    const plan = planProvisioning(newer, observedFrom(FOLLOW_UP_SCHEMA));
    expect(plan.steps.map(describeStep)).toEqual(['add column FollowUpRows.Priority', `record schema version ${SCHEMA_VERSION + 1} (was ${SCHEMA_VERSION})`]);
  });

  it('upgrades a schema 1 site to 2 by adding FollowUpReports.ImportState only', () => {
    const plan = planProvisioning(schemaAtVersion(FOLLOW_UP_SCHEMA, 2), observedFrom(schemaAtVersion(FOLLOW_UP_SCHEMA, 1)));
    expect(plan.steps.map(describeStep)).toEqual(['add column FollowUpReports.ImportState', 'record schema version 2 (was 1)']);
  });

  it('upgrades a schema 2 site to 3 by creating the FollowUpDivisions list only (#10)', () => {
    const plan = planProvisioning(schemaAtVersion(FOLLOW_UP_SCHEMA, 3), observedFrom(schemaAtVersion(FOLLOW_UP_SCHEMA, 2)));
    expect(plan.steps.map(describeStep)).toEqual(['create list FollowUpDivisions (8 columns)', 'record schema version 3 (was 2)']);
  });

  it('upgrades a schema 3 site to 4 by adding the FollowUpLedger list only (#8)', () => {
    const plan = planProvisioning(schemaAtVersion(FOLLOW_UP_SCHEMA, 4), observedFrom(schemaAtVersion(FOLLOW_UP_SCHEMA, 3)));
    expect(plan.steps.map(describeStep)).toEqual(['create list FollowUpLedger (3 columns)', 'record schema version 4 (was 3)']);
  });

  it('upgrades a schema 6 site to 7 by adding FollowUpReview.Deadline and FollowUpReminders (views go through SharePoint REST)', () => {
    const plan = planProvisioning(FOLLOW_UP_SCHEMA, observedFrom(schemaAtVersion(FOLLOW_UP_SCHEMA, 6)));
    expect(SCHEMA_VERSION).toBe(7);
    expect(plan.steps.map(describeStep)).toEqual(['add column FollowUpReview.Deadline', 'create list FollowUpReminders (9 columns)', 'record schema version 7 (was 6)']);
  });

  it('upgrades a schema 5 site to 6 by adding the review lists only (#12)', () => {
    const plan = planProvisioning(schemaAtVersion(FOLLOW_UP_SCHEMA, 6), observedFrom(schemaAtVersion(FOLLOW_UP_SCHEMA, 5)));
    expect(plan.steps.map(describeStep)).toEqual(['add column FollowUpReports.Deadline', 'add column FollowUpReports.CycleState', 'create list FollowUpReview (15 columns)', 'create list FollowUpSubmissions (6 columns)', 'record schema version 6 (was 5)']);
  });

  it('upgrades a schema 4 site by creating the FollowUpGuidance list (5, #10) and the review lists (6)', () => {
    const plan = planProvisioning(FOLLOW_UP_SCHEMA, observedFrom(schemaAtVersion(FOLLOW_UP_SCHEMA, 4)));
    expect(plan.steps.map(describeStep)).toEqual(['add column FollowUpReports.Deadline', 'add column FollowUpReports.CycleState', 'create list FollowUpGuidance (8 columns)', 'create list FollowUpReview (16 columns)', 'create list FollowUpSubmissions (6 columns)', 'create list FollowUpReminders (9 columns)', 'record schema version 7 (was 4)']);
  });

  it('indexes an existing column that lost (or never had) its index and uniqueness', () => {
    const site = observedFrom(FOLLOW_UP_SCHEMA);
    const rows = site.lists.find((l) => l.name === ROWS_LIST.name)!;
    rows.columns = rows.columns.map((c) => (c.name === 'RowKey' ? { ...c, indexed: false, enforceUniqueValues: false } : c));
    const plan = planProvisioning(FOLLOW_UP_SCHEMA, site);
    expect(plan.steps).toHaveLength(1);
    expect(plan.steps[0]).toMatchObject({ kind: 'updateColumn', list: 'FollowUpRows', columnId: 'col-1', set: { indexed: true, enforceUniqueValues: true } });
  });

  it('never downgrades a site provisioned by a newer version', () => {
    const site = { ...observedFrom(FOLLOW_UP_SCHEMA), schemaVersion: SCHEMA_VERSION + 3 };
    const plan = planProvisioning(FOLLOW_UP_SCHEMA, site);
    expect(plan.steps).toEqual([]);
    expect(plan.warnings[0]).toContain(`schema version ${SCHEMA_VERSION + 3}`);
  });
});
