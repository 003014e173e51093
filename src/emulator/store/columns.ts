/** Column definitions (Graph columnDefinition), built-in genericList columns and field value validation (#3). */
import { randomUUID } from 'node:crypto';

import { badRequest, GraphHttpError } from '../errors.js';

export type ColumnKind = 'text' | 'choice' | 'number' | 'boolean' | 'dateTime' | 'personOrGroup' | 'system';

/** A column as stored: Graph's columnDefinition properties plus the one type facet. */
export interface ColumnDef {
  id: string;
  name: string;
  displayName: string;
  description: string;
  columnGroup: string;
  enforceUniqueValues: boolean;
  hidden: boolean;
  indexed: boolean;
  readOnly: boolean;
  required: boolean;
  kind: ColumnKind;
  /** Graph's `type` value (columnTypes enum). */
  type: string;
  /** The type facet, e.g. `{ allowMultipleLines: false, maxLength: 255, … }` under the key `facetName`. */
  facetName?: string;
  facet?: Record<string, unknown>;
  defaultValue?: { value: string };
}

/** Single line of text is capped at 255 characters in SharePoint. */
export const MAX_SINGLE_LINE = 255;
/** Multiple lines of text: SharePoint's documented practical limit (63,999 characters). */
export const MAX_MULTI_LINE = 63_999;
/** SharePoint allows at most 20 indexed columns per list. */
export const MAX_INDEXES = 20;

const NAME = /^[A-Za-z_][A-Za-z0-9_]{0,31}$/;

/** Read-only field names every item carries (they are computed from the item row, never written). */
export const SYSTEM_FIELDS: ReadonlySet<string> = new Set([
  'id', 'ID', 'ContentType', 'Modified', 'Created', 'Author', 'Editor', 'AuthorLookupId', 'EditorLookupId', '_UIVersionString',
  'Attachments', 'Edit', 'LinkTitleNoMenu', 'LinkTitle', 'ItemChildCount', 'FolderChildCount', 'DocIcon', '_ComplianceFlags',
  '_ComplianceTag', '_ComplianceTagWrittenTime', '_ComplianceTagUserId', 'AppAuthor', 'AppEditor', 'ComplianceAssetId',
]);

const sys = (name: string, displayName: string, id: string, type: string, facetName?: string, facet?: Record<string, unknown>, extra: Partial<ColumnDef> = {}): ColumnDef => ({
  id, name, displayName, description: '', columnGroup: name === 'Title' ? 'Custom Columns' : '_Hidden', enforceUniqueValues: false, hidden: false,
  indexed: false, readOnly: true, required: false, kind: 'system', type, ...(facetName ? { facetName, facet: facet ?? {} } : {}), ...extra,
});

/** The built-in columns Graph lists for a genericList, in SharePoint's order (Title is the only writable one). */
export function builtInColumns(): ColumnDef[] {
  return [
    {
      id: 'fa564e0f-0c70-4ab9-b863-0177e6ddd247', name: 'Title', displayName: 'Title', description: '', columnGroup: 'Custom Columns',
      enforceUniqueValues: false, hidden: false, indexed: false, readOnly: false, required: true, kind: 'text', type: 'text',
      facetName: 'text', facet: { allowMultipleLines: false, appendChangesToExistingText: false, linesForEditing: 0, maxLength: MAX_SINGLE_LINE },
    },
    sys('ID', 'ID', '1d22ea11-1e32-424e-89ab-9fedbadb6ce1', 'number', 'number', {}, { indexed: true }),
    sys('ContentType', 'Content Type', 'c042a256-787d-4a6f-8a8a-cf6ab767f12d', 'computed'),
    sys('Modified', 'Modified', '28cf69c5-fa48-462a-b5cd-27b6f9d2bd5f', 'dateTime', 'dateTime', { displayAs: 'default', format: 'dateTime' }, { indexed: true }),
    sys('Created', 'Created', '8c06beca-0777-48f7-91c7-6da68bc07b69', 'dateTime', 'dateTime', { displayAs: 'default', format: 'dateTime' }),
    sys('Author', 'Created By', '1df5e554-ec7e-46a6-901d-d85a3881cb18', 'user', 'personOrGroup', { allowMultipleSelection: false, chooseFromType: 'peopleAndGroups', displayAs: 'nameWithPresence' }),
    sys('Editor', 'Modified By', 'd31655d1-1d5b-4511-95a1-7a09e9b75bf2', 'user', 'personOrGroup', { allowMultipleSelection: false, chooseFromType: 'peopleAndGroups', displayAs: 'nameWithPresence' }),
    sys('_UIVersionString', 'Version', 'dce8262a-3ae9-45aa-aab4-83bd75fb738a', 'text', 'text', { allowMultipleLines: false, appendChangesToExistingText: false, linesForEditing: 0, maxLength: MAX_SINGLE_LINE }),
    sys('Attachments', 'Attachments', '67df98f4-9dec-48ff-a553-29bece9c5bf4', 'boolean', 'boolean', {}),
    sys('Edit', 'Edit', '503f1caa-358e-4918-9094-4a2cdc4bc034', 'computed'),
    sys('LinkTitleNoMenu', 'Title', 'bc91a437-52e7-49e1-8c4e-4698904b2b6d', 'computed'),
    sys('LinkTitle', 'Title', '82642ec8-ef9b-478f-acf9-31f7d45fbc31', 'computed'),
  ];
}

function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const FACETS = ['text', 'choice', 'number', 'boolean', 'dateTime', 'personOrGroup'] as const;
const UNSUPPORTED_FACETS = ['calculated', 'contentApprovalStatus', 'currency', 'geolocation', 'hyperlinkOrPicture', 'lookup', 'term', 'thumbnail'];
const COLUMN_PROPS = new Set([
  'name', 'displayName', 'description', 'columnGroup', 'enforceUniqueValues', 'hidden', 'indexed', 'readOnly', 'required', 'defaultValue',
  'type', 'id', '@odata.type', 'isDeletable', 'isReorderable', 'isSealed', 'propagateChanges', 'validation', ...FACETS, ...UNSUPPORTED_FACETS,
]);

function optBool(o: Record<string, unknown>, key: string, where: string): boolean | undefined {
  const v = o[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'boolean') throw badRequest(`Invalid value for property '${key}' of ${where}: expected a boolean.`);
  return v;
}
function optString(o: Record<string, unknown>, key: string, where: string): string | undefined {
  const v = o[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw badRequest(`Invalid value for property '${key}' of ${where}: expected a string.`);
  return v;
}
function checkKeys(o: Record<string, unknown>, allowed: readonly string[], where: string): void {
  for (const k of Object.keys(o)) if (!allowed.includes(k) && !k.startsWith('@odata.')) throw badRequest(`Property '${k}' does not exist on type '${where}'.`);
}

/**
 * Turns a Graph columnDefinition request body into a stored column.
 * @throws GraphHttpError 400 for unknown properties, wrong types, no or several type facets, unsupported types.
 */
export function parseColumnDefinition(body: unknown): ColumnDef {
  if (!isObj(body)) throw badRequest('The request body must be a columnDefinition object.');
  for (const k of Object.keys(body)) if (!COLUMN_PROPS.has(k)) throw badRequest(`Property '${k}' does not exist on type 'microsoft.graph.columnDefinition'.`);
  const name = optString(body, 'name', 'columnDefinition');
  if (!name) throw badRequest("The columnDefinition property 'name' is required.");
  if (!NAME.test(name)) throw badRequest(`Column name '${name}' is invalid: use 1-32 ASCII letters, digits or underscores, starting with a letter.`);
  if (SYSTEM_FIELDS.has(name) || name === 'Title' || name.endsWith('LookupId')) throw badRequest(`Column name '${name}' is reserved.`);
  const present = FACETS.filter((f) => body[f] !== undefined && body[f] !== null);
  const unsupported = UNSUPPORTED_FACETS.filter((f) => body[f] !== undefined && body[f] !== null);
  if (unsupported.length > 0) throw badRequest(`Column type '${unsupported[0]}' is not supported by the local service.`);
  if (present.length > 1) throw badRequest(`A column can have only one type facet, but '${present.join("', '")}' were given.`);
  const facetName = present[0] ?? 'text';
  const given = body[facetName] ?? {};
  if (!isObj(given)) throw badRequest(`The '${facetName}' facet must be an object.`);
  const where = `microsoft.graph.${facetName}Column`;
  let facet: Record<string, unknown>;
  let type: string;
  let kind: ColumnKind;
  switch (facetName) {
    case 'text': {
      checkKeys(given, ['allowMultipleLines', 'appendChangesToExistingText', 'linesForEditing', 'maxLength', 'textType'], where);
      const multi = optBool(given, 'allowMultipleLines', where) ?? false;
      const textType = optString(given, 'textType', where) ?? 'plain';
      if (textType !== 'plain' && textType !== 'richText') throw badRequest(`Invalid textType '${textType}': expected 'plain' or 'richText'.`);
      const maxLength = given.maxLength ?? (multi ? MAX_MULTI_LINE : MAX_SINGLE_LINE);
      if (typeof maxLength !== 'number' || !Number.isInteger(maxLength) || maxLength < 1 || maxLength > (multi ? MAX_MULTI_LINE : MAX_SINGLE_LINE)) {
        throw badRequest(`Invalid maxLength ${JSON.stringify(maxLength)}: a ${multi ? 'multi' : 'single'}-line text column allows 1 to ${multi ? MAX_MULTI_LINE : MAX_SINGLE_LINE} characters.`);
      }
      const lines = given.linesForEditing ?? (multi ? 6 : 0);
      if (typeof lines !== 'number' || !Number.isInteger(lines)) throw badRequest(`Invalid value for property 'linesForEditing' of ${where}: expected an integer.`);
      facet = { allowMultipleLines: multi, appendChangesToExistingText: optBool(given, 'appendChangesToExistingText', where) ?? false, linesForEditing: lines, maxLength, textType };
      if (!multi) delete facet.textType;
      type = multi ? 'note' : 'text';
      kind = 'text';
      break;
    }
    case 'choice': {
      checkKeys(given, ['allowTextEntry', 'choices', 'displayAs'], where);
      const choices = given.choices;
      if (!Array.isArray(choices) || choices.length === 0 || !choices.every((c) => typeof c === 'string' && c.length > 0 && c.length <= MAX_SINGLE_LINE)) {
        throw badRequest("The choice column needs 'choices': a non-empty array of non-empty strings of at most 255 characters.");
      }
      if (new Set(choices).size !== choices.length) throw badRequest('The choice column has duplicate choices.');
      const displayAs = optString(given, 'displayAs', where) ?? 'dropDownMenu';
      if (!['checkBoxes', 'dropDownMenu', 'radioButtons'].includes(displayAs)) throw badRequest(`Invalid displayAs '${displayAs}' for a choice column.`);
      facet = { allowTextEntry: optBool(given, 'allowTextEntry', where) ?? false, choices: [...choices] as string[], displayAs };
      type = 'choice';
      kind = 'choice';
      break;
    }
    case 'number': {
      checkKeys(given, ['decimalPlaces', 'displayAs', 'maximum', 'minimum'], where);
      facet = { decimalPlaces: optString(given, 'decimalPlaces', where) ?? 'automatic', displayAs: optString(given, 'displayAs', where) ?? 'number' };
      for (const k of ['maximum', 'minimum'] as const) {
        const v = given[k];
        if (v === undefined || v === null) continue;
        if (typeof v !== 'number' || !Number.isFinite(v)) throw badRequest(`Invalid value for property '${k}' of ${where}: expected a number.`);
        facet[k] = v;
      }
      type = 'number';
      kind = 'number';
      break;
    }
    case 'boolean':
      checkKeys(given, [], where);
      facet = {};
      type = 'boolean';
      kind = 'boolean';
      break;
    case 'dateTime': {
      checkKeys(given, ['displayAs', 'format'], where);
      const format = optString(given, 'format', where) ?? 'dateTime';
      if (format !== 'dateOnly' && format !== 'dateTime') throw badRequest(`Invalid dateTime format '${format}': expected 'dateOnly' or 'dateTime'.`);
      facet = { displayAs: optString(given, 'displayAs', where) ?? 'default', format };
      type = 'dateTime';
      kind = 'dateTime';
      break;
    }
    default: {
      checkKeys(given, ['allowMultipleSelection', 'chooseFromType', 'displayAs'], where);
      const chooseFromType = optString(given, 'chooseFromType', where) ?? 'peopleOnly';
      if (chooseFromType !== 'peopleOnly' && chooseFromType !== 'peopleAndGroups') throw badRequest(`Invalid chooseFromType '${chooseFromType}'.`);
      facet = { allowMultipleSelection: optBool(given, 'allowMultipleSelection', where) ?? false, chooseFromType, displayAs: optString(given, 'displayAs', where) ?? 'nameWithPresence' };
      type = 'user';
      kind = 'personOrGroup';
    }
  }
  const enforceUniqueValues = optBool(body, 'enforceUniqueValues', 'columnDefinition') ?? false;
  if (enforceUniqueValues && (kind === 'boolean' || (kind === 'text' && facet.allowMultipleLines === true) || (kind === 'personOrGroup' && facet.allowMultipleSelection === true))) {
    throw badRequest(`Column '${name}' of this type cannot enforce unique values.`);
  }
  const def: ColumnDef = {
    id: randomUUID(),
    name,
    displayName: optString(body, 'displayName', 'columnDefinition') ?? name,
    description: optString(body, 'description', 'columnDefinition') ?? '',
    columnGroup: optString(body, 'columnGroup', 'columnDefinition') ?? 'Custom Columns',
    enforceUniqueValues,
    hidden: optBool(body, 'hidden', 'columnDefinition') ?? false,
    // SharePoint requires an index for unique values and adds it itself.
    indexed: (optBool(body, 'indexed', 'columnDefinition') ?? false) || enforceUniqueValues,
    readOnly: optBool(body, 'readOnly', 'columnDefinition') ?? false,
    required: optBool(body, 'required', 'columnDefinition') ?? false,
    kind,
    type,
    facetName,
    facet,
  };
  if (body.defaultValue !== undefined && body.defaultValue !== null) {
    if (!isObj(body.defaultValue) || typeof body.defaultValue.value !== 'string') throw badRequest("Invalid 'defaultValue': expected { value: string }.");
    def.defaultValue = { value: body.defaultValue.value };
    coerceDefault(def);
  }
  return def;
}

/** The key a column's value is stored (and read, and filtered) under: person columns use `XLookupId`. */
export const storageKey = (c: ColumnDef): string => (c.kind === 'personOrGroup' ? `${c.name}LookupId` : c.name);

/** The Graph JSON of a column definition. */
export function columnJson(c: ColumnDef): Record<string, unknown> {
  const out: Record<string, unknown> = {
    columnGroup: c.columnGroup,
    description: c.description,
    displayName: c.displayName,
    enforceUniqueValues: c.enforceUniqueValues,
    hidden: c.hidden,
    id: c.id,
    indexed: c.indexed,
    name: c.name,
    readOnly: c.readOnly,
    required: c.required,
  };
  // Computed columns (Edit, LinkTitle, ContentType…) have no columnTypes value in Graph; they carry no `type`.
  if (c.type !== 'computed') out.type = c.type;
  if (c.defaultValue) out.defaultValue = c.defaultValue;
  if (c.facetName) out[c.facetName] = c.facet ?? {};
  return out;
}

function coerceDefault(c: ColumnDef): void {
  const v = c.defaultValue?.value;
  if (v === undefined) return;
  const parsed = c.kind === 'number' ? Number(v) : c.kind === 'boolean' ? (v === '1' || v.toLowerCase() === 'true') : v;
  try {
    validateValue(c, c.name, parsed, () => true);
  } catch (e) {
    if (e instanceof GraphHttpError) throw badRequest(`Invalid defaultValue for column '${c.name}': ${e.message}`);
    throw e;
  }
}

/** The default value of a column as a stored value, if it has one. */
export function defaultFor(c: ColumnDef): unknown {
  const v = c.defaultValue?.value;
  if (v === undefined || v === '') return undefined;
  if (c.kind === 'number') return Number(v);
  if (c.kind === 'boolean') return v === '1' || v.toLowerCase() === 'true';
  if (c.kind === 'dateTime') return normalizeDateTime(v) ?? undefined;
  return v;
}

/** Normalizes an ISO 8601 date or date-time to SharePoint's `YYYY-MM-DDTHH:MM:SSZ`; undefined when unparseable. */
export function normalizeDateTime(v: string): string | undefined {
  if (!/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,7})?)?(Z|[+-]\d{2}:\d{2})?)?$/.test(v)) return undefined;
  const d = new Date(/T/.test(v) && !/(Z|[+-]\d{2}:\d{2})$/.test(v) ? `${v}Z` : v);
  if (Number.isNaN(d.getTime())) return undefined;
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

const describeValue = (v: unknown): string => (typeof v === 'string' ? `'${v.length > 40 ? `${v.slice(0, 40)}…` : v}'` : JSON.stringify(v) ?? String(v));

/**
 * Validates one written value and returns what is stored (null clears the field).
 * `isPrincipal(id, allowGroups)` checks person/group ids against the site's principals.
 * @throws GraphHttpError 400 naming the field and the problem.
 */
export function validateValue(c: ColumnDef, key: string, v: unknown, isPrincipal: (id: number, allowGroups: boolean) => boolean): unknown {
  if (v === null) return null;
  const wrong = (expected: string): GraphHttpError => badRequest(`Invalid value ${describeValue(v)} for field '${key}': expected ${expected}.`);
  const f = c.facet ?? {};
  switch (c.kind) {
    case 'text': {
      if (typeof v !== 'string') throw wrong('a string');
      const max = typeof f.maxLength === 'number' ? f.maxLength : MAX_SINGLE_LINE;
      if (v.length > max) throw badRequest(`The value of field '${key}' is ${v.length} characters long, which exceeds the maximum length of ${max} characters.`);
      if (f.allowMultipleLines !== true && /[\r\n]/.test(v)) throw badRequest(`Field '${key}' is a single line of text and cannot contain line breaks.`);
      return v;
    }
    case 'choice': {
      if (typeof v !== 'string') throw wrong('a string');
      const choices = Array.isArray(f.choices) ? (f.choices as string[]) : [];
      if (f.allowTextEntry !== true && !choices.includes(v)) throw badRequest(`Invalid choice ${describeValue(v)} for field '${key}': expected one of ${choices.map((x) => `'${x}'`).join(', ')}.`);
      if (v.length > MAX_SINGLE_LINE) throw badRequest(`The value of field '${key}' exceeds the maximum length of ${MAX_SINGLE_LINE} characters.`);
      return v;
    }
    case 'number': {
      if (typeof v !== 'number' || !Number.isFinite(v)) throw wrong('a number');
      if (typeof f.minimum === 'number' && v < f.minimum) throw badRequest(`Value ${v} for field '${key}' is below the minimum ${f.minimum}.`);
      if (typeof f.maximum === 'number' && v > f.maximum) throw badRequest(`Value ${v} for field '${key}' is above the maximum ${f.maximum}.`);
      return v;
    }
    case 'boolean':
      if (typeof v !== 'boolean') throw wrong('true or false');
      return v;
    case 'dateTime': {
      if (typeof v !== 'string') throw wrong('an ISO 8601 date-time string');
      const n = normalizeDateTime(v);
      if (n === undefined) throw wrong('an ISO 8601 date-time string');
      return f.format === 'dateOnly' ? `${n.slice(0, 10)}T00:00:00Z` : n;
    }
    case 'personOrGroup': {
      const groups = f.chooseFromType === 'peopleAndGroups';
      const one = (x: unknown): number => {
        const id = typeof x === 'number' ? x : typeof x === 'string' && /^\d+$/.test(x) ? Number(x) : NaN;
        if (!Number.isInteger(id)) throw wrong('a site-local user id (integer)');
        if (!isPrincipal(id, groups)) throw badRequest(`Field '${key}': ${id} is not the id of a ${groups ? 'user or group' : 'user'} of this site.`);
        return id;
      };
      if (f.allowMultipleSelection === true) {
        if (!Array.isArray(v)) throw wrong('an array of site-local user ids');
        return [...new Set(v.map(one))];
      }
      return one(v);
    }
    default:
      throw badRequest(`Field '${key}' is read-only.`);
  }
}
