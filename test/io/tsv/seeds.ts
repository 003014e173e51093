/** Reads the seed documents (samples/) for the TSV-layout tests (#2). */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import type { ImportResult, Report, Row } from '../../../src/core/model/schema.js';
import type { ImportOptions } from '../../../src/io/types.js';
import { importDocument, toSourceDoc } from '../../../src/io/import.js';

export const SEED_000 = '000_af6c26688b7c18a9.txt';
export const SEED_001 = '001_b3ce7628507eeec6.txt';
export const SEED_002 = '002_2a41778675c87b6f.part.txt';
export const SEED_003 = '003_21f51c2eed719b65.txt';
export const SEED_004 = '004_62afef42a3180ecf.txt';

const SAMPLES = fileURLToPath(new URL('../../../samples/', import.meta.url));

export function seedText(file: string): string {
  return readFileSync(SAMPLES + file, 'utf8');
}

export function importText(file: string, text: string, options: ImportOptions = {}): ImportResult {
  return importDocument(toSourceDoc(file, text), options);
}

export function importSeed(file: string, options: ImportOptions = {}): ImportResult {
  return importText(file, seedText(file), options);
}

/** The row that starts on a source line (throws in the test when absent, naming the line). */
export function rowAt(report: Report, line: number): Row {
  const row = report.rows.find((r) => r.source.line === line);
  if (!row) throw new Error(`no row at line ${line}; rows at ${report.rows.map((r) => r.source.line).join(', ')}`);
  return row;
}

/** Number of narrative entries carrying each tag, over all rows. */
export function tagCounts(reports: readonly Report[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const r of reports) for (const row of r.rows) for (const e of row.entries) if (e.tag) counts[e.tag] = (counts[e.tag] ?? 0) + 1;
  return counts;
}

export function countBy<T>(items: readonly T[], key: (t: T) => string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const t of items) out[key(t)] = (out[key(t)] ?? 0) + 1;
  return out;
}
