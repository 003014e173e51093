/**
 * `npm run package`: the Teams app package (#10). Fills appPackage/manifest.json's placeholders, validates the result
 * offline against the official schema bundled in @microsoft/app-manifest (no network), checks the icons' sizes, and
 * zips manifest.json, color.png and outline.png at the root of appPackage/build/appPackage.zip.
 *
 *   TAB_BASE_URL        where dist/ is served, https (default https://localhost:3000, `npm start`)
 *   AAD_APP_CLIENT_ID   the Entra app registration of the sign-in issue (#13); default: a placeholder id
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';

import { AppManifestUtils } from '@microsoft/app-manifest';
import { zipSync } from 'fflate';

export const APP_PACKAGE_DIR = join(import.meta.dirname, '..', 'appPackage');
/** Placeholder client id until an app registration exists (#13); a tenant sets AAD_APP_CLIENT_ID. */
export const PLACEHOLDER_CLIENT_ID = '00000000-0000-4000-8000-00000000f011';
export const ICONS = { 'color.png': 192, 'outline.png': 32 } as const;

export interface PackageSettings {
  /** https origin plus an optional path, without a trailing slash. */
  tabBaseUrl: string;
  clientId: string;
}

export function settingsFromEnv(env: NodeJS.ProcessEnv = process.env): PackageSettings {
  return { tabBaseUrl: (env.TAB_BASE_URL ?? 'https://localhost:3000').replace(/\/+$/, ''), clientId: env.AAD_APP_CLIENT_ID ?? PLACEHOLDER_CLIENT_ID };
}

/** The manifest with its placeholders filled. @throws Error naming a bad setting or a placeholder left unfilled */
export function buildManifest(settings: PackageSettings, template = readFileSync(join(APP_PACKAGE_DIR, 'manifest.json'), 'utf8')): Record<string, unknown> {
  const url = new URL(settings.tabBaseUrl);
  if (url.protocol !== 'https:') throw new Error(`TAB_BASE_URL must be https (Teams loads tabs over HTTPS only), got ${settings.tabBaseUrl}`);
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(settings.clientId)) throw new Error(`AAD_APP_CLIENT_ID must be a GUID, got ${settings.clientId}`);
  const values: Record<string, string> = { TAB_BASE_URL: settings.tabBaseUrl, TAB_ORIGIN: url.origin, TAB_DOMAIN: url.host, AAD_APP_CLIENT_ID: settings.clientId };
  const filled = template.replace(/\$\{\{(\w+)\}\}/g, (whole, name: string) => values[name] ?? whole);
  const left = /\$\{\{\w+\}\}/.exec(filled);
  if (left) throw new Error(`appPackage/manifest.json: unknown placeholder ${left[0]}`);
  return JSON.parse(filled) as Record<string, unknown>;
}

/** Validates against the bundled v1.x schema named by `$schema`, never fetching it. Returns the schema's complaints. */
export async function validateManifest(manifest: Record<string, unknown>): Promise<string[]> {
  const m = /\/json-schemas\/teams\/(v[\w.]+)\/MicrosoftTeams\.schema\.json$/.exec(String(manifest.$schema));
  if (!m) return [`$schema must name an official Teams manifest schema, got ${String(manifest.$schema)}`];
  const root = dirname(createRequire(import.meta.url).resolve('@microsoft/app-manifest/package.json'));
  const schema = JSON.parse(readFileSync(join(root, 'build', 'json-schemas', 'teams', m[1] as string, 'MicrosoftTeams.schema.json'), 'utf8')) as object;
  // The library's types describe every manifest kind; the schema is the authority here.
  return AppManifestUtils.validateAgainstSchema(manifest as never, schema as never);
}

/** Width and height from a PNG's IHDR chunk. @throws Error when the file is not a PNG */
export function pngSize(png: Uint8Array): { width: number; height: number; colorType: number } {
  const sig = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  if (!sig.every((b, i) => png[i] === b)) throw new Error('not a PNG file');
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  return { width: view.getUint32(16), height: view.getUint32(20), colorType: png[25] ?? -1 };
}

export async function packageTeamsApp(settings: PackageSettings, outDir = join(APP_PACKAGE_DIR, 'build')): Promise<{ zip: string; manifest: Record<string, unknown> }> {
  const manifest = buildManifest(settings);
  const problems = await validateManifest(manifest);
  const files: Record<string, Uint8Array> = { 'manifest.json': new TextEncoder().encode(`${JSON.stringify(manifest, null, 2)}\n`) };
  for (const [name, size] of Object.entries(ICONS)) {
    const png = readFileSync(join(APP_PACKAGE_DIR, name));
    const got = pngSize(png);
    if (got.width !== size || got.height !== size) problems.push(`${name} is ${got.width}×${got.height}, Teams wants ${size}×${size}`);
    files[name] = png;
  }
  if (problems.length > 0) throw new Error(`The Teams app package is not valid:\n  ${problems.join('\n  ')}`);
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, 'manifest.json'), files['manifest.json'] as Uint8Array);
  const zip = join(outDir, 'appPackage.zip');
  // Fixed timestamps: the same inputs give the same zip.
  writeFileSync(zip, zipSync(Object.fromEntries(Object.entries(files).map(([n, d]) => [n, [d, { mtime: new Date('2026-01-01T00:00:00Z') }]]))));
  return { zip, manifest };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const settings = settingsFromEnv();
  try {
    const { zip } = await packageTeamsApp(settings);
    process.stdout.write(`${zip}\n  tab: ${settings.tabBaseUrl}/tab.html, configuration: ${settings.tabBaseUrl}/config.html, client id ${settings.clientId}${settings.clientId === PLACEHOLDER_CLIENT_ID ? ' (placeholder: set AAD_APP_CLIENT_ID, #13)' : ''}\n`);
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  }
}
