import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { importBytes } from '../../src/io/import.js';
import { writeJson } from '../../src/io/json-stream.js';
import { readSeed } from '../fixtures/pdf-text/seeds.js';

const streamed = (value: unknown): { text: string; chunks: number } => {
  const chunks: string[] = [];
  writeJson(value, (c) => chunks.push(c));
  return { text: chunks.join(''), chunks: chunks.length };
};

describe('writeJson (#8 item 5: the import JSON is written in chunks)', () => {
  it('writes exactly JSON.stringify(value, null, 2) for any JSON value', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        expect(streamed(v).text).toBe(JSON.stringify(v, null, 2));
      }),
      { numRuns: 300 },
    );
  });

  it('skips undefined members and writes null for undefined array items, as JSON.stringify does', () => {
    const v = { a: undefined, b: [undefined, 1], c: {}, d: [], e: 'x' };
    expect(streamed(v).text).toBe(JSON.stringify(v, null, 2));
  });

  it('writes the import of 002 identically, in several chunks', () => {
    const result = importBytes('002.txt', new TextEncoder().encode(readSeed('002_2a41778675c87b6f.part.txt')));
    const out = streamed(result);
    expect(out.text).toBe(JSON.stringify(result, null, 2));
    expect(out.chunks).toBeGreaterThan(3);
  });
});
