/**
 * FakeHost (style guide 11.5): a HostBridge with real behaviour (theme changes reach subscribers, tokens from a map,
 * a tab configuration surface that records what Save stores) for tests of code above the hosts.
 */
import { PermissionError } from '../../src/core/errors.js';
import type { TokenRequest } from '../../src/core/ports.js';
import type { AccountControl, HostBridge, HostCapabilities, HostContext, HostTheme, TabConfigSurface, TabInstanceConfig } from '../../src/hosts/host-bridge.js';

export class FakeHost implements HostBridge {
  readonly capabilities: HostCapabilities;
  private ctx: HostContext;
  private readonly listeners = new Set<(t: HostTheme) => void>();
  readonly tokenRequests: TokenRequest[] = [];
  token: string | null;
  readonly tabConfig: (TabConfigSurface & { valid: boolean; save(): Promise<TabInstanceConfig> }) | undefined;
  readonly account: AccountControl | undefined;

  constructor(options: { kind?: HostCapabilities['kind']; context?: Partial<HostContext>; token?: string | null; settings?: boolean; account?: AccountControl } = {}) {
    this.capabilities = { kind: options.kind ?? 'teams', supportsNaa: false, configuresTabs: options.settings ?? false, canSignOut: options.account !== undefined };
    this.ctx = { user: null, team: null, channel: null, locale: 'ja-JP', theme: 'light', sharePointSite: null, frameContext: options.settings ? 'settings' : 'content', entityId: null, ...options.context };
    this.token = options.token === undefined ? 'fake-token' : options.token;
    this.account = options.account;
    if (options.settings) {
      let handler: (() => Promise<TabInstanceConfig>) | null = null;
      const surface = {
        valid: false,
        setValidity: (v: boolean) => {
          surface.valid = v;
        },
        onSave: (h: () => Promise<TabInstanceConfig>) => {
          handler = h;
        },
        save: () => {
          if (!handler) throw new Error('FakeHost: no save handler registered');
          if (!surface.valid) throw new Error('FakeHost: Save pressed while the configuration is invalid');
          return handler();
        },
      };
      this.tabConfig = surface;
    }
  }

  context(): HostContext {
    return this.ctx;
  }

  onThemeChange(listener: (t: HostTheme) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  getToken(request: TokenRequest): Promise<string> {
    this.tokenRequests.push(request);
    return this.token === null ? Promise.reject(new PermissionError('FakeHost: no token')) : Promise.resolve(this.token);
  }

  /** What a host does when the user switches theme. */
  setTheme(theme: HostTheme): void {
    this.ctx = { ...this.ctx, theme };
    for (const l of this.listeners) l(theme);
  }
}
