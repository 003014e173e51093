/** Graph JSON of sites, lists, columns, items, fieldValueSets and versions as the local service renders them (#3). */
import { badRequest } from '../errors.js';
import type { Expand } from '../odata/expand.js';
import { type ColumnDef, storageKey } from '../store/columns.js';
import type { LocalGraphStore } from '../store/store.js';
import { itemETag, type ItemRow, type ListRow, type SiteRow, type VersionRow } from '../store/types.js';

/** Renders Graph JSON; `origin()` gives `https://localhost:PORT` for absolute URLs. */
export class GraphJson {
  constructor(
    private readonly store: LocalGraphStore,
    private readonly origin: () => string,
  ) {}

  get graphBase(): string {
    return `${this.origin()}/v1.0`;
  }

  identity(id: number): Record<string, unknown> {
    const p = this.store.principals.principal(id);
    return p ? { user: { email: p.email, id: p.oid, displayName: p.title } } : { user: { displayName: 'System Account' } };
  }

  siteId(site: SiteRow): string {
    return `${site.hostname},${site.site_guid},${site.web_guid}`;
  }

  siteWebUrl(site: SiteRow): string {
    return `${this.origin()}${site.path}`;
  }

  siteJson(site: SiteRow, context: boolean): Record<string, unknown> {
    return {
      ...(context ? { '@odata.context': `${this.graphBase}/$metadata#sites/$entity` } : {}),
      createdDateTime: site.created,
      description: site.description,
      id: this.siteId(site),
      lastModifiedDateTime: site.modified,
      name: site.name,
      webUrl: this.siteWebUrl(site),
      displayName: site.display_name,
      siteCollection: { hostname: site.hostname },
      sharepointIds: { siteId: site.site_guid, siteUrl: this.siteWebUrl(site), tenantId: '7f3c0000-0000-4000-8000-000000000001', webId: site.web_guid },
    };
  }

  listJson(site: SiteRow, l: ListRow, context: boolean): Record<string, unknown> {
    const etag = `"${l.guid},${l.version}"`;
    return {
      ...(context ? { '@odata.context': `${this.graphBase}/$metadata#sites('${this.siteId(site)}')/lists/$entity` } : {}),
      '@odata.etag': etag,
      createdDateTime: l.created,
      description: l.description,
      eTag: etag,
      id: l.guid,
      lastModifiedDateTime: l.modified,
      name: l.name,
      webUrl: `${this.siteWebUrl(site)}/Lists/${l.name}`,
      displayName: l.display_name,
      createdBy: this.identity(l.author),
      lastModifiedBy: this.identity(l.editor),
      parentReference: { siteId: this.siteId(site) },
      list: { contentTypesEnabled: false, hidden: false, template: l.template },
    };
  }

  visibleColumns(list: ListRow, withHidden: boolean): ColumnDef[] {
    return this.store.lists.columns(list).filter((c) => withHidden || !c.hidden);
  }

  itemJson(site: SiteRow, list: ListRow, r: ItemRow, exp: Expand): Record<string, unknown> {
    const etag = itemETag(r);
    const out: Record<string, unknown> = {
      '@odata.etag': etag,
      createdDateTime: r.created,
      eTag: etag,
      id: String(r.item_id),
      lastModifiedDateTime: r.modified,
      webUrl: `${this.siteWebUrl(site)}/Lists/${list.name}/${r.item_id}_.000`,
      createdBy: this.identity(r.author),
      lastModifiedBy: this.identity(r.editor),
      parentReference: { id: list.guid, siteId: this.siteId(site) },
      contentType: this.contentTypeOf(list),
    };
    if (exp.fields) {
      out['fields@odata.context'] = `${this.graphBase}/$metadata#sites('${this.siteId(site)}')/lists('${list.guid}')/items('${r.item_id}')/fields/$entity`;
      out.fields = this.fieldsJson(list, r, exp.fieldSelect);
    }
    return out;
  }

  contentTypeOf(list: ListRow): { id: string; name: string } {
    return { id: `0x0100${list.guid.replace(/-/g, '').toUpperCase()}`, name: 'Item' };
  }

  private personValue(ids: unknown): unknown {
    const one = (id: unknown): Record<string, unknown> => {
      const p = this.store.principals.principal(Number(id));
      return { LookupId: Number(id), LookupValue: p?.title ?? '', Email: p?.email ?? '' };
    };
    return Array.isArray(ids) ? ids.map(one) : one(ids);
  }

  /** The fieldValueSet of an item (or of one version of it when `v` is given). */
  fieldsJson(list: ListRow, r: ItemRow, select?: string[], v?: VersionRow): Record<string, unknown> {
    const values = JSON.parse(v ? v.fields : r.fields) as Record<string, unknown>;
    const version = v ? v.version : r.version;
    const modified = v ? v.modified : r.modified;
    const editor = v ? v.editor : r.editor;
    const cols = this.store.lists.columns(list);
    const title = values.Title;
    const system: Record<string, unknown> = {
      id: String(r.item_id),
      ID: r.item_id,
      ContentType: 'Item',
      Modified: modified,
      Created: r.created,
      AuthorLookupId: String(r.author),
      EditorLookupId: String(editor),
      Author: this.store.principals.principal(r.author)?.title,
      Editor: this.store.principals.principal(editor)?.title,
      _UIVersionString: `${version}.0`,
      Attachments: false,
      Edit: '',
      LinkTitleNoMenu: title,
      LinkTitle: title,
      ItemChildCount: '0',
      FolderChildCount: '0',
    };
    const out: Record<string, unknown> = { '@odata.etag': itemETag({ guid: r.guid, version }) };
    if (select) {
      for (const name of select) {
        if (name in system) {
          if (system[name] !== undefined) out[name] = system[name];
          continue;
        }
        const col = cols.find((c) => c.kind !== 'system' && (c.name === name || storageKey(c) === name));
        if (!col) throw badRequest(`Column '${name}' does not exist. It may have been deleted by another user.`);
        const stored = values[storageKey(col)];
        if (stored === undefined || stored === null) continue;
        if (col.kind === 'personOrGroup' && name === col.name) {
          const pv = this.personValue(stored);
          out[name] = Array.isArray(pv) ? pv : (pv as { LookupValue: string }).LookupValue;
        } else if (col.kind === 'personOrGroup' && !Array.isArray(stored)) out[name] = String(stored);
        else out[name] = stored;
      }
      return out;
    }
    for (const col of cols) {
      if (col.kind === 'system' || col.hidden) continue;
      const key = storageKey(col);
      const stored = values[key];
      if (stored === undefined || stored === null) continue;
      if (col.kind === 'personOrGroup') {
        if (Array.isArray(stored)) out[col.name] = this.personValue(stored);
        else out[key] = String(stored);
      } else out[key] = stored;
    }
    for (const k of ['id', 'ContentType', 'Modified', 'Created', 'AuthorLookupId', 'EditorLookupId', '_UIVersionString', 'Attachments', 'Edit', 'LinkTitleNoMenu', 'LinkTitle', 'ItemChildCount', 'FolderChildCount']) {
      if (system[k] !== undefined) out[k] = system[k];
    }
    return out;
  }

  versionJson(list: ListRow, r: ItemRow, v: VersionRow): Record<string, unknown> {
    const fields = this.fieldsJson(list, r, undefined, v);
    delete fields['@odata.etag'];
    return { id: `${v.version}.0`, lastModifiedDateTime: v.modified, lastModifiedBy: this.identity(v.editor), fields };
  }
}
