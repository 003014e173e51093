import { createHmac } from 'node:crypto';

import { describe, expect, it } from 'vitest';

import { DEMO_DIRECTORY, findUser } from '../../src/emulator/directory.js';
import { FaultInjector, faultsFromEnv, Throttle, throttleFromEnv } from '../../src/emulator/http/faults.js';
import { signToken, verifyToken } from '../../src/emulator/tokens.js';

const sato = findUser(DEMO_DIRECTORY, 'sato@soumu.localhost');

describe('tokens', () => {
  const tid = DEMO_DIRECTORY.tenantId;
  it('round-trips claims shaped like Entra access tokens', async () => {
    if (!sato) throw new Error('demo user missing');
    const t = signToken('s3cret', DEMO_DIRECTORY, sato, 1_000_000);
    const v = await verifyToken('s3cret', tid, t, 1_000_010);
    expect(v).toMatchObject({ ok: true, claims: { upn: 'sato@soumu.localhost', oid: sato.oid, name: '佐藤 花子', tid: DEMO_DIRECTORY.tenantId, aud: 'https://graph.microsoft.com', exp: 1_000_000 + 8 * 3600 } });
  });

  it('rejects a wrong signature, an expired token and garbage', async () => {
    if (!sato) throw new Error('demo user missing');
    const t = signToken('s3cret', DEMO_DIRECTORY, sato, 1_000_000, 60);
    expect(await verifyToken('other', tid, t, 1_000_010)).toEqual({ ok: false, reason: 'Signature validation failed.' });
    // Expired once exp plus the 300 s of tolerated clock skew have passed.
    expect(await verifyToken('s3cret', tid, t, 1_000_060 + 299)).toMatchObject({ ok: true });
    expect(await verifyToken('s3cret', tid, t, 1_000_060 + 301)).toMatchObject({ ok: false, reason: expect.stringMatching(/expired/) });
    expect(await verifyToken('s3cret', tid, 'abc', 1_000_010)).toMatchObject({ ok: false });
    const [h, , s] = t.split('.');
    const forged = `${h}.${Buffer.from(JSON.stringify({ upn: 'x', oid: 'y', aud: 'https://graph.microsoft.com', iss: `https://sts.windows.net/${tid}/`, tid, iat: 1_000_000, exp: 9e9 })).toString('base64url')}.${s}`;
    expect(await verifyToken('s3cret', tid, forged, 1_000_010)).toEqual({ ok: false, reason: 'Signature validation failed.' });
  });

  /** A token signed with the right secret but with chosen claims: only the claim checks can refuse it. */
  const mint = (claims: Record<string, unknown>, header: Record<string, unknown> = { typ: 'JWT', alg: 'HS256' }): string => {
    const b = (o: unknown): string => Buffer.from(JSON.stringify(o)).toString('base64url');
    const base = { aud: 'https://graph.microsoft.com', iss: `https://sts.windows.net/${tid}/`, tid, oid: sato?.oid, upn: sato?.upn, iat: 1_000_000, nbf: 1_000_000, exp: 1_003_600 };
    const head = `${b(header)}.${b({ ...base, ...claims })}`;
    return `${head}.${createHmac('sha256', 's3cret').update(head).digest('base64url')}`;
  };

  it('checks issuer, tenant, audience, algorithm and lifetime even when the signature is right', async () => {
    const at = 1_000_010;
    expect(await verifyToken('s3cret', tid, mint({}), at)).toMatchObject({ ok: true });
    expect(await verifyToken('s3cret', tid, mint({ iss: 'https://sts.windows.net/other/' }), at)).toMatchObject({ ok: false, reason: expect.stringMatching(/Issuer/) });
    expect(await verifyToken('s3cret', tid, mint({ tid: '00000000-0000-0000-0000-000000000000' }), at)).toEqual({ ok: false, reason: 'The token was issued for another tenant.' });
    expect(await verifyToken('s3cret', tid, mint({ aud: 'https://contoso.sharepoint.com' }), at)).toEqual({ ok: false, reason: 'Invalid audience.' });
    expect(await verifyToken('s3cret', tid, mint({}, { typ: 'JWT', alg: 'HS512' }), at)).toMatchObject({ ok: false });
    expect(await verifyToken('s3cret', tid, mint({}, { typ: 'JWT', alg: 'none' }), at)).toMatchObject({ ok: false });
    // Lifetime: at most 24 h between iat and exp; iat and nbf not more than the skew in the future.
    expect(await verifyToken('s3cret', tid, mint({ exp: 1_000_000 + 24 * 3600 }), at)).toMatchObject({ ok: true });
    expect(await verifyToken('s3cret', tid, mint({ exp: 1_000_000 + 24 * 3600 + 1 }), at)).toMatchObject({ ok: false, reason: expect.stringMatching(/longer than 86400/) });
    expect(await verifyToken('s3cret', tid, mint({ iat: at + 3600, nbf: 1_000_000, exp: at + 7200 }), at)).toMatchObject({ ok: false, reason: expect.stringMatching(/future/) });
    expect(await verifyToken('s3cret', tid, mint({ nbf: at + 3600 }), at)).toMatchObject({ ok: false, reason: expect.stringMatching(/not yet valid/) });
    expect(await verifyToken('s3cret', tid, mint({ iat: undefined }), at)).toMatchObject({ ok: false });
  });

  it('finds users by short id, UPN (any case) and oid', () => {
    expect(findUser(DEMO_DIRECTORY, 'SUZUKI@soumu.localhost')?.id).toBe('suzuki');
    expect(findUser(DEMO_DIRECTORY, 'suzuki')?.displayName).toBe('鈴木 一郎');
    expect(findUser(DEMO_DIRECTORY, 'nobody')).toBeUndefined();
  });
});

describe('FaultInjector', () => {
  it('is deterministic for a seed and respects the rates', () => {
    const a = new FaultInjector({ rate429: 0.2, rate503: 0.1, seed: 42 });
    const b = new FaultInjector({ rate429: 0.2, rate503: 0.1, seed: 42 });
    const ra = Array.from({ length: 2000 }, () => a.roll(true));
    const rb = Array.from({ length: 2000 }, () => b.roll(true));
    expect(ra).toEqual(rb);
    const n429 = ra.filter((x) => x === 429).length;
    const n503 = ra.filter((x) => x === 503).length;
    expect(n429).toBeGreaterThan(320);
    expect(n429).toBeLessThan(480);
    expect(n503).toBeGreaterThan(140);
    expect(n503).toBeLessThan(260);
    expect(ra).not.toContain('drop');
  });

  it('never drops inside a batch and never faults when off', () => {
    const f = new FaultInjector({ dropRate: 1, seed: 1 });
    expect(f.roll(true)).toBe('drop');
    expect(f.roll(false)).toBeUndefined();
    expect(new FaultInjector().roll(true)).toBeUndefined();
  });

  it('rejects rates outside 0..1', () => {
    expect(() => new FaultInjector({ rate429: 1.5 })).toThrow(RangeError);
  });

  it('reads FOLLOWUP_FAULT_* and FOLLOWUP_THROTTLE_RU_PER_MINUTE', () => {
    expect(faultsFromEnv({ FOLLOWUP_FAULT_429: '0.05', FOLLOWUP_FAULT_LATENCY_MS: '20', FOLLOWUP_FAULT_SEED: '3' })).toEqual({ rate429: 0.05, latencyMs: 20, seed: 3 });
    expect(throttleFromEnv({ FOLLOWUP_THROTTLE_RU_PER_MINUTE: '600' })).toEqual({ resourceUnitsPerMinute: 600 });
    expect(throttleFromEnv({})).toBe(false);
  });
});

describe('Throttle', () => {
  it('charges resource units per user and refills at budget/60 per second', () => {
    let now = 0;
    const t = new Throttle({ resourceUnitsPerMinute: 60 }, () => now);
    for (let i = 0; i < 30; i++) expect(t.charge('a', 2)).toBeUndefined();
    expect(t.charge('a', 2)).toBe(2);
    expect(t.charge('b', 1)).toBeUndefined();
    now += 2000;
    expect(t.charge('a', 2)).toBeUndefined();
    expect(t.charge('a', 1)).toBe(1);
  });
  it('is free when off', () => {
    const t = new Throttle(false);
    for (let i = 0; i < 100; i++) expect(t.charge('a', 5)).toBeUndefined();
  });

  it('sends RateLimit-Limit/-Remaining/-Reset once 80 % of the minute is used, on its injected clock (#10)', () => {
    let now = 1_000_000;
    const t = new Throttle({ resourceUnitsPerMinute: 100 }, () => now);
    for (let i = 0; i < 79; i++) expect(t.chargeWithHeaders('a', 1)).toEqual({});
    // The 80th unit: 80 % used, 20 left, 48 s until the bucket is whole again (80 units at 100/60 s).
    expect(t.chargeWithHeaders('a', 1)).toEqual({ rateLimit: { 'RateLimit-Limit': '100', 'RateLimit-Remaining': '20', 'RateLimit-Reset': '48' } });
    for (let i = 0; i < 20; i++) t.charge('a', 1);
    expect(t.chargeWithHeaders('a', 1)).toEqual({ retryAfter: 1, rateLimit: { 'RateLimit-Limit': '100', 'RateLimit-Remaining': '0', 'RateLimit-Reset': '60' } });
    // Thirty seconds later half the budget is back: below 80 % used, no headers.
    now += 30_000;
    expect(t.chargeWithHeaders('a', 1)).toEqual({});
  });

  it("meters every user of the app against one budget with scope 'app' (SharePoint's per-app limit)", () => {
    const t = new Throttle({ resourceUnitsPerMinute: 10, scope: 'app' }, () => 0);
    for (let i = 0; i < 5; i++) expect(t.charge(`user${i}`, 2)).toBeUndefined();
    expect(t.charge('someone-else', 1)).toBe(6);
    expect(t.config).toEqual({ resourceUnitsPerMinute: 10, scope: 'app' });
  });
});
