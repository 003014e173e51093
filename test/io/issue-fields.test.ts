import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import { describe, expect, it } from 'vitest';

import type { ImportIssue } from '../../src/core/model/schema.js';
import { importSeed } from './tsv/seeds.js';

const SAMPLES = readdirSync(fileURLToPath(new URL('../../samples/', import.meta.url)))
  .filter((f) => f.endsWith('.txt'))
  .sort();

/**
 * Every issue names file, line, field and reason (#2). Excepted: the dispatcher's file-level issues about the file as
 * a whole — EMPTY_FILE, BINARY_FILE, UNKNOWN_DOCUMENT, IMPORTER_FAILED (and INVALID_MODEL when zod gives no path) —
 * which carry no field; NOT_UTF8 and TRUNCATED_FILE name 'encoding'. None of them is raised on the samples.
 */
describe('issue fields over the five samples', () => {
  const results = SAMPLES.map((file) => ({ file, result: importSeed(file) }));
  const issues: ImportIssue[] = results.flatMap(({ result }) => [...result.reports.flatMap((r) => r.issues), ...result.plans.flatMap((p) => p.issues)]);

  it('imports the five samples with no file-level issue', () => {
    expect(SAMPLES).toHaveLength(5);
    expect(results.flatMap(({ result }) => result.issues)).toEqual([]);
  });

  it('gives every report and plan issue a file, line, non-empty field and a message in both languages', () => {
    expect(issues.length).toBeGreaterThan(100);
    const without = issues.filter((i) => !i.field || !i.file || !i.message || !i.messageEn).map((i) => `${i.file}:${String(i.line)} ${i.code}`);
    expect(without).toEqual([]);
    expect(issues.filter((i) => i.line === 0).map((i) => i.code)).toEqual([]);
  });

  it('names the field the formerly unplaced codes concern', () => {
    const fieldsOf = (code: string): string[] => [...new Set(issues.filter((i) => i.code === code).map((i) => i.field ?? ''))].sort();
    expect(fieldsOf('STRAY_FRAGMENT')).toEqual(['cells']);
    expect(fieldsOf('SHIFTED_CELLS')).toEqual(['title']);
    expect(fieldsOf('MERGED_KIND_NAME')).toEqual(['title']);
    expect(fieldsOf('OCR_7_AS_A')).toEqual(['markerRaw']);
    expect(fieldsOf('OCR_I_AS_I')).toEqual(['markerRaw']);
    expect(fieldsOf('MERGED_MARKER_TITLE')).toEqual(['markerRaw']);
    expect(fieldsOf('SPLIT_MARKER')).toEqual(['markerRaw']);
    expect(fieldsOf('MERGED_SPLIT_STATUS')).toEqual(['status']);
    expect(fieldsOf('NON_CP932_CHAR')).toEqual(['narrative']);
    expect(fieldsOf('GARBLED_MAJOR_ITEM')).toEqual(['majorItem']);
    expect(fieldsOf('CELL_DRIFT')).toEqual(['indicatorValues', 'markerRaw', 'status', 'title']);
    expect(fieldsOf('DISPLACED_HEADING')).toEqual(['sections']);
  });
});
