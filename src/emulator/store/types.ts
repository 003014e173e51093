/** Rows of the local service's tables as better-sqlite3 returns them, and the caller of a request (#3). */

export interface SiteRow { rid: number; hostname: string; path: string; site_guid: string; web_guid: string; name: string; display_name: string; description: string; created: string; modified: string }
export interface ListRow { lid: number; site_rid: number; guid: string; name: string; display_name: string; description: string; template: string; created: string; modified: string; author: number; editor: number; version: number; next_item_id: number; unique_perms: number }
export interface ItemRow { rid: number; lid: number; item_id: number; guid: string; version: number; created: string; modified: string; author: number; editor: number; fields: string; deleted: number; seq: number; unique_perms: number }
export interface VersionRow { version: number; modified: string; editor: number; fields: string }
export interface Principal { id: number; kind: 'user' | 'group'; key: string; title: string; email: string; login_name: string; oid: string; description: string }

/** The authenticated user of a request and the principals (user + groups) whose assignments apply to them. */
/** Who calls: the user (their SharePoint rights) and, for a token with scopes, what the app may do (#13). */
export interface Caller { user: Principal; principalIds: string; scopes?: import('../scopes.js').TokenScopes }

const etagOf = (guid: string, version: number): string => `"{${guid.toUpperCase()}},${version}"`;
/** The eTag of an item or list: `"{GUID},N"`. */
export const itemETag = (row: { guid: string; version: number }): string => etagOf(row.guid, row.version);
