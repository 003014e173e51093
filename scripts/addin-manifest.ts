/**
 * `npm run manifest`: manifest/manifest.xml for another origin than https://localhost:3000 (#11), written to
 * manifest/build/manifest.xml. ADDIN_BASE_URL=https://followup.example.go.jp/wlb (a tenant's web server), or
 * PORT=3160 for `npm start` on another port. Every URL of the manifest moves; nothing else changes.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const MANIFEST = join(import.meta.dirname, '..', 'manifest', 'manifest.xml');
export const DEFAULT_ORIGIN = 'https://localhost:3000';

/** The manifest with every `https://localhost:3000` replaced by `baseUrl` (https only: Office refuses anything else). */
export function manifestFor(baseUrl: string, xml = readFileSync(MANIFEST, 'utf8')): string {
  const base = baseUrl.replace(/\/+$/, '');
  if (!/^https:\/\/[^/\s"<>]+(\/[^\s"<>]*)?$/.test(base)) throw new Error(`ADDIN_BASE_URL must be an https URL (Office loads add-ins over https only), got ${baseUrl}`);
  return xml.split(DEFAULT_ORIGIN).join(base);
}

/** Every URL the manifest names, and each image with its declared size (bt:Image size, IconUrl 32, HighResolutionIconUrl 64). */
export function manifestUrls(text: string): { urls: string[]; images: { url: string; size: number }[] } {
  const urls = [...new Set([...text.matchAll(/"(https?:\/\/[^"]+)"/g)].map((m) => m[1] as string))];
  const ids = new Map([...text.matchAll(/<bt:Image id="([^"]+)" DefaultValue="([^"]+)"/g)].map((m) => [m[1] as string, m[2] as string]));
  const images = [...text.matchAll(/<bt:Image size="(\d+)" resid="([^"]+)"/g)].map((m) => ({ url: ids.get(m[2] as string) ?? '', size: Number(m[1]) }));
  const icon = /<IconUrl DefaultValue="([^"]+)"/.exec(text)?.[1];
  const high = /<HighResolutionIconUrl DefaultValue="([^"]+)"/.exec(text)?.[1];
  if (icon) images.push({ url: icon, size: 32 });
  if (high) images.push({ url: high, size: 64 });
  return { urls, images };
}

if (process.argv[1] && import.meta.filename === process.argv[1]) {
  const base = process.env.ADDIN_BASE_URL ?? `https://localhost:${process.env.PORT ?? '3000'}`;
  const out = join(import.meta.dirname, '..', 'manifest', 'build', 'manifest.xml');
  mkdirSync(join(out, '..'), { recursive: true });
  writeFileSync(out, manifestFor(base));
  process.stdout.write(`${out}: every URL on ${base}\n`);
}
