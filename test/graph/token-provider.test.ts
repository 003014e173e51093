import { describe, expect, it } from 'vitest';

import { PermissionError } from '../../src/core/errors.js';
import { jwtExpiry, renewingTokenProvider } from '../../src/graph/token-provider.js';

/** A clock the test moves by hand. */
function manualClock(start = Date.parse('2025-04-01T09:00:00Z')) {
  let now = start;
  return { now: () => new Date(now), advance: (ms: number) => (now += ms) };
}

const jwt = (exp: number): string => `${btoa(JSON.stringify({ alg: 'HS256' }))}.${btoa(JSON.stringify({ exp })).replace(/=+$/, '')}.sig`;

describe('renewingTokenProvider', () => {
  it('re-mints before the token expires, never handing out an expired one', async () => {
    const clock = manualClock();
    let minted = 0;
    const provider = renewingTokenProvider({
      clock,
      // A short lifetime: 10 minutes, renewed 5 minutes before it ends.
      mint: () => ({ token: `t${++minted}`, expiresAt: clock.now().getTime() + 10 * 60_000 }),
    });
    expect(await provider.getToken({ resource: 'graph' })).toBe('t1');
    clock.advance(4 * 60_000);
    expect(await provider.getToken({ resource: 'graph' })).toBe('t1');
    clock.advance(2 * 60_000);
    expect(await provider.getToken({ resource: 'graph' })).toBe('t2');
    // Eight hours later (the local service's token lifetime, after which `npm start`'s page used to fail).
    clock.advance(8 * 60 * 60_000);
    expect(await provider.getToken({ resource: 'graph' })).toBe('t3');
    expect(minted).toBe(3);
  });

  it('keeps one token per resource and shares one mint between concurrent callers', async () => {
    const clock = manualClock();
    const mints: string[] = [];
    const provider = renewingTokenProvider({
      clock,
      mint: async (r) => {
        mints.push(r.resource === 'graph' ? 'graph' : r.origin);
        await Promise.resolve();
        return { token: `${r.resource}-${mints.length}`, expiresAt: clock.now().getTime() + 3_600_000 };
      },
    });
    const [a, b] = await Promise.all([provider.getToken({ resource: 'graph' }), provider.getToken({ resource: 'graph' })]);
    expect([a, b]).toEqual(['graph-1', 'graph-1']);
    expect(await provider.getToken({ resource: 'sharepoint', origin: 'https://contoso.sharepoint.com' })).toBe('sharepoint-2');
    expect(mints).toEqual(['graph', 'https://contoso.sharepoint.com']);
  });

  it('turns a failed mint into PermissionError and tries again next time', async () => {
    let fail = true;
    const provider = renewingTokenProvider({
      mint: () => {
        if (fail) throw new Error('sign-in needed');
        return { token: 'ok', expiresAt: Date.now() + 3_600_000 };
      },
    });
    await expect(provider.getToken({ resource: 'graph' })).rejects.toBeInstanceOf(PermissionError);
    fail = false;
    expect(await provider.getToken({ resource: 'graph' })).toBe('ok');
  });
});

describe('jwtExpiry', () => {
  it('reads exp in milliseconds, and undefined for an opaque token', () => {
    expect(jwtExpiry(jwt(1_700_000_000))).toBe(1_700_000_000_000);
    expect(jwtExpiry('opaque')).toBe(undefined);
  });
});
