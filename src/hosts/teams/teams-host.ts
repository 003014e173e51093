/**
 * The Teams host (#10): teams-js v2 behind HostBridge. The SDK is passed in (the entry loads `@microsoft/teams-js`
 * lazily; tests pass a fake), so nothing here runs at import time.
 */
import { HostError } from '../../core/errors.js';
import type { TokenProvider, TokenRequest } from '../../core/ports.js';
import type { AccountControl, FrameContext, HostBridge, HostContext, HostTheme, TabConfigSurface, TabInstanceConfig, Unsubscribe } from '../host-bridge.js';
import { HOST_HANDSHAKE_TIMEOUT_MS, mayBeInHost, raceHandshake, type Timers, type WindowLike } from './detect.js';
import { fromTeamsTheme } from './theme.js';

/** The part of teams-js' `app.Context` we read (platform facts D). */
export interface TeamsContext {
  app: { locale: string; theme?: string };
  page: { id?: string; frameContext?: string };
  user?: { id?: string; displayName?: string; loginHint?: string; userPrincipalName?: string; tenant?: { id?: string } };
  channel?: { id?: string; displayName?: string };
  team?: { internalId?: string; displayName?: string; groupId?: string };
  sharePointSite?: { teamSiteUrl?: string };
}

interface SaveEvent {
  notifySuccess(): void;
  notifyFailure(reason?: string): void;
}

/** The teams-js v2 calls the host uses; `import * as teams from '@microsoft/teams-js'` fits it. */
export interface TeamsSdk {
  app: {
    initialize(validMessageOrigins?: string[]): Promise<void>;
    getContext(): Promise<TeamsContext>;
    registerOnThemeChangeHandler(handler: (theme: string) => void): void;
  };
  pages: {
    config: {
      setValidityState(valid: boolean): void;
      setConfig(config: TabInstanceConfig): Promise<void>;
      registerOnSaveHandler(handler: (event: SaveEvent) => void): void;
    };
  };
}

export interface TeamsHostOptions {
  /** Loads teams-js (a dynamic import in the entry, so a standalone page never downloads it). */
  loadSdk: () => Promise<TeamsSdk>;
  window: WindowLike;
  /** Tokens for Graph and SharePoint: the local sign-in today, nested app authentication with #13. */
  tokens: TokenProvider;
  account?: AccountControl;
  timers?: Timers;
  handshakeTimeoutMs?: number;
}

const FRAME_CONTEXTS: Readonly<Record<string, FrameContext>> = { content: 'content', settings: 'settings', remove: 'remove' };

/** teams-js context → HostContext (no SDK type leaves this file). */
export function toHostContext(ctx: TeamsContext): HostContext {
  const user = ctx.user;
  return {
    user: user
      ? { id: user.id ?? null, displayName: user.displayName ?? null, loginHint: user.loginHint ?? user.userPrincipalName ?? null, tenantId: user.tenant?.id ?? null }
      : null,
    team: ctx.team ? { groupId: ctx.team.groupId ?? null, internalId: ctx.team.internalId ?? null, displayName: ctx.team.displayName ?? null } : null,
    channel: ctx.channel?.id ? { id: ctx.channel.id, displayName: ctx.channel.displayName ?? null } : null,
    locale: ctx.app.locale,
    theme: fromTeamsTheme(ctx.app.theme),
    sharePointSite: ctx.sharePointSite?.teamSiteUrl ? { url: ctx.sharePointSite.teamSiteUrl } : null,
    frameContext: FRAME_CONTEXTS[ctx.page.frameContext ?? ''] ?? 'other',
    entityId: ctx.page.id ?? null,
  };
}

const message = (e: unknown): string => (e instanceof Error ? e.message : typeof e === 'object' && e !== null && 'message' in e ? String((e as { message: unknown }).message) : String(e));

class TeamsHost implements HostBridge {
  readonly capabilities = { kind: 'teams', supportsNaa: false, configuresTabs: true, canSignOut: false } as const;
  readonly tabConfig: TabConfigSurface | undefined;
  private current: HostContext;
  private readonly listeners = new Set<(theme: HostTheme) => void>();

  constructor(
    private readonly sdk: TeamsSdk,
    ctx: HostContext,
    private readonly tokens: TokenProvider,
    readonly account: AccountControl | undefined,
  ) {
    this.current = ctx;
    // teams-js keeps one theme handler; fan it out to every subscriber.
    sdk.app.registerOnThemeChangeHandler((theme) => {
      this.current = { ...this.current, theme: fromTeamsTheme(theme) };
      for (const l of this.listeners) l(this.current.theme);
    });
    this.tabConfig = ctx.frameContext === 'settings' ? this.configSurface() : undefined;
  }

  context(): HostContext {
    return this.current;
  }

  onThemeChange(listener: (theme: HostTheme) => void): Unsubscribe {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  getToken(request: TokenRequest): Promise<string> {
    return this.tokens.getToken(request);
  }

  private configSurface(): TabConfigSurface {
    const config = this.sdk.pages.config;
    return {
      setValidity: (valid) => config.setValidityState(valid),
      onSave: (handler) => {
        // A SaveEvent may be notified once (platform facts D): success after setConfig, failure with the reason.
        config.registerOnSaveHandler((event) => {
          handler()
            .then((instance) => config.setConfig(instance))
            .then(
              () => event.notifySuccess(),
              (e: unknown) => event.notifyFailure(message(e)),
            );
        });
      },
    };
  }
}

/**
 * Connects to Teams when the page runs inside it: resolves `null` at once for a top-level page, and after the
 * handshake timeout for a page framed by something else.
 * @throws HostError when Teams answered the handshake but its context could not be read.
 */
export async function connectTeamsHost(options: TeamsHostOptions): Promise<HostBridge | null> {
  if (!mayBeInHost(options.window)) return null;
  const timers: Timers = options.timers ?? { setTimeout: (fn, ms) => setTimeout(fn, ms), clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>) };
  let sdk: TeamsSdk | undefined;
  const inTeams = await raceHandshake(
    async () => {
      sdk = await options.loadSdk();
      await sdk.app.initialize();
    },
    options.handshakeTimeoutMs ?? HOST_HANDSHAKE_TIMEOUT_MS,
    timers,
  );
  if (!inTeams || !sdk) return null;
  let ctx: TeamsContext;
  try {
    ctx = await sdk.app.getContext();
  } catch (error) {
    throw new HostError(`Teams did not give the tab its context: ${message(error)}`, { cause: error });
  }
  return new TeamsHost(sdk, toHostContext(ctx), options.tokens, options.account);
}
