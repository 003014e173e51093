/**
 * HostBridge (style guide 11.2, #10): what the UI may know of the host it runs in (Teams, Excel, a plain browser) and
 * the one place it gets tokens from. The UI imports this file's types only; each host lives in its own folder and is
 * picked once, in src/entries.
 */
import type { TokenProvider, TokenRequest } from '../core/ports.js';

/** Theme kinds every host maps to: Teams default/dark/contrast, Office's themes, the browser's preferences. */
export type HostTheme = 'light' | 'dark' | 'contrast';
export const HOST_THEMES: readonly HostTheme[] = ['light', 'dark', 'contrast'];

export type HostKind = 'teams' | 'excel' | 'browser';

/** Where the page runs in the host: the tab's content, its configuration page, its removal page, or elsewhere. */
export type FrameContext = 'content' | 'settings' | 'remove' | 'other';

export interface HostUser {
  /** Entra object id (Teams `user.id`, the token's `oid`). */
  id: string | null;
  displayName: string | null;
  /** UPN used as MSAL's login hint (#13). Never logged. */
  loginHint: string | null;
  tenantId: string | null;
}

export interface HostContext {
  user: HostUser | null;
  /** The team of a channel tab (Microsoft 365 group id). */
  team: { groupId: string | null; internalId: string | null; displayName: string | null } | null;
  channel: { id: string; displayName: string | null } | null;
  /** BCP 47 locale of the host UI (`ja-JP`, `en-US`). */
  locale: string;
  theme: HostTheme;
  /** The team's SharePoint site, when the host knows it. */
  sharePointSite: { url: string } | null;
  frameContext: FrameContext;
  /** The tab instance's entity id (set by the configuration page), when any. */
  entityId: string | null;
}

export interface HostCapabilities {
  kind: HostKind;
  /** Nested app authentication is available (#13). */
  supportsNaa: boolean;
  /** The host saves a tab configuration (Teams `pages.config`); elsewhere the page opens the tab itself. */
  configuresTabs: boolean;
  /** The user can sign out here (the local sign-in); inside Teams or Office the host owns the session. */
  canSignOut: boolean;
  /** Highest ExcelApi set supported, in the Excel host only (#11). */
  excelApi?: string;
}

export type Unsubscribe = () => void;

/** A tab instance as the configuration page saves it. */
export interface TabInstanceConfig {
  contentUrl: string;
  entityId: string;
  suggestedDisplayName: string;
  websiteUrl?: string;
}

/** The configuration page's side of the host (Teams `pages.config`). */
export interface TabConfigSurface {
  /** Enables or disables the host's Save button. */
  setValidity(valid: boolean): void;
  /**
   * Registers what Save stores. The host calls it when the user presses Save; a rejection is shown by the host and
   * the dialog stays open.
   */
  onSave(handler: () => Promise<TabInstanceConfig>): void;
}

/** The signed-in account where the page manages it (the local sign-in; MSAL in a plain browser later). */
export interface AccountControl {
  /** Sends the user to sign in, then back to `returnTo` (a same-origin path). */
  signIn(returnTo: string): void;
  /** Forgets the session. */
  signOut(): void;
  /** Whether a usable session exists now (a token that is not expired). */
  isSignedIn(): boolean;
  /** Why the sign-in prompt shows again (MSAL, #13): a refused consent, a failed sign-in, an expired or revoked session. */
  problem?(): SignInProblem;
  /** The technical reason behind `problem` (an MSAL or Office error code), shown small under the message. */
  problemDetail?(): string | null;
  /** Where sign-in happens without leaving the page (the Office dialog): called when the state changes. */
  subscribe?(listener: () => void): Unsubscribe;
}

/**
 * Why the user sees the sign-in prompt (#13): a refused consent, a failed sign-in, an expired or revoked session, and
 * the Office dialog's own outcomes (closed by the user, not allowed or blocked, one already open, failed to open).
 */
export type SignInProblem = 'declined' | 'failed' | 'expired' | 'dialog-closed' | 'dialog-blocked' | 'dialog-open' | 'dialog-failed' | null;

export interface HostBridge extends TokenProvider {
  readonly capabilities: HostCapabilities;
  /** The context as of now (theme and locale follow the host). */
  context(): HostContext;
  /** Calls `listener` whenever the host's theme changes (Teams theme switch, OS dark mode, forced colors). */
  onThemeChange(listener: (theme: HostTheme) => void): Unsubscribe;
  /** Bearer tokens for Graph and SharePoint REST: the seam MSAL/NAA plugs into (#13). @throws PermissionError when the user must sign in. */
  getToken(request: TokenRequest): Promise<string>;
  /** Present on the tab's configuration page inside a host that saves tab configurations. */
  readonly tabConfig?: TabConfigSurface;
  /** Present where the page manages the sign-in itself. */
  readonly account?: AccountControl;
}
