/**
 * Pure provisioning plan (#4): compares the wanted schema with what the site has and lists the writes needed.
 * Idempotent by construction: a site that already matches yields no steps. A newer schema only adds lists, columns
 * and indexes; nothing existing is dropped, renamed or retyped, so item data is never touched.
 */
import type { ColumnSchema, ListSchema, SiteSchema } from './schema.js';

export interface ObservedColumn {
  id: string;
  name: string;
  indexed: boolean;
  enforceUniqueValues: boolean;
}

export interface ObservedList {
  id: string;
  name: string;
  columns: ObservedColumn[];
}

export interface ObservedSite {
  lists: ObservedList[];
  /** Version recorded on the site (Meta list), or null when none is recorded. */
  schemaVersion: number | null;
}

export type ProvisionStep =
  | { kind: 'createList'; list: ListSchema }
  | { kind: 'addColumn'; list: string; column: ColumnSchema }
  | { kind: 'updateColumn'; list: string; column: ColumnSchema; columnId: string; set: { indexed?: true; enforceUniqueValues?: true } }
  | { kind: 'recordVersion'; version: number; previous: number | null };

export interface ProvisionPlan {
  steps: ProvisionStep[];
  /** Things the plan cannot fix and will not try to (e.g. a site provisioned by a newer version). */
  warnings: string[];
}

/** Lists the writes that bring `observed` up to `schema`. Empty `steps` = up to date. */
export function planProvisioning(schema: SiteSchema, observed: ObservedSite): ProvisionPlan {
  const steps: ProvisionStep[] = [];
  const warnings: string[] = [];
  for (const list of schema.lists) {
    const have = observed.lists.find((l) => l.name === list.name);
    if (!have) {
      steps.push({ kind: 'createList', list });
      continue;
    }
    for (const column of list.columns) {
      const existing = have.columns.find((c) => c.name === column.name);
      if (!existing) {
        if (column.builtIn) warnings.push(`${list.name}.${column.name}: built-in column not found`);
        else steps.push({ kind: 'addColumn', list: list.name, column });
        continue;
      }
      const set: { indexed?: true; enforceUniqueValues?: true } = {};
      if (column.indexed && !existing.indexed) set.indexed = true;
      if (column.unique && !existing.enforceUniqueValues) set.enforceUniqueValues = true;
      if (set.indexed || set.enforceUniqueValues) steps.push({ kind: 'updateColumn', list: list.name, column, columnId: existing.id, set });
    }
  }
  if (observed.schemaVersion !== null && observed.schemaVersion > schema.version) {
    warnings.push(`the site records schema version ${observed.schemaVersion}, newer than this client's ${schema.version}; not downgrading it`);
  } else if (observed.schemaVersion !== schema.version) {
    steps.push({ kind: 'recordVersion', version: schema.version, previous: observed.schemaVersion });
  }
  return { steps, warnings };
}

/** One line per step, for the CLI and logs. */
export function describeStep(step: ProvisionStep): string {
  switch (step.kind) {
    case 'createList':
      return `create list ${step.list.name} (${step.list.columns.filter((c) => !c.builtIn).length} columns)`;
    case 'addColumn':
      return `add column ${step.list}.${step.column.name}`;
    case 'updateColumn':
      return `set ${Object.keys(step.set).join(', ')} on ${step.list}.${step.column.name}`;
    case 'recordVersion':
      return `record schema version ${step.version} (was ${step.previous ?? 'none'})`;
  }
}
