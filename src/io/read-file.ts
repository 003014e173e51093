/**
 * Opening a path for import (#8 item 5): refuse what is not a document BEFORE reading it, then read at most the size
 * limit. Devices (`/dev/zero` never ends), FIFOs (a read blocks until a writer comes), sockets and huge files are
 * refused with one file-level issue, so the importer never sees them and the process neither hangs nor grows.
 *
 * Node only (node:fs); the pure import lives in import.ts and takes bytes.
 */
import { closeSync, constants, fstatSync, openSync, readSync, type Stats, statSync } from 'node:fs';
import { basename } from 'node:path';

import type { ImportIssue } from '../core/model/schema.js';

/**
 * Largest file the importer reads: 20 MB. The largest real document is 55 KB (002's first 14 府省等; the full
 * compilation of 27 府省等 is about twice that), so the limit leaves two orders of magnitude of headroom while keeping
 * the importer's memory bounded (README: peak memory under 150 MB + 10 × the file size).
 */
export const MAX_DOCUMENT_BYTES = 20 * 1024 * 1024;

export type ReadDocumentResult = { bytes: Uint8Array } | { issue: ImportIssue };

const MB = 1024 * 1024;

function fileIssue(path: string, code: string, message: string, messageEn: string): ImportIssue {
  return { severity: 'error', code, file: basename(path) || path, line: 0, field: 'file', value: path, message, messageEn };
}

/** What kind of non-regular file a stat describes, in Japanese and English. */
function kindOf(st: Stats): { ja: string; en: string } {
  if (st.isFIFO()) return { ja: '名前付きパイプ（FIFO）', en: 'a named pipe (FIFO)' };
  if (st.isSocket()) return { ja: 'ソケット', en: 'a socket' };
  if (st.isCharacterDevice()) return { ja: 'キャラクタデバイス', en: 'a character device' };
  if (st.isBlockDevice()) return { ja: 'ブロックデバイス', en: 'a block device' };
  return { ja: '特殊ファイル', en: 'a special file' };
}

const sizeText = (bytes: number): string => `${(bytes / MB).toFixed(1)} MB`;

/** The issue for a stat that is not a readable document, or null when it is a regular file within the limit. */
function refuse(path: string, st: Stats, maxBytes: number): ImportIssue | null {
  if (st.isDirectory()) {
    return fileIssue(path, 'NOT_A_FILE', `${path}: ディレクトリです。取り込む文書ファイルを指定してください。`, `${path}: is a directory; give the document files to import.`);
  }
  if (!st.isFile()) {
    const k = kindOf(st);
    return fileIssue(
      path,
      'NOT_A_REGULAR_FILE',
      `${path}: 通常のファイルではありません（${k.ja}）。読み込まずに中止しました。取り込む文書ファイルを指定してください。`,
      `${path}: is not a regular file (${k.en}); refused without reading it. Give a document file to import.`,
    );
  }
  if (st.size > maxBytes) {
    return tooLarge(path, `${sizeText(st.size)}`, maxBytes);
  }
  return null;
}

function tooLarge(path: string, size: string, maxBytes: number): ImportIssue {
  return fileIssue(
    path,
    'FILE_TOO_LARGE',
    `${path}: ファイルが大きすぎます（${size}、上限 ${sizeText(maxBytes)}）。取組計画等のフォローアップの文書は通常 100 KB 未満です。読み込まずに中止しました。`,
    `${path}: the file is too large (${size}; the limit is ${sizeText(maxBytes)}). Follow-up documents are usually under 100 KB; refused without reading it.`,
  );
}

function errorCode(error: unknown): string {
  return typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : '';
}

/**
 * Reads a document file for import. Checks the path with stat (no open, so a FIFO or a device is never opened), opens
 * it non-blocking and checks the opened descriptor again (the path may have been swapped in between), then reads at
 * most `maxBytes + 1` bytes: a file that grows past the limit while it is read (or a /proc file whose size says 0) is
 * refused too. Never throws; every refusal is one error issue naming the path.
 */
export function readDocumentFile(path: string, options: { maxBytes?: number } = {}): ReadDocumentResult {
  const maxBytes = options.maxBytes ?? MAX_DOCUMENT_BYTES;
  let fd: number | null = null;
  try {
    const before = refuse(path, statSync(path), maxBytes);
    if (before) return { issue: before };
    // O_NONBLOCK: opening a FIFO that replaced the file after the stat returns at once instead of waiting for a writer.
    // (O_NONBLOCK is undefined on Windows, where FIFOs are not files.)
    fd = openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
    const st = fstatSync(fd);
    const after = refuse(path, st, maxBytes);
    if (after) return { issue: after };
    const buffer = Buffer.allocUnsafe(Math.min(maxBytes + 1, Math.max(st.size, 64 * 1024)));
    let bytes = buffer;
    let length = 0;
    for (;;) {
      if (length === bytes.length) {
        if (bytes.length > maxBytes) return { issue: tooLarge(path, `${sizeText(maxBytes)} 超 / over ${sizeText(maxBytes)}`, maxBytes) };
        const grown = Buffer.allocUnsafe(Math.min(maxBytes + 1, bytes.length * 2));
        bytes.copy(grown, 0, 0, length);
        bytes = grown;
      }
      const n = readSync(fd, bytes, length, bytes.length - length, null);
      if (n === 0) break;
      length += n;
    }
    if (length > maxBytes) return { issue: tooLarge(path, `${sizeText(maxBytes)} 超 / over ${sizeText(maxBytes)}`, maxBytes) };
    return { bytes: bytes.subarray(0, length) };
  } catch (error) {
    const code = errorCode(error);
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      return { issue: fileIssue(path, 'FILE_NOT_FOUND', `${path}: ファイルが見つかりません。`, `${path}: no such file.`) };
    }
    if (code === 'ENXIO') {
      // open() of a Unix socket path fails with ENXIO when the stat raced with its creation.
      return { issue: fileIssue(path, 'NOT_A_REGULAR_FILE', `${path}: 通常のファイルではありません。`, `${path}: is not a regular file.`) };
    }
    const why = error instanceof Error ? error.message : String(error);
    return { issue: fileIssue(path, 'READ_FAILED', `${path}: ファイルを読めません（${why}）。`, `${path}: cannot read the file (${why}).`) };
  } finally {
    if (fd !== null) closeSync(fd);
  }
}
