/**
 * Writing guidance as data (#10): the FollowUpGuidance list ⇄ Guidance, and which item applies to a field of a row
 * (the most specific: ministry, then layout, then row kind). Pure: src/graph reads and seeds the list, every surface
 * shows the result beside the field (記入例, 記入要領) and counts against its length limit.
 */
import type { Issue } from '../errors.js';
import { GUIDANCE_FIELD_CHOICES, LAYOUT_CHOICES, ROW_KIND_CHOICES } from '../lists/schema.js';
import type { Layout, RowKind } from '../model/schema.js';
import { err, ok, type Result } from '../result.js';

export type GuidanceField = (typeof GUIDANCE_FIELD_CHOICES)[number];

export interface Guidance {
  /** The heading shown above the guidance (the column as the secretariat names it). */
  title: string;
  /** null: every ministry of the site. */
  orgCode: string | null;
  /** null: every layout. */
  layout: Layout | null;
  /** null: every row kind. */
  rowKind: RowKind | null;
  field: GuidanceField;
  /** 記入例: an example answer. */
  example: string | null;
  /** 記入要領: how to write it. */
  instructions: string | null;
  /** Most characters the field takes (null: SharePoint's own limit). */
  maxLength: number | null;
}

const KIND_JA: Readonly<Record<RowKind, (typeof ROW_KIND_CHOICES)[number]>> = { initiative: '取組', focus: '重点項目', indicator: '数値', survey: '調査', heading: '見出し' };
const KIND_OF_JA = new Map(Object.entries(KIND_JA).map(([k, v]) => [v as string, k as RowKind]));

/** FollowUpGuidance.GuidanceKey: unique per ministry, layout, row kind and field (`*` for a blank). */
export const toGuidanceKey = (g: Pick<Guidance, 'orgCode' | 'layout' | 'rowKind' | 'field'>): string => [g.orgCode ?? '*', g.layout ?? '*', g.rowKind ?? '*', g.field].join('/');

/** Guidance → FollowUpGuidance fields. */
export function toGuidanceFields(g: Guidance): Record<string, string | number | null> {
  const text = (s: string | null): string | null => (s === null || s.trim() === '' ? null : s);
  return {
    Title: g.title,
    GuidanceKey: toGuidanceKey(g),
    OrgCode: text(g.orgCode),
    Layout: g.layout,
    RowKind: g.rowKind === null ? null : KIND_JA[g.rowKind],
    Field: g.field,
    Example: text(g.example),
    Instructions: text(g.instructions),
    MaxLength: g.maxLength,
  };
}

/** FollowUpGuidance fields → Guidance; an item without its field or with an unknown value is an error naming it. */
export function fromGuidanceFields(fields: Readonly<Record<string, unknown>>, itemId = '?'): Result<Guidance, Issue[]> {
  const str = (k: string): string | null => (typeof fields[k] === 'string' && (fields[k] as string).trim() !== '' ? (fields[k] as string) : null);
  const issues: Issue[] = [];
  const field = str('Field');
  const layout = str('Layout');
  const kind = str('RowKind');
  if (field === null || !(GUIDANCE_FIELD_CHOICES as readonly string[]).includes(field)) issues.push({ row: itemId, field: 'Field', value: fields.Field, reason: `Field must be one of ${GUIDANCE_FIELD_CHOICES.join(', ')}` });
  if (layout !== null && !(LAYOUT_CHOICES as readonly string[]).includes(layout)) issues.push({ row: itemId, field: 'Layout', value: layout, reason: 'unknown layout' });
  if (kind !== null && !KIND_OF_JA.has(kind)) issues.push({ row: itemId, field: 'RowKind', value: kind, reason: 'unknown row kind' });
  const max = fields.MaxLength === null || fields.MaxLength === undefined || fields.MaxLength === '' ? null : Number(fields.MaxLength);
  if (max !== null && !(Number.isInteger(max) && max >= 1)) issues.push({ row: itemId, field: 'MaxLength', value: fields.MaxLength, reason: 'MaxLength must be a whole number ≥ 1' });
  if (issues.length > 0 || field === null) return err(issues);
  return ok({
    title: str('Title') ?? field,
    orgCode: str('OrgCode'),
    layout: layout as Layout | null,
    rowKind: kind === null ? null : (KIND_OF_JA.get(kind) ?? null),
    field: field as GuidanceField,
    example: str('Example'),
    instructions: str('Instructions'),
    maxLength: max,
  });
}

/** How specific an item is for a target (-1: it does not apply): ministry 4, layout 2, row kind 1. */
function specificity(g: Guidance, target: { orgCode: string; layout: Layout; rowKind: RowKind; field: string }): number {
  if (g.field !== target.field) return -1;
  if (g.orgCode !== null && g.orgCode !== target.orgCode) return -1;
  if (g.layout !== null && g.layout !== target.layout) return -1;
  if (g.rowKind !== null && g.rowKind !== target.rowKind) return -1;
  return (g.orgCode !== null ? 4 : 0) + (g.layout !== null ? 2 : 0) + (g.rowKind !== null ? 1 : 0);
}

/**
 * The guidance for a field of a row: the most specific item that applies, its blanks filled from the less specific
 * ones (a ministry may give its own example and keep the site's length limit). null when none applies.
 */
export function guidanceFor(items: readonly Guidance[], target: { orgCode: string; layout: Layout; rowKind: RowKind; field: string }): Guidance | null {
  const applicable = items
    .map((g) => ({ g, n: specificity(g, target) }))
    .filter((x) => x.n >= 0)
    .sort((a, b) => b.n - a.n);
  const [first, ...rest] = applicable;
  if (!first) return null;
  const pick = <K extends 'example' | 'instructions' | 'maxLength'>(k: K): Guidance[K] => [first, ...rest].map((x) => x.g[k]).find((v) => v !== null) ?? null;
  return { ...first.g, example: pick('example'), instructions: pick('instructions'), maxLength: pick('maxLength') };
}
