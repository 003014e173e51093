// `followup report --out` (#12, found trying the CLI as a new user): the file's extension and --format must agree, and
// an unknown extension is a usage error, never a TSV written into report.docx / report.xls; a folder that does not
// exist is named before any Graph request is made.
import { describe, expect, it, vi } from 'vitest';

import { formatOf, reportCommand } from '../../src/cli/commands/report.js';

describe('followup report --out / --format', () => {
  it('takes the format from a known extension, or from --format when they agree', () => {
    expect(formatOf(undefined, 'r.xlsx')).toBe('xlsx');
    expect(formatOf(undefined, 'R.PDF')).toBe('pdf');
    expect(formatOf(undefined, undefined)).toBe('tsv');
    expect(formatOf('html', 'r.htm')).toBe('html');
    expect(formatOf('tsv', undefined)).toBe('tsv');
  });

  it('refuses an unknown extension and a --format that contradicts --out', () => {
    expect(formatOf(undefined, 'report.docx')).toEqual({ error: expect.stringMatching(/report\.docx.*\.xlsx, \.html, \.pdf/) });
    expect(formatOf(undefined, 'report.xls')).toEqual({ error: expect.stringContaining('.xls') });
    expect(formatOf(undefined, 'report')).toEqual({ error: expect.stringContaining('report') });
    expect(formatOf('html', 'report.xlsx')).toEqual({ error: expect.stringMatching(/--format html.*report\.xlsx/) });
    expect(formatOf('docx', undefined)).toEqual({ error: expect.stringContaining('"docx"') });
  });

  it('answers a usage error (exit 2) naming the problem before reading the site', async () => {
    const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      expect(await reportCommand(['--year', '2023', '--layout', 'L-R7', '--out', 'report.docx'])).toBe(2);
      expect(String(err.mock.calls[0]?.[0])).toMatch(/^error: .*report\.docx/);
      err.mockClear();
      expect(await reportCommand(['--year', '2023', '--layout', 'L-R7', '--out', '/nonexistent-redteam/dir/r.xlsx'])).toBe(2);
      expect(String(err.mock.calls[0]?.[0])).toMatch(/^error: .*\/nonexistent-redteam\/dir/);
    } finally {
      err.mockRestore();
    }
  });
});
