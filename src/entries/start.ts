/**
 * `npm start` (#2 interim): serves, on localhost only, a page listing the imported sample documents.
 * The local Graph-compatible service (#3) replaces this with the full embedded default.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';

import { importBytes, mergeResults } from '../io/import.js';

const SAMPLES = join(import.meta.dirname, '..', '..', 'samples');
const port = Number(process.env.PORT ?? 3000);

const esc = (s: string): string => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c] ?? c);

const files = readdirSync(SAMPLES).filter((f) => f.endsWith('.txt')).sort();
const result = mergeResults(files.map((f) => importBytes(f, readFileSync(join(SAMPLES, f)))));
const rows = result.reports
  .map((r) => `<tr><td>${esc(r.source.file)}</td><td>${esc(r.layout)}</td><td>${esc(r.organization ?? '—')}</td><td>${esc(r.cycleLabel ?? '')}</td><td>${r.rows.length}</td><td>${r.issues.length}</td></tr>`)
  .join('');
const html = `<!doctype html><html lang="ja"><meta charset="utf-8"><title>取組計画等のフォローアップ</title>
<h1>取組計画等のフォローアップ — サンプル文書</h1>
<table><thead><tr><th>ファイル</th><th>様式</th><th>府省等</th><th>年度</th><th>行数</th><th>取込課題</th></tr></thead><tbody>${rows}</tbody></table></html>`;

createServer((_req, res) => {
  res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
  res.end(html);
}).listen(port, '127.0.0.1', () => {
  process.stdout.write(`followup: http://localhost:${port}/ (${result.reports.length} reports from ${files.length} sample files)\n`);
});
