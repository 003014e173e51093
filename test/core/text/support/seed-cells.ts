/** Reads exact cells from the seed documents in samples/ (tests assert on the real text, not on copies of it). */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const SAMPLES = fileURLToPath(new URL('../../../../samples/', import.meta.url));

/** The seed file whose name starts with the prefix, e.g. '000'. */
export function seedFile(prefix: string): string {
  const name = readdirSync(SAMPLES).find((f) => f.startsWith(`${prefix}_`));
  if (!name) throw new Error(`no seed ${prefix}_* in ${SAMPLES}`);
  return name;
}

/** Cell `col` (0-based, tab-separated) of 1-based line `line` of a seed. */
export function seedCell(prefix: string, line: number, col: number): string {
  const lines = readFileSync(SAMPLES + seedFile(prefix), 'utf8').split(/\r?\n/);
  const cells = lines[line - 1]?.split('\t');
  const cell = cells?.[col];
  if (cell === undefined) throw new Error(`seed ${prefix} line ${line} has no col ${col}`);
  return cell;
}
