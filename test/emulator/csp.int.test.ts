// #8: one CSP builder; every HTML answer (local sign-in page, the app's pages, its 404 and 503) carries the policy.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { Agent } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { Embedded } from '../../src/entries/embedded.js';
import { appContentSecurityPolicy } from '../../src/entries/web/csp.js';
import { createReportPages } from '../../src/entries/web/pages.js';
import { contentSecurityPolicy, CSP_ORIGINS, M365_FRAME_ANCESTORS } from '../../src/emulator/index.js';
import { startEmbeddedApp } from '../support/embedded-harness.js';
import { startHarness } from './harness.js';

const M365 = M365_FRAME_ANCESTORS.join(' ');

describe('contentSecurityPolicy', () => {
  it('allows scripts from our origin only, plus the origins a page names, never inline', () => {
    expect(contentSecurityPolicy()).toBe(
      "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; connect-src 'self'; frame-src 'none'; form-action 'self'; base-uri 'self'; object-src 'none'; frame-ancestors 'self'",
    );
    expect(contentSecurityPolicy({ styleNonce: 'AAAAAAAAAAAAAAAAAAAAAA==' })).toContain("style-src 'self' 'nonce-AAAAAAAAAAAAAAAAAAAAAA=='; img-src");
    expect(() => contentSecurityPolicy({ styleNonce: "x' 'unsafe-inline" })).toThrow(/nonce/);
    const taskPane = contentSecurityPolicy({ scriptOrigins: [CSP_ORIGINS.officeJs], connectOrigins: [CSP_ORIGINS.graph, CSP_ORIGINS.entra], frameOrigins: [CSP_ORIGINS.entra], frameAncestors: 'm365' });
    expect(taskPane).toContain("script-src 'self' https://appsforoffice.microsoft.com;");
    expect(taskPane).toContain("connect-src 'self' https://graph.microsoft.com https://login.microsoftonline.com;");
    expect(taskPane).toContain('frame-src https://login.microsoftonline.com;');
    expect(taskPane).toContain(`frame-ancestors 'self' ${M365}`);
    expect(taskPane).not.toMatch(/script-src[^;]*unsafe|unsafe-eval/);
  });

  it('names the Teams and Office hosts that frame the tab and the add-in', () => {
    for (const host of ['https://teams.microsoft.com', 'https://*.teams.microsoft.com', 'https://*.cloud.microsoft', 'https://*.office.com', 'https://outlook.office.com', 'https://*.officeapps.live.com', 'https://*.sharepoint.com']) {
      expect(M365_FRAME_ANCESTORS).toContain(host);
    }
  });

  it('refuses anything but a plain https origin, so nothing widens the policy by accident', () => {
    for (const bad of ["'unsafe-inline'", '*', 'http://evil.example', 'https://evil.example; script-src *', 'https:', 'data:', "https://a.example 'unsafe-eval'"]) {
      expect(() => contentSecurityPolicy({ scriptOrigins: [bad] }), bad).toThrow(/not an https origin/);
    }
  });
});

describe('every HTML answer carries the policy', () => {
  let dir: string;
  let embedded: Embedded;
  let agent: Agent;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'csp-'));
    // dist/ is current under `npm test` (it builds first); alone, this builds it once.
    embedded = await startEmbeddedApp(dir, { build: true });
    agent = new Agent({ connect: { ca: embedded.graph.ca } });
  });
  afterAll(async () => {
    await agent.close();
    await embedded.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const get = (path: string): Promise<Response> => fetch(`${embedded.graph.url}${path}`, { dispatcher: agent } as RequestInit);

  it('the local sign-in page: framed by ourselves only, its script served as a file', async () => {
    const r = await get('/_local/signin?returnTo=%2F%3C%2Fscript%3E%3Cscript%3Ealert(1)%3C%2Fscript%3E');
    expect(r.status).toBe(200);
    expect(r.headers.get('content-security-policy')).toBe(contentSecurityPolicy({ frameAncestors: 'self' }));
    expect(r.headers.get('x-content-type-options')).toBe('nosniff');
    const html = await r.text();
    // No inline script: the only <script> element loads /_local/signin.js; the hostile returnTo is inert text.
    expect(html.match(/<script[^>]*>/g)).toEqual(['<script src="/_local/signin.js">']);
    expect(html).toContain('data-return-to="/%3C/script%3E%3Cscript%3Ealert(1)%3C/script%3E"');
    const js = await get('/_local/signin.js');
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(await js.text()).toContain("fetch('/_local/token'");
  });

  it('the app (a fresh style nonce per answer), the report pages and their 404: the one builder, framed by Teams and Office', async () => {
    const app = await get('/');
    expect(app.status).toBe(200);
    const html = await app.text();
    const nonce = /<meta name="csp-nonce" content="([^"]+)">/.exec(html)?.[1] ?? '';
    expect(nonce.length).toBeGreaterThanOrEqual(16);
    expect(app.headers.get('content-security-policy')).toBe(contentSecurityPolicy({ styleNonce: nonce, frameAncestors: 'm365' }));
    expect(appContentSecurityPolicy(nonce)).toBe(contentSecurityPolicy({ styleNonce: nonce, frameAncestors: 'm365' }));
    // Every script is a file of our origin: no inline script element.
    for (const tag of html.match(/<script[^>]*>/g) ?? []) expect(tag).toMatch(/ src="(?![a-z]+:|\/\/)[^"]+"/);
    expect((await get('/')).headers.get('content-security-policy')).not.toContain(nonce);
    for (const [path, status] of [['/reports/soumu%2F2023%2FL-R5-FOCUS', 200], ['/reports/nothing', 404]] as const) {
      const r = await get(path);
      expect(r.status, path).toBe(status);
      expect(r.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(r.headers.get('content-security-policy'), path).toBe(contentSecurityPolicy({ frameAncestors: 'm365' }));
      expect(await r.text()).not.toMatch(/<script/);
    }
    // Non-HTML answers are not pages: the service's 404 is text/plain with nosniff.
    const miss = await get('/nowhere');
    expect(miss.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(miss.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('the page shown while starting (503)', async () => {
    const h = await startHarness({ requestHandler: createReportPages(() => null) });
    try {
      const r = await h.raw('GET', '/reports/x');
      expect(r.status).toBe(503);
      expect(r.headers.get('content-security-policy')).toBe(contentSecurityPolicy({ frameAncestors: 'm365' }));
    } finally {
      await h.close();
    }
  });
});
