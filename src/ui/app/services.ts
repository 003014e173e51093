/**
 * What the UI is given (style guide 11.2): the host, the app's configuration and a data port. Composition happens once
 * in src/entries; components reach these through hooks (useServices), never through module singletons.
 */
import type { Cycle, Division, SiteMembership } from '../../core/divisions/division.js';
import type { ReminderKind, ShownReminder } from '../../core/review/reminders.js';
import type { RemindResult } from '../../core/review/reminders.js';
import type { Guidance } from '../../core/guidance/guidance.js';
import type { Report } from '../../core/model/schema.js';
import type { FollowUpAdmin, FollowUpStore, RowSet } from '../../core/ports.js';
import type { RateLimitInfo } from '../../data/refresh-scheduler.js';
import type { DraftStore } from '../../data/types.js';
import type { LiveWorkbook } from '../../core/sync/workbook-port.js';
import type { SyncRows, SyncStructure } from '../../core/sync/workbook-sync.js';
import type { HostBridge } from '../../hosts/host-bridge.js';
import type { ReviewData } from './review-port.js';
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
  /** The Teams team whose division channels get reminders (#12); null or absent: reminders are recorded only. */
  teamId?: string | null;
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

/**
 * The data port of the pages (#10): who the user is in a site, its cycles, and the follow-up store (the surface part:
 * open, save, refresh, history) that the row cache of src/data works over.
 */
export interface FollowUpData {
  /** @throws PermissionError (sign in again), NotFoundError (site or lists), ThrottledError, GraphAccessError */
  loadSite(siteUrl: string, orgCode: string): Promise<SiteInfo>;
  /** Fiscal years with rows, newest first. */
  listCycles(site: SiteInfo, divisionCode: string | null): Promise<Cycle[]>;
  /** One read of a scope's rows (the configuration page counts them). */
  openRows(site: SiteInfo, scope: RowsScope): Promise<RowSet>;
  /** The follow-up store of the site, acting as the signed-in user (one per site). */
  store(site: SiteInfo): Promise<FollowUpStore>;
  /** The latest reminders sent to a division for a year (#12), newest first; optional: hosts without the list. */
  reminders?(site: SiteInfo, fiscalYear: number, divisionCode: string): Promise<ShownReminder[]>;
  /** The secretariat's reminders (#12): planned (`dryRun`) or sent to the divisions of its 府省等; optional like reminders. */
  remind?(site: SiteInfo, query: { fiscalYear: number; kind: ReminderKind; dryRun: boolean }): Promise<RemindResult>;
  /** The secretariat's side of the same store (#11: rows added or deleted in the sheet). @throws PermissionError for anyone else */
  admin(site: SiteInfo): Promise<FollowUpAdmin>;
  /**
   * The reports of a fiscal year as the lists hold them (latest edits), for the report button (#12): one 府省等, or
   * every 府省等 of the site (`orgCode` null) for the cross-ministry compilation.
   */
  reports(site: SiteInfo, query: { fiscalYear: number; orgCode: string | null }): Promise<Report[]>;
  /** Writing guidance (記入例, 記入要領, length limits) that applies to the site's ministry. */
  guidance(site: SiteInfo): Promise<Guidance[]>;
  /** The review cycle of the site as the signed-in user (#12). */
  review(site: SiteInfo): Promise<ReviewData>;
  /**
   * Calls `listener` with the service's RateLimit headers when an answer carries them (SharePoint sends them once an
   * app has used 80 % of its minute): the refresh cadence backs off.
   */
  onRateLimit(listener: (info: RateLimitInfo) => void): () => void;
}

/** Drafts kept in the browser, with what sign-out on a shared PC needs. */
export interface BrowserDrafts extends DraftStore {
  clearAll(): Promise<void>;
  countRows(prefix?: string): Promise<number>;
}

/** What the Excel task pane adds (#11): the workbook (null when Excel lacks the API set) and the store to sync with. */
export interface WorkbookServices {
  workbook: LiveWorkbook | null;
  /** The store's surface for the signed-in user on a site (the same src/graph store the tab reads through). */
  rows(site: SiteInfo): Promise<SyncRows>;
  /** The secretariat's create/delete of rows (only asked for when the user is the secretariat). */
  structure(site: SiteInfo): Promise<SyncStructure>;
}

export interface Services {
  host: HostBridge;
  config: AppConfig;
  data: FollowUpData;
  drafts: BrowserDrafts;
  /** Present in the Excel task pane only. */
  workbook?: WorkbookServices;
}
