import { describe, expect, it } from 'vitest';

import { importBytes } from '../../src/io/import.js';

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);

describe('importBytes on bad input', () => {
  it('reports an empty file as EMPTY_FILE with the file name and emits nothing', () => {
    const r = importBytes('empty.txt', new Uint8Array());
    expect(r.reports).toEqual([]);
    expect(r.issues).toHaveLength(1);
    expect(r.issues[0]).toMatchObject({ severity: 'error', code: 'EMPTY_FILE', file: 'empty.txt' });
  });

  it('reports a whitespace-only file as EMPTY_FILE', () => {
    expect(importBytes('blank.txt', utf8(' \n\t\n')).issues[0]?.code).toBe('EMPTY_FILE');
  });

  it('reports a binary file as BINARY_FILE', () => {
    const r = importBytes('x.xlsx', new Uint8Array([0x50, 0x4b, 0x03, 0x04, 0x00, 0x00, 0x08]));
    expect(r.issues[0]).toMatchObject({ code: 'BINARY_FILE', file: 'x.xlsx' });
  });

  it('reports Shift_JIS bytes as NOT_UTF8', () => {
    // 「実施」 in Shift_JIS
    const r = importBytes('sjis.txt', new Uint8Array([0x8e, 0xc0, 0x8e, 0x7b]));
    expect(r.issues[0]?.code).toBe('NOT_UTF8');
  });

  it('reports an unrelated document as UNKNOWN_DOCUMENT on line 1', () => {
    const r = importBytes('memo.txt', utf8('会議メモ\n明日の予定\tなし\n'));
    expect(r.reports).toEqual([]);
    expect(r.issues[0]).toMatchObject({ code: 'UNKNOWN_DOCUMENT', line: 1 });
  });
});
