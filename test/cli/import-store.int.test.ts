// `followup import --store` (found trying the product as a new user: `import` only checked a document, nothing put a
// ministry's own document into the lists but the demo seed at first start). A child process against an in-process
// local service: a clean document is stored once (a second run writes nothing), a document with an error issue is not
// stored at all, and a changed re-import is said to be not stored rather than reported as done.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type GraphFollowUpAdmin } from '../../src/graph/graph-follow-up-store.js';
import { startCliSite, type CliRun, type CliSite } from '../support/cli-site.js';

const ROOT = join(import.meta.dirname, '..', '..');
const SAMPLE = join(ROOT, 'samples', '000_af6c26688b7c18a9.txt');
const SITE = ['--site', 'localhost:/sites/followup'];
let dir: string;
let admin: GraphFollowUpAdmin;
let site: CliSite;

beforeAll(async () => {
  site = await startCliSite('cli-import-store-');
  ({ dir, admin } = site);
}, 60_000);
afterAll(async () => {
  await site?.close();
});

function followup(args: string[]): Promise<CliRun> {
  return site.followup(args);
}

const storedRows = async (orgCode: string): Promise<number> => (await admin.open({ fiscalYear: 2023, orgCode })).rows.length;

describe('npx followup import --store', { timeout: 120_000 }, () => {
  it('stores a clean document (another ministry) once, and a second run writes nothing', async () => {
    const file = join(dir, 'mlit.txt');
    writeFileSync(file, readFileSync(SAMPLE, 'utf8').replaceAll('総務省', '国土交通省'));
    const first = await followup(['import', file, '--store', ...SITE]);
    expect(first.code).toBe(0);
    expect(first.stderr).toContain('stored: mlit/2023/L-R5-OVERVIEW — 15 rows (15 created)');
    expect(first.stderr).toContain('2 of 2 report(s) stored');
    expect(await storedRows('mlit')).toBe(17);
    const again = await followup(['import', file, '--store', ...SITE]);
    expect([again.code, again.stderr]).toEqual([0, expect.stringContaining('already stored: mlit/2023/L-R5-OVERVIEW — 15 rows, nothing written (importing again never changes stored rows)')]);
    // The same ministry's file changed afterwards (an indicator renamed: a row the list does not have): not "stored".
    const changed = join(dir, 'mlit-changed.txt');
    writeFileSync(changed, readFileSync(file, 'utf8').replace('男性職員の「男の産休」', '男性職員の「産休」'));
    const re = await followup(['import', changed, '--store', ...SITE]);
    expect(re.code).toBe(1);
    expect(re.stderr).toMatch(/not stored: mlit\/2023\/L-R5-OVERVIEW — imported before; 1 of this file's 15 rows are not in the list/);
    expect(await storedRows('mlit')).toBe(17);
  });

  it('writes nothing from a document with an error, and wants --store with --site', async () => {
    const file = join(dir, 'bad-era.txt');
    // A share of 143.5 %: a PERCENT_OUT_OF_RANGE error in a 数値 row.
    writeFileSync(file, readFileSync(SAMPLE, 'utf8').replaceAll('総務省', '環境省').replace('現状：43.5%', '現状：143.5%'));
    const bad = await followup(['import', file, '--store', ...SITE]);
    expect(bad.code).toBe(3);
    expect(bad.stderr).toContain('not stored: the errors above must be fixed first; nothing was written to the lists.');
    expect(await storedRows('env')).toBe(0);
    const usage = await followup(['import', file, ...SITE]);
    expect([usage.code, usage.stderr]).toEqual([2, expect.stringMatching(/^error: --site names where --store writes/)]);
  });
});
