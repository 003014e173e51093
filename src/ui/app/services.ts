/**
 * What the UI is given (style guide 11.2): the host, the app's configuration and a data port. Composition happens once
 * in src/entries; components reach these through hooks (useServices), never through module singletons.
 */
import type { Cycle, Division, SiteMembership } from '../../core/divisions/division.js';
import type { RowSet } from '../../core/ports.js';
import type { LiveWorkbook } from '../../core/sync/workbook-port.js';
import type { SyncRows } from '../../core/sync/workbook-sync.js';
import type { HostBridge } from '../../hosts/host-bridge.js';
import type { AuthSettings } from '../../hosts/msal/load-msal.js';

/** Deployment settings, read at start (`app-config.json` beside the pages; `npm start` serves the local one). */
export interface AppConfig {
  /** Graph root with version: `https://graph.microsoft.com/v1.0`, or the local service's `/v1.0`. */
  graphBaseUrl: string;
  /** The follow-up site when the tab's URL names none. */
  defaultSite: string | null;
  /** The ministry (府省等 code) when the tab's URL names none. */
  defaultOrgCode: string | null;
  /** SharePoint group titles of the secretariat and the reviewers. */
  roles: { secretariat: string; reviewers: string };
  /** Tokens come from the local sign-in (the embedded default), not from MSAL (#13). */
  localSignIn: boolean;
  /** Sign-in with MSAL (#13): the app registration and authority; null = the local sign-in only. */
  auth?: AuthSettings | null;
}

/** The signed-in user's view of one site: who they are there and the ministry's divisions. */
export interface SiteInfo {
  siteUrl: string;
  membership: SiteMembership;
  divisions: Division[];
  /** Division items that could not be read (shown, not hidden). */
  unreadableDivisions: number;
}

/** What a tab shows: a ministry's fiscal year, one division or all (`null`). */
export interface RowsScope {
  fiscalYear: number;
  divisionCode: string | null;
}

/** The reads this slice's pages need (the tab's data layer replaces it with the store split, next slice). */
export interface FollowUpReader {
  /** @throws PermissionError (sign in again), NotFoundError (site or lists), ThrottledError, GraphAccessError */
  loadSite(siteUrl: string, orgCode: string): Promise<SiteInfo>;
  /** Fiscal years with rows, newest first. */
  listCycles(site: SiteInfo, divisionCode: string | null): Promise<Cycle[]>;
  openRows(site: SiteInfo, scope: RowsScope): Promise<RowSet>;
}

/** What the Excel task pane adds (#11): the workbook (null when Excel lacks the API set) and the store to sync with. */
export interface WorkbookServices {
  workbook: LiveWorkbook | null;
  /** The store's surface for the signed-in user on a site (the same src/graph store the tab reads through). */
  rows(site: SiteInfo): Promise<SyncRows>;
}

export interface Services {
  host: HostBridge;
  config: AppConfig;
  data: FollowUpReader;
  /** Present in the Excel task pane only. */
  workbook?: WorkbookServices;
}
