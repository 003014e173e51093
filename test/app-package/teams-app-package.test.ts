import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { unzipSync } from 'fflate';
import { afterAll, describe, expect, it } from 'vitest';

import { buildManifest, ICONS, packageTeamsApp, pngSize, validateManifest } from '../../scripts/package-teams-app.js';

const out = mkdtempSync(join(tmpdir(), 'teams-package-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

const TENANT = { tabBaseUrl: 'https://followup.example.go.jp/wlb', clientId: '2b1f4c7d-1234-4abc-8def-0123456789ab' };

describe('the Teams app package', () => {
  it('validates offline against the official v1.30 schema, with a configurable and a personal tab', async () => {
    const manifest = buildManifest({ tabBaseUrl: 'https://localhost:3000', clientId: TENANT.clientId });
    expect(await validateManifest(manifest)).toEqual([]);
    expect(manifest.manifestVersion).toBe('1.30');
    expect(manifest.configurableTabs).toEqual([{ configurationUrl: 'https://localhost:3000/config.html', canUpdateConfiguration: true, scopes: ['team'], context: ['channelTab'] }]);
    expect((manifest.staticTabs as { contentUrl: string; scopes: string[] }[])[0]).toMatchObject({ contentUrl: 'https://localhost:3000/tab.html?view=personal', scopes: ['personal'] });
    expect(manifest.validDomains).toEqual(['localhost:3000']);
  });

  it('is refused by the schema when a required field is missing or a URL is not http(s)', async () => {
    const manifest = buildManifest(TENANT);
    delete manifest.accentColor;
    (manifest.configurableTabs as { configurationUrl: string }[])[0]!.configurationUrl = 'ftp://x/config.html';
    const problems = await validateManifest(manifest);
    expect(problems.join('\n')).toMatch(/accentColor/);
    expect(problems.join('\n')).toMatch(/configurationUrl|pattern/);
  });

  it('points every URL at the tenant host and carries webApplicationInfo for the sign-in issue (#13)', () => {
    const manifest = buildManifest(TENANT);
    const text = JSON.stringify(manifest);
    expect(text).not.toContain('localhost');
    expect(manifest.validDomains).toEqual(['followup.example.go.jp']);
    expect(manifest.webApplicationInfo).toEqual({
      id: TENANT.clientId,
      resource: `api://followup.example.go.jp/${TENANT.clientId}`,
      nestedAppAuthInfo: [{ redirectUri: 'https://followup.example.go.jp', scopes: ['https://graph.microsoft.com/Sites.Selected'] }],
    });
  });

  it('refuses an http base URL and a client id that is not a GUID', () => {
    expect(() => buildManifest({ ...TENANT, tabBaseUrl: 'http://followup.example.go.jp' })).toThrow(/https/);
    expect(() => buildManifest({ ...TENANT, clientId: 'my-app' })).toThrow(/GUID/);
  });

  it('zips manifest.json and both icons at the root, icons at their sizes', async () => {
    const { zip } = await packageTeamsApp(TENANT, out);
    const files = unzipSync(readFileSync(zip));
    expect(Object.keys(files).sort()).toEqual(['color.png', 'manifest.json', 'outline.png']);
    for (const [name, size] of Object.entries(ICONS)) expect(pngSize(files[name] as Uint8Array)).toEqual({ width: size, height: size, colorType: 6 });
    expect(JSON.parse(new TextDecoder().decode(files['manifest.json']))).toEqual(buildManifest(TENANT));
  });
});
