import { describe, expect, it, vi } from 'vitest';

import { HostError } from '../../src/core/errors.js';
import { mayBeInHost, raceHandshake, type Timers } from '../../src/hosts/teams/detect.js';
import { connectTeamsHost, toHostContext, type TeamsContext, type TeamsSdk } from '../../src/hosts/teams/teams-host.js';
import { fromTeamsTheme } from '../../src/hosts/teams/theme.js';

/** Fake windows: a top-level page, a framed page (iframe), a popup. */
const topLevel = (): { parent: unknown; opener: unknown } => {
  const w: { parent: unknown; opener: unknown } = { parent: null, opener: null };
  w.parent = w;
  return w;
};
const framed = (): { parent: unknown; opener: unknown } => ({ parent: topLevel(), opener: null });

/** Timers under the test's control. */
function manualTimers(): Timers & { fire(): void; pending: number } {
  const handles = new Map<number, () => void>();
  let next = 1;
  return {
    setTimeout: (fn) => {
      handles.set(next, fn);
      return next++;
    },
    clearTimeout: (h) => {
      handles.delete(h as number);
    },
    fire: () => {
      for (const [h, fn] of [...handles]) {
        handles.delete(h);
        fn();
      }
    },
    get pending() {
      return handles.size;
    },
  };
}

const CONTEXT: TeamsContext = {
  app: { locale: 'en-us', theme: 'dark' },
  page: { id: 'followup:soumu:div-somu:2023', frameContext: 'settings' },
  user: { id: 'oid-1', displayName: '鈴木 一郎', userPrincipalName: 'suzuki@soumu.example', tenant: { id: 'tid-1' } },
  channel: { id: '19:abc@thread.tacv2', displayName: '大臣官房総務課' },
  team: { internalId: '19:team@thread.tacv2', displayName: '総務省 WLB', groupId: 'group-1' },
  sharePointSite: { teamSiteUrl: 'https://contoso.sharepoint.com/sites/wlb' },
};

/** A fake teams-js: initialize resolves (in Teams) or never answers; records what the page does. */
function fakeSdk(options: { initialize?: () => Promise<void>; context?: TeamsContext } = {}) {
  let themeHandler: ((t: string) => void) | null = null;
  let saveHandler: ((e: { notifySuccess(): void; notifyFailure(r?: string): void }) => void) | null = null;
  const calls = { validity: [] as boolean[], configs: [] as unknown[] };
  const sdk: TeamsSdk = {
    app: {
      initialize: options.initialize ?? (() => Promise.resolve()),
      getContext: () => Promise.resolve(options.context ?? CONTEXT),
      registerOnThemeChangeHandler: (h) => {
        themeHandler = h;
      },
    },
    pages: {
      config: {
        setValidityState: (v) => calls.validity.push(v),
        setConfig: (c) => {
          calls.configs.push(c);
          return Promise.resolve();
        },
        registerOnSaveHandler: (h) => {
          saveHandler = h;
        },
      },
    },
  };
  return { sdk, calls, changeTheme: (t: string) => themeHandler?.(t), save: (e: { notifySuccess(): void; notifyFailure(r?: string): void }) => saveHandler?.(e) };
}

const tokens = { getToken: () => Promise.resolve('t') };

describe('mayBeInHost', () => {
  it('says a top-level window without an opener is standalone, at once', () => {
    expect(mayBeInHost(topLevel())).toBe(false);
  });

  it('says a framed page or a popup may be inside a host', () => {
    expect(mayBeInHost(framed())).toBe(true);
    expect(mayBeInHost({ ...topLevel(), opener: {} })).toBe(true);
  });
});

describe('raceHandshake', () => {
  it('resolves true when the host answers before the timer, and clears the timer', async () => {
    const timers = manualTimers();
    await expect(raceHandshake(() => Promise.resolve(), 3000, timers)).resolves.toBe(true);
    expect(timers.pending).toBe(0);
  });

  it('resolves false when nothing answers within the timeout (a non-Teams frame)', async () => {
    const timers = manualTimers();
    const result = raceHandshake(() => new Promise<void>(() => {}), 3000, timers);
    timers.fire();
    await expect(result).resolves.toBe(false);
  });

  it('resolves false when initialize rejects (no parent window)', async () => {
    await expect(raceHandshake(() => Promise.reject(new Error('No Parent window found.')), 3000, manualTimers())).resolves.toBe(false);
  });
});

describe('connectTeamsHost', () => {
  it('never loads teams-js in a top-level window', async () => {
    const loadSdk = vi.fn(() => Promise.resolve(fakeSdk().sdk));
    await expect(connectTeamsHost({ loadSdk, window: topLevel(), tokens })).resolves.toBeNull();
    expect(loadSdk).not.toHaveBeenCalled();
  });

  it('runs standalone when a framing page never answers', async () => {
    const timers = manualTimers();
    const { sdk } = fakeSdk({ initialize: () => new Promise<void>(() => {}) });
    const pending = connectTeamsHost({ loadSdk: () => Promise.resolve(sdk), window: framed(), tokens, timers });
    await Promise.resolve();
    timers.fire();
    await expect(pending).resolves.toBeNull();
  });

  it('maps the Teams context: user, team, channel, locale, theme, site, frame context', async () => {
    const { sdk } = fakeSdk();
    const host = await connectTeamsHost({ loadSdk: () => Promise.resolve(sdk), window: framed(), tokens, timers: manualTimers() });
    expect(host?.capabilities).toEqual({ kind: 'teams', supportsNaa: false, configuresTabs: true, canSignOut: false });
    expect(host?.context()).toEqual({
      user: { id: 'oid-1', displayName: '鈴木 一郎', loginHint: 'suzuki@soumu.example', tenantId: 'tid-1' },
      team: { groupId: 'group-1', internalId: '19:team@thread.tacv2', displayName: '総務省 WLB' },
      channel: { id: '19:abc@thread.tacv2', displayName: '大臣官房総務課' },
      locale: 'en-us',
      theme: 'dark',
      sharePointSite: { url: 'https://contoso.sharepoint.com/sites/wlb' },
      frameContext: 'settings',
      entityId: 'followup:soumu:div-somu:2023',
    });
  });

  it('follows theme changes live and stops telling an unsubscribed listener', async () => {
    const fake = fakeSdk();
    const host = await connectTeamsHost({ loadSdk: () => Promise.resolve(fake.sdk), window: framed(), tokens, timers: manualTimers() });
    const seen: string[] = [];
    const off = host?.onThemeChange((t) => seen.push(t));
    fake.changeTheme('contrast');
    fake.changeTheme('default');
    off?.();
    fake.changeTheme('dark');
    expect(seen).toEqual(['contrast', 'light']);
    expect(host?.context().theme).toBe('dark');
  });

  it('saves the tab configuration through pages.config and notifies success once', async () => {
    const fake = fakeSdk();
    const host = await connectTeamsHost({ loadSdk: () => Promise.resolve(fake.sdk), window: framed(), tokens, timers: manualTimers() });
    const config = { contentUrl: 'https://localhost:3000/tab.html?fy=2023', entityId: 'e', suggestedDisplayName: 'フォローアップ' };
    host?.tabConfig?.setValidity(true);
    host?.tabConfig?.onSave(() => Promise.resolve(config));
    const event = { notifySuccess: vi.fn(), notifyFailure: vi.fn() };
    fake.save(event);
    await vi.waitFor(() => expect(event.notifySuccess).toHaveBeenCalledTimes(1));
    expect(event.notifyFailure).not.toHaveBeenCalled();
    expect(fake.calls.validity).toEqual([true]);
    expect(fake.calls.configs).toEqual([config]);
  });

  it('reports a failed save to Teams with the reason', async () => {
    const fake = fakeSdk();
    const host = await connectTeamsHost({ loadSdk: () => Promise.resolve(fake.sdk), window: framed(), tokens, timers: manualTimers() });
    host?.tabConfig?.onSave(() => Promise.reject(new Error('no fiscal year chosen')));
    const event = { notifySuccess: vi.fn(), notifyFailure: vi.fn() };
    fake.save(event);
    await vi.waitFor(() => expect(event.notifyFailure).toHaveBeenCalledWith('no fiscal year chosen'));
    expect(event.notifySuccess).not.toHaveBeenCalled();
  });

  it('has no configuration surface on a content page', async () => {
    const { sdk } = fakeSdk({ context: { ...CONTEXT, page: { frameContext: 'content' } } });
    const host = await connectTeamsHost({ loadSdk: () => Promise.resolve(sdk), window: framed(), tokens, timers: manualTimers() });
    expect(host?.tabConfig).toBeUndefined();
    expect(host?.context().frameContext).toBe('content');
  });

  it('turns a context failure into a HostError keeping the SDK error as cause', async () => {
    const { sdk } = fakeSdk();
    // teams-js rejects with plain objects (SdkError), not Errors: the fake must too.
    // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors, prefer-promise-reject-errors -- the SDK's own shape
    sdk.app.getContext = () => Promise.reject({ errorCode: 500, message: 'Internal error' });
    const error = await connectTeamsHost({ loadSdk: () => Promise.resolve(sdk), window: framed(), tokens, timers: manualTimers() }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HostError);
    expect((error as HostError).message).toContain('Internal error');
    expect((error as HostError).cause).toEqual({ errorCode: 500, message: 'Internal error' });
  });

  it('gets tokens from the token provider it was given (the seam for nested app authentication, #13)', async () => {
    const { sdk } = fakeSdk();
    const getToken = vi.fn(() => Promise.resolve('graph-token'));
    const host = await connectTeamsHost({ loadSdk: () => Promise.resolve(sdk), window: framed(), tokens: { getToken }, timers: manualTimers() });
    await expect(host?.getToken({ resource: 'sharepoint', origin: 'https://contoso.sharepoint.com' })).resolves.toBe('graph-token');
    expect(getToken).toHaveBeenCalledWith({ resource: 'sharepoint', origin: 'https://contoso.sharepoint.com' });
  });
});

describe('fromTeamsTheme', () => {
  it('maps default, dark and contrast, and reads an unknown theme as light', () => {
    expect(['default', 'dark', 'contrast', 'glass', undefined].map(fromTeamsTheme)).toEqual(['light', 'dark', 'contrast', 'light', 'light']);
  });

  it('leaves optional context parts empty rather than inventing them', () => {
    expect(toHostContext({ app: { locale: 'ja-jp' }, page: {} })).toEqual({ user: null, team: null, channel: null, locale: 'ja-jp', theme: 'light', sharePointSite: null, frameContext: 'other', entityId: null });
  });
});
