// Checks Graph JSON bodies against the v1.0 CSDL excerpt in test/fixtures/graph-schema (#3).
import { readFileSync } from 'node:fs';

import type {
  ExtractedSchema,
  SchemaProperty,
  SchemaStructuredType,
  SchemaType,
} from '../../scripts/extract-graph-schema.js';

const SCHEMA_URL = new URL('../fixtures/graph-schema/sharepoint-types.json', import.meta.url);

let cached: ExtractedSchema | undefined;

/** The extracted schema (loaded once). */
export function loadGraphSchema(): ExtractedSchema {
  cached ??= JSON.parse(readFileSync(SCHEMA_URL, 'utf8')) as ExtractedSchema;
  return cached;
}

const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,7})?)?(?:Z|[+-]\d{2}:\d{2})$/;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DURATION = /^-?P(?:\d+D)?(?:T(?:\d+H)?(?:\d+M)?(?:\d+(?:\.\d+)?S)?)?$/;
const TIME_OF_DAY = /^\d{2}:\d{2}(?::\d{2}(?:\.\d{1,12})?)?$/;
const BASE64 = /^[A-Za-z0-9+/_-]*={0,2}$/;
/** `@odata.context`, `@odata.nextLink`, … on the object, and property annotations such as `Owners@odata.type`. */
const ODATA_ANNOTATION = /^[^@]*@odata\.[A-Za-z]+$/;

const INT_RANGES: Record<string, [number, number]> = {
  'Edm.Byte': [0, 255],
  'Edm.Int16': [-32768, 32767],
  'Edm.Int32': [-2147483648, 2147483647],
  'Edm.Int64': [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
};

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'string') return `string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  if (typeof value === 'object') return 'object';
  return `${typeof value} ${String(value)}`;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function getType(name: string): SchemaType | undefined {
  return loadGraphSchema().types[name];
}

/** The type and its base types, most derived first. */
function chain(name: string): SchemaStructuredType[] {
  const out: SchemaStructuredType[] = [];
  for (let cur: string | undefined = name; cur !== undefined; ) {
    const t = getType(cur);
    if (!t || t.kind === 'enum') throw new Error(`Schema type ${cur} is not a structured type in the fixture`);
    out.push(t);
    cur = t.baseType;
  }
  return out;
}

function derivesFrom(name: string, base: string): boolean {
  for (let cur: string | undefined = name; cur !== undefined; ) {
    if (cur === base) return true;
    const t = getType(cur);
    cur = t && t.kind !== 'enum' ? t.baseType : undefined;
  }
  return false;
}

function findProperty(types: SchemaStructuredType[], prop: string): SchemaProperty | undefined {
  for (const t of types) {
    const p = t.properties[prop] ?? t.navigationProperties[prop];
    if (p) return p;
  }
  return undefined;
}

function checkPrimitive(type: string, value: unknown, path: string, issues: string[]): void {
  const bad = (expected: string): void => {
    issues.push(`${path}: expected ${expected} (${type}), got ${describe(value)}`);
  };
  switch (type) {
    case 'Edm.String':
    case 'Edm.Stream':
      if (typeof value !== 'string') bad('string');
      return;
    case 'Edm.Boolean':
      if (typeof value !== 'boolean') bad('boolean');
      return;
    case 'Edm.DateTimeOffset':
      if (typeof value !== 'string' || !ISO_DATE_TIME.test(value) || Number.isNaN(Date.parse(value))) {
        bad('ISO 8601 date-time with offset');
      }
      return;
    case 'Edm.Date':
      if (typeof value !== 'string' || !ISO_DATE.test(value)) bad('date YYYY-MM-DD');
      return;
    case 'Edm.TimeOfDay':
      if (typeof value !== 'string' || !TIME_OF_DAY.test(value)) bad('time of day');
      return;
    case 'Edm.Duration':
      if (typeof value !== 'string' || !DURATION.test(value) || value === 'P' || value.endsWith('T')) {
        bad('ISO 8601 duration');
      }
      return;
    case 'Edm.Guid':
      if (typeof value !== 'string' || !GUID.test(value)) bad('GUID string');
      return;
    case 'Edm.Binary':
      if (typeof value !== 'string' || !BASE64.test(value)) bad('base64 string');
      return;
    case 'Edm.Double':
    case 'Edm.Single':
    case 'Edm.Decimal':
      // OData JSON writes the IEEE special values as strings.
      if (!(typeof value === 'number' && Number.isFinite(value)) && !['NaN', 'INF', '-INF'].includes(value as string)) {
        bad('number');
      }
      return;
    default: {
      const range = INT_RANGES[type];
      if (!range) throw new Error(`${path}: primitive type ${type} is not supported by checkShape`);
      if (typeof value !== 'number' || !Number.isInteger(value) || value < range[0] || value > range[1]) {
        bad('integer');
      }
    }
  }
}

function checkValue(prop: SchemaProperty, value: unknown, path: string, issues: string[]): void {
  if (value === null) {
    if (!prop.nullable) issues.push(`${path}: null is not allowed (Nullable="false")`);
    return;
  }
  if (prop.collection) {
    if (!Array.isArray(value)) {
      issues.push(`${path}: expected array (Collection(${prop.type})), got ${describe(value)}`);
      return;
    }
    value.forEach((v, i) => {
      if (v === null) issues.push(`${path}[${i}]: null element in Collection(${prop.type})`);
      else checkSingle(prop.type, v, `${path}[${i}]`, issues);
    });
    return;
  }
  checkSingle(prop.type, value, path, issues);
}

function checkSingle(typeName: string, value: unknown, path: string, issues: string[]): void {
  if (typeName.startsWith('Edm.')) {
    checkPrimitive(typeName, value, path, issues);
    return;
  }
  const type = getType(typeName);
  if (!type) {
    // Navigation target outside the excerpt (e.g. driveItem): only the JSON kind can be checked.
    if (!isPlainObject(value)) issues.push(`${path}: expected object (${typeName}), got ${describe(value)}`);
    return;
  }
  if (type.kind === 'enum') {
    const ok =
      typeof value === 'string' &&
      (type.isFlags
        ? value.split(',').every((m) => type.members.includes(m.trim()))
        : type.members.includes(value));
    if (!ok) issues.push(`${path}: expected one of ${typeName} {${type.members.join(', ')}}, got ${describe(value)}`);
    return;
  }
  checkObject(typeName, value, path, issues);
}

function checkObject(typeName: string, value: unknown, path: string, issues: string[]): void {
  if (!isPlainObject(value)) {
    issues.push(`${path}: expected object (${typeName}), got ${describe(value)}`);
    return;
  }
  let actualType = typeName;
  const odataType = value['@odata.type'];
  if (odataType !== undefined) {
    const m = typeof odataType === 'string' ? /^#?microsoft\.graph\.(.+)$/.exec(odataType) : null;
    if (!m) {
      issues.push(`${path}.@odata.type: expected "#microsoft.graph.<type>", got ${describe(odataType)}`);
    } else if (!getType(m[1] as string)) {
      issues.push(`${path}.@odata.type: ${String(odataType)} is not in the schema excerpt`);
    } else if (!derivesFrom(m[1] as string, typeName)) {
      issues.push(`${path}.@odata.type: ${String(odataType)} does not derive from ${typeName}`);
    } else {
      actualType = m[1] as string;
    }
  }
  const types = chain(actualType);
  const open = types.some((t) => t.openType);
  for (const [key, v] of Object.entries(value)) {
    const keyPath = `${path}.${key}`;
    if (ODATA_ANNOTATION.test(key)) {
      const annotated = key.slice(0, key.indexOf('@'));
      if (annotated !== '' && !(annotated in value) && !open && !findProperty(types, annotated)) {
        issues.push(`${keyPath}: annotation for undeclared property ${annotated} of ${actualType}`);
      }
      continue;
    }
    if (key.includes('@')) {
      issues.push(`${keyPath}: instance annotation is not an @odata.* annotation`);
      continue;
    }
    const prop = findProperty(types, key);
    if (!prop) {
      if (!open) issues.push(`${keyPath}: property is not declared on ${actualType} or its base types`);
      continue;
    }
    checkValue(prop, v, keyPath, issues);
  }
}

/**
 * Verifies a Graph JSON object against the CSDL excerpt: every property must be declared on the type or a base type
 * (navigation properties included) and carry the declared JSON type; `@odata.*` annotations are allowed; open types
 * accept extra properties. Returns the list of problems (empty = conforms).
 * @throws Error when `typeName` is not in the excerpt (a test bug, not a shape problem).
 */
export function checkShape(typeName: string, value: unknown): string[] {
  const type = getType(typeName);
  if (!type) throw new Error(`Type ${typeName} is not in test/fixtures/graph-schema/sharepoint-types.json`);
  const issues: string[] = [];
  checkSingle(typeName, value, typeName, issues);
  return issues;
}

/**
 * Verifies a collection response `{ "@odata.context"?, "@odata.nextLink"?, "@odata.deltaLink"?, value: [...] }`:
 * the envelope carries only `value` and `@odata.*` annotations, and every element conforms to `typeName`.
 */
export function checkCollectionShape(typeName: string, body: unknown): string[] {
  if (!getType(typeName)) throw new Error(`Type ${typeName} is not in test/fixtures/graph-schema/sharepoint-types.json`);
  if (!isPlainObject(body)) return [`collection: expected object, got ${describe(body)}`];
  const issues: string[] = [];
  for (const key of Object.keys(body)) {
    if (key !== 'value' && !/^@odata\.[A-Za-z]+$/.test(key)) issues.push(`collection.${key}: unexpected member`);
  }
  const items = body.value;
  if (!Array.isArray(items)) return [...issues, `collection.value: expected array, got ${describe(items)}`];
  items.forEach((item, i) => checkSingle(typeName, item, `${typeName}[${i}]`, issues));
  return issues;
}
