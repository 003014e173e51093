/**
 * LibreOffice headless for the template tests (#11): "another program" opening, editing and saving our workbook.
 * `soffice` is installed on the development machine; .ci/run installs libreoffice-calc-nogui when apt can. Where it
 * is missing the tests that need it are skipped and say so (the closing summary counts them as skipped).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** The soffice binary, or null. */
export function findSoffice(): string | null {
  for (const p of [process.env.SOFFICE_PATH, '/usr/bin/soffice', '/usr/lib/libreoffice/program/soffice', '/opt/libreoffice/program/soffice']) {
    if (p && existsSync(p)) return p;
  }
  const r = spawnSync('sh', ['-c', 'command -v soffice || command -v libreoffice'], { encoding: 'utf8' });
  const found = r.stdout.trim();
  return r.status === 0 && found ? found : null;
}

/** CSV of every sheet, UTF-8, comma, quoted text (LibreOffice 7.2+ writes one `<name>-<sheet>.csv` per sheet). */
export const CSV_ALL_SHEETS = 'csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1';

/**
 * Converts `file` with LibreOffice into `outDir` (`to` is a filter spec such as `fods`, `xlsx` or CSV_ALL_SHEETS).
 * A private profile keeps it from meeting another soffice running on the machine. Returns the written path(s)' stem.
 */
export function convert(soffice: string, file: string, to: string, outDir: string, profileDir: string): string {
  mkdirSync(outDir, { recursive: true });
  const r = spawnSync(soffice, [`-env:UserInstallation=${pathToFileURL(profileDir).href}`, '--headless', '--norestore', '--convert-to', to, '--outdir', outDir, file], { encoding: 'utf8', timeout: 120_000 });
  if (r.status !== 0) throw new Error(`soffice --convert-to ${to} ${file} failed (${r.status}): ${r.stderr || r.stdout}`);
  return join(outDir, basename(file).replace(/\.[^.]+$/, ''));
}

/** RFC 4180 CSV → rows of fields (quoted fields may hold commas, quotes and line breaks). */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += ch;
  }
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

const xml = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/**
 * Edits cells of the row holding `rowKey` in a flat ODF spreadsheet (.fods) as a person would in LibreOffice: the
 * row's cells are expanded (LibreOffice compresses empty runs), the given 0-based cells get new text, the cell
 * styles (text format, validation) stay.
 */
export function editFodsRow(fods: string, rowKey: string, cells: Record<number, string>): string {
  const at = fods.indexOf(`>${xml(rowKey)}<`);
  if (at < 0) throw new Error(`no row ${rowKey} in the document`);
  const start = fods.lastIndexOf('<table:table-row', at);
  const end = fods.indexOf('</table:table-row>', at);
  const open = fods.slice(start, fods.indexOf('>', start) + 1);
  const inner = fods.slice(start + open.length, end);
  const found = inner.match(/<table:(?:covered-)?table-cell\b[^>]*\/>|<table:(?:covered-)?table-cell\b[^>]*>[\s\S]*?<\/table:(?:covered-)?table-cell>/g) ?? [];
  const expanded: string[] = [];
  for (const cell of found) {
    const n = Number(/table:number-columns-repeated="(\d+)"/.exec(cell)?.[1] ?? '1');
    const one = cell.replace(/\s*table:number-columns-repeated="\d+"/, '');
    for (let i = 0; i < Math.min(n, 64); i++) expanded.push(one);
  }
  for (const [index, text] of Object.entries(cells)) {
    const cell = expanded[Number(index)];
    if (cell === undefined) throw new Error(`row ${rowKey} has no cell ${index}`);
    const style = /table:style-name="[^"]*"/.exec(cell)?.[0] ?? '';
    const validation = /table:content-validation-name="[^"]*"/.exec(cell)?.[0] ?? '';
    expanded[Number(index)] = `<table:table-cell ${style} ${validation} office:value-type="string" calcext:value-type="string"><text:p>${xml(text)}</text:p></table:table-cell>`;
  }
  return fods.slice(0, start) + open + expanded.join('') + fods.slice(end);
}
