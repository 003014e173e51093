// Extracts the SharePoint-list part of Graph's v1.0 CSDL into a small JSON fixture (#3).
// Usage: node --import tsx scripts/extract-graph-schema.ts [csdlPath] [outPath]
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** A structural or navigation property as declared in CSDL. */
export interface SchemaProperty {
  /** Normalised type name: `Edm.*`, or a schema type key such as `identitySet` or `termStore.term`. */
  type: string;
  collection: boolean;
  nullable: boolean;
}

export interface SchemaStructuredType {
  kind: 'entity' | 'complex';
  baseType?: string;
  abstract: boolean;
  openType: boolean;
  properties: Record<string, SchemaProperty>;
  navigationProperties: Record<string, SchemaProperty>;
}

export interface SchemaEnumType {
  kind: 'enum';
  isFlags: boolean;
  members: string[];
}

export type SchemaType = SchemaStructuredType | SchemaEnumType;

export interface ExtractedSchema {
  source: { repository: string; path: string; commit: string; extractedBy: string };
  roots: string[];
  types: Record<string, SchemaType>;
}

const MAIN_NAMESPACE = 'microsoft.graph';

/** Types the conformance suite checks responses against; their bases and referenced complex/enum types follow. */
export const ROOT_TYPES = [
  'site',
  'list',
  'columnDefinition',
  'booleanColumn',
  'calculatedColumn',
  'choiceColumn',
  'contentApprovalStatusColumn',
  'currencyColumn',
  'dateTimeColumn',
  'defaultColumnValue',
  'geolocationColumn',
  'hyperlinkOrPictureColumn',
  'lookupColumn',
  'numberColumn',
  'personOrGroupColumn',
  'termColumn',
  'textColumn',
  'thumbnailColumn',
  'columnValidation',
  'listInfo',
  'listItem',
  'fieldValueSet',
  'listItemVersion',
  'baseItemVersion',
  'baseItem',
  'entity',
  'identitySet',
  'identity',
  'itemReference',
  'sharepointIds',
  'publicationFacet',
  'deleted',
  'contentTypeInfo',
  'columnTypes',
];

interface Tag {
  closing: boolean;
  selfClosing: boolean;
  name: string;
  attrs: Record<string, string>;
}

function decodeEntities(s: string): string {
  return s
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

function* tags(xml: string): Generator<Tag> {
  // CSDL has no CDATA and no '>' inside attribute values that matter here; comments are skipped.
  const re = /<!--[\s\S]*?-->|<(\/?)([A-Za-z_][\w.:-]*)((?:\s+[\w.:-]+\s*=\s*"[^"]*")*)\s*(\/?)>/g;
  for (let m = re.exec(xml); m !== null; m = re.exec(xml)) {
    if (m[0].startsWith('<!--')) continue;
    const attrs: Record<string, string> = {};
    const attrRe = /([\w.:-]+)\s*=\s*"([^"]*)"/g;
    const rawAttrs = m[3] ?? '';
    for (let a = attrRe.exec(rawAttrs); a !== null; a = attrRe.exec(rawAttrs)) {
      attrs[a[1] as string] = decodeEntities(a[2] as string);
    }
    yield { closing: m[1] === '/', selfClosing: m[4] === '/', name: m[2] as string, attrs };
  }
}

/** Turns a qualified name (`graph.x`, `microsoft.graph.x`, `self.x`, `microsoft.graph.security.x`) into a key. */
function normaliseName(qualified: string, aliases: Map<string, string>): string {
  if (qualified.startsWith('Edm.')) return qualified;
  const dot = qualified.lastIndexOf('.');
  const ns = qualified.slice(0, dot);
  const local = qualified.slice(dot + 1);
  const fullNs = aliases.get(ns) ?? ns;
  if (fullNs === MAIN_NAMESPACE) return local;
  if (fullNs.startsWith(`${MAIN_NAMESPACE}.`)) return `${fullNs.slice(MAIN_NAMESPACE.length + 1)}.${local}`;
  return `${fullNs}.${local}`;
}

function parseTypeRef(raw: string, aliases: Map<string, string>): { type: string; collection: boolean } {
  const m = /^Collection\((.+)\)$/.exec(raw);
  const inner = m ? (m[1] as string) : raw;
  return { type: normaliseName(inner, aliases), collection: m !== null };
}

/** Parses every entity, complex and enum type of every schema in the CSDL document. */
export function parseCsdl(xml: string): Record<string, SchemaType> {
  // First pass: namespace aliases, so references can be resolved regardless of declaration order.
  const aliases = new Map<string, string>();
  for (const t of tags(xml)) {
    if (t.name === 'Schema' && !t.closing && t.attrs.Namespace) {
      aliases.set(t.attrs.Namespace, t.attrs.Namespace);
      if (t.attrs.Alias) aliases.set(t.attrs.Alias, t.attrs.Namespace);
    }
  }

  const types: Record<string, SchemaType> = {};
  let namespace = '';
  let current: { key: string; type: SchemaType } | undefined;
  // Depth inside the current type: Property elements may have Annotation children.
  for (const t of tags(xml)) {
    if (t.name === 'Schema') {
      if (!t.closing) namespace = t.attrs.Namespace ?? '';
      continue;
    }
    if (t.name === 'EntityType' || t.name === 'ComplexType' || t.name === 'EnumType') {
      if (t.closing) {
        current = undefined;
        continue;
      }
      const name = t.attrs.Name;
      if (!name) throw new Error(`${t.name} without Name in namespace ${namespace}`);
      const key = normaliseName(`${namespace}.${name}`, aliases);
      let type: SchemaType;
      if (t.name === 'EnumType') {
        type = { kind: 'enum', isFlags: t.attrs.IsFlags === 'true', members: [] };
      } else {
        type = {
          kind: t.name === 'EntityType' ? 'entity' : 'complex',
          abstract: t.attrs.Abstract === 'true',
          openType: t.attrs.OpenType === 'true',
          properties: {},
          navigationProperties: {},
        };
        if (t.attrs.BaseType) type.baseType = normaliseName(t.attrs.BaseType, aliases);
      }
      if (types[key]) throw new Error(`Duplicate type ${key}`);
      types[key] = type;
      current = t.selfClosing ? undefined : { key, type };
      continue;
    }
    if (!current || t.closing) continue;
    if (t.name === 'Member' && current.type.kind === 'enum') {
      if (!t.attrs.Name) throw new Error(`Member without Name in ${current.key}`);
      current.type.members.push(t.attrs.Name);
    } else if ((t.name === 'Property' || t.name === 'NavigationProperty') && current.type.kind !== 'enum') {
      const { Name: propName, Type: propType } = t.attrs;
      if (!propName || !propType) throw new Error(`${t.name} without Name/Type in ${current.key}`);
      const ref = parseTypeRef(propType, aliases);
      const prop: SchemaProperty = { ...ref, nullable: t.attrs.Nullable !== 'false' };
      if (t.name === 'Property') current.type.properties[propName] = prop;
      else current.type.navigationProperties[propName] = prop;
    }
  }
  return types;
}

/**
 * Keeps the roots, their base types, and the complex/enum types their structural properties use, transitively.
 * Navigation targets are not followed (they would pull in most of Graph); their type names stay recorded.
 * Complex types derived from a kept complex type are kept too, so `@odata.type` on e.g. identities can be checked.
 */
export function selectTypes(all: Record<string, SchemaType>, roots: string[]): Record<string, SchemaType> {
  const kept = new Set<string>();
  const queue = [...roots];
  const visit = (key: string): void => {
    if (key.startsWith('Edm.') || kept.has(key)) return;
    if (!all[key]) throw new Error(`Type ${key} is not declared in the CSDL`);
    queue.push(key);
  };
  const drain = (): void => {
    while (queue.length > 0) {
      const key = queue.shift() as string;
      if (kept.has(key)) continue;
      const type = all[key];
      if (!type) throw new Error(`Type ${key} is not declared in the CSDL`);
      kept.add(key);
      if (type.kind === 'enum') continue;
      if (type.baseType) visit(type.baseType);
      for (const p of Object.values(type.properties)) visit(p.type);
    }
  };
  drain();
  for (;;) {
    const derived = Object.entries(all)
      .filter(([k, t]) => !kept.has(k) && t.kind === 'complex' && t.baseType !== undefined && kept.has(t.baseType))
      .map(([k]) => k);
    if (derived.length === 0) break;
    queue.push(...derived);
    drain();
  }
  const out: Record<string, SchemaType> = {};
  for (const key of [...kept].sort()) out[key] = all[key] as SchemaType;
  return out;
}

function readSourceCommit(readmePath: string): string {
  const readme = readFileSync(readmePath, 'utf8');
  const m = /commit\s+([0-9a-f]{7,40})/i.exec(readme);
  if (!m) throw new Error(`No source commit found in ${readmePath}`);
  return m[1] as string;
}

function main(): void {
  const here = dirname(fileURLToPath(import.meta.url));
  const csdlPath = resolve(process.argv[2] ?? '/work/shared/graph-schema/v1.0-Prod.csdl');
  const outPath = resolve(process.argv[3] ?? join(here, '../test/fixtures/graph-schema/sharepoint-types.json'));
  const all = parseCsdl(readFileSync(csdlPath, 'utf8'));
  const types = selectTypes(all, ROOT_TYPES);
  const schema: ExtractedSchema = {
    source: {
      repository: 'microsoftgraph/msgraph-metadata',
      path: 'schemas/v1.0-Prod.csdl',
      commit: readSourceCommit(join(dirname(csdlPath), 'README.md')),
      extractedBy: 'scripts/extract-graph-schema.ts',
    },
    roots: ROOT_TYPES,
    types,
  };
  mkdirSync(dirname(outPath), { recursive: true });
  writeFileSync(outPath, `${JSON.stringify(schema, null, 1)}\n`);
  process.stdout.write(`${Object.keys(all).length} types parsed, ${Object.keys(types).length} written to ${outPath}\n`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
