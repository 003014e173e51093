/**
 * The importer refuses what is not a document before reading it (#8 item 5): devices, FIFOs, sockets and files over
 * the size limit. Unit tests of readDocumentFile; the CLI is tested as a child process in cli.test.ts.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { MAX_DOCUMENT_BYTES, readDocumentFile } from '../../src/io/read-file.js';

let dir = '';
let server: Server | null = null;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'followup-read-'));
  server = createServer();
  await new Promise<void>((resolve) => server?.listen(join(dir, 'sock'), resolve));
});
afterAll(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  rmSync(dir, { recursive: true, force: true });
});

const codeOf = (path: string, maxBytes?: number): string => {
  const r = readDocumentFile(path, maxBytes === undefined ? {} : { maxBytes });
  return 'issue' in r ? r.issue.code : 'OK';
};

describe('readDocumentFile', () => {
  it('reads a regular file (and one through a symlink) byte for byte', () => {
    const file = join(dir, 'doc.txt');
    writeFileSync(file, '令和6年度\n');
    const link = join(dir, 'link.txt');
    symlinkSync(file, link);
    for (const p of [file, link]) {
      const r = readDocumentFile(p);
      expect('bytes' in r && new TextDecoder().decode(r.bytes)).toBe('令和6年度\n');
    }
  });

  it('refuses a character device (/dev/zero, /dev/null) without reading it', () => {
    const r = readDocumentFile('/dev/zero');
    expect('issue' in r && r.issue).toMatchObject({ severity: 'error', code: 'NOT_A_REGULAR_FILE', file: 'zero', field: 'file', value: '/dev/zero' });
    expect('issue' in r && r.issue.messageEn).toContain('a character device');
    expect(codeOf('/dev/null')).toBe('NOT_A_REGULAR_FILE');
  });

  it('refuses a FIFO at once (a read would block until a writer came)', () => {
    const fifo = join(dir, 'fifo');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    const started = Date.now();
    const r = readDocumentFile(fifo);
    expect(Date.now() - started).toBeLessThan(2000);
    expect('issue' in r && r.issue.messageEn).toContain('a named pipe (FIFO)');
  });

  it('refuses a Unix socket', () => {
    const r = readDocumentFile(join(dir, 'sock'));
    expect('issue' in r && [r.issue.code, r.issue.messageEn.includes('a socket')]).toEqual(['NOT_A_REGULAR_FILE', true]);
  });

  it('refuses a sparse file over the limit by its size, and says the limit', () => {
    const big = join(dir, 'big.txt');
    const fd = openSync(big, 'w');
    closeSync(fd);
    spawnSync('truncate', ['-s', String(MAX_DOCUMENT_BYTES + 1), big]);
    const r = readDocumentFile(big);
    expect('issue' in r && r.issue).toMatchObject({ code: 'FILE_TOO_LARGE', value: big });
    expect('issue' in r && r.issue.message).toContain('上限 20.0 MB');
    // Exactly at the limit is accepted.
    spawnSync('truncate', ['-s', String(MAX_DOCUMENT_BYTES), big]);
    expect(codeOf(big)).toBe('OK');
  });

  it('refuses a file that holds more bytes than its size says (read bounded by the limit)', () => {
    // /proc files report size 0 but have content; with a 16-byte limit the read itself must stop.
    expect(codeOf('/proc/self/status', 16)).toBe('FILE_TOO_LARGE');
    expect(codeOf('/proc/self/status')).toBe('OK');
  });

  it('names a directory and a missing path as before', () => {
    expect(codeOf(dir)).toBe('NOT_A_FILE');
    expect(codeOf(join(dir, 'missing.txt'))).toBe('FILE_NOT_FOUND');
    expect(codeOf(join(dir, 'doc.txt', 'below-a-file'))).toBe('FILE_NOT_FOUND');
  });
});
