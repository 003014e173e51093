import { describe, expect, it } from 'vitest';

import type { Layout, Report, Row } from '../../src/core/model/schema.js';
import { measureR6RoundTrip } from '../../src/io/layouts/r6-compilation-roundtrip.js';
import { renderReports } from '../../src/io/render/index.js';
import { compareCells, measureRoundTrip } from '../../src/io/round-trip.js';
import { importSeed, importText, rowAt, SEED_000, SEED_002, SEED_003, SEED_004, seedText } from './tsv/seeds.js';

const cellAt = (tsv: string, line: number, col: number): string | undefined => tsv.split('\n')[line - 1]?.split('\t')[col];

describe('measureRoundTrip on the TSV seeds', () => {
  for (const seed of [SEED_000, SEED_003, SEED_004]) {
    it(`reproduces at least 99% of the non-empty source cells of ${seed}`, () => {
      const r = measureRoundTrip(seed, seedText(seed));
      expect(r.sourceCells).toBeGreaterThan(60);
      const share = r.reproduced / r.sourceCells;
      expect(share, `misses: ${JSON.stringify(r.misses, null, 1)}`).toBeGreaterThanOrEqual(0.99);
    });
  }

  it('counts the seeds cell by cell: 000 80 cells, 003 316, 004 68', () => {
    expect([SEED_000, SEED_003, SEED_004].map((s) => measureRoundTrip(s, seedText(s)).sourceCells)).toEqual([80, 316, 68]);
  });
});

describe('compareCells', () => {
  it('compares position by position after folding spaces and reports what it missed', () => {
    const r = compareCells('x.txt', 'a\tb  c\n\td', 'a\tb c\nd\t');
    expect(r).toEqual({ file: 'x.txt', sourceCells: 3, reproduced: 2, misses: [{ line: 2, col: 1, expected: 'd', got: '' }] });
  });
});

describe('rendering from the model', () => {
  it('writes a status changed to 実施未定 and its reason into the (A) and (B) cells of the row (003 line 7)', () => {
    const reports = importSeed(SEED_003).reports;
    const row = rowAt(reports[0] as Report, 7);
    row.status = 'undecided';
    row.reasonNotPlanned = '予算措置が未確定のため。';
    const tsv = renderReports(reports, 'L-R2', 'tsv');
    expect(cellAt(tsv, 7, 3)).toBe('実施未定');
    expect(cellAt(tsv, 7, 4)).toBe('予算措置が未確定のため。');
    expect(cellAt(tsv, 7, 5)).toBe(row.narrativeRaw);
    expect(cellAt(tsv, 8, 3)).toBe('実施');
  });

  it('writes a changed indicator value through formatIndicatorCell (000 line 25)', () => {
    const reports = importSeed(SEED_000).reports;
    const row = rowAt(reports[1] as Report, 25);
    const current = row.indicatorValues.find((v) => v.valueKind === 'current');
    if (current) current.valuePercent = 70.1;
    const tsv = renderReports(reports, 'L-R5-OVERVIEW', 'tsv');
    expect(cellAt(tsv, 25, 4)).toBe('目標：30%（令和3年度） 現状：70.1%（令和4年度） 目標設定時：49.4%（令和3年度） ※目標については、令和6年3月に1週間以上の取得率を85%に改正');
  });

  it('writes a changed title and split label from the normalised fields (003 line 68)', () => {
    const reports = importSeed(SEED_003).reports;
    const row = rowAt(reports[0] as Report, 68);
    row.title = '復職者セミナーの実施';
    row.splitKind = '内閣人事局・人事院が実施するものへの派遣';
    const tsv = renderReports(reports, 'L-R2', 'tsv');
    expect(cellAt(tsv, 68, 3)).toBe('復職者セミナーの実施');
    expect(cellAt(tsv, 68, 4)).toBe('(内閣人事局・人事院が実施するものへの派遣) 実施');
  });

  it('puts a row without a source position after its predecessor (004, after 5-1)', () => {
    const reports = importSeed(SEED_004).reports;
    const report = reports[0] as Report;
    const after = rowAt(report, 24);
    const added: Row = {
      ...after,
      key: 'L-R7/5-3',
      markerRaw: '5-3',
      markerNorm: '5-3',
      title: '新しい取組',
      narrativeRaw: '・説明会を開催。',
      narrative: '・説明会を開催。',
      outcomeRaw: null,
      outcome: null,
      sortOrder: after.sortOrder + 1,
      source: { file: SEED_004, line: 0 },
      cells: [],
    };
    for (const r of report.rows) if (r.sortOrder > after.sortOrder) r.sortOrder += 1;
    report.rows.push(added);
    const lines = renderReports(reports, 'L-R7', 'tsv').split('\n');
    expect(lines[24]).toBe('5-3\t新しい取組\t・説明会を開催。\t');
    expect(lines[23]?.startsWith('5-1\t女性の採用の拡大\t')).toBe(true);
    expect(lines[25]?.startsWith('5-2\t女性の登用目標達成に向けた計画的育成\t')).toBe(true);
  });

  it('renders a report built without a source with its title and header rows', () => {
    const report = importSeed(SEED_004).reports[0] as Report;
    const bare: Report = { ...report, rows: report.rows.slice(0, 1).map((r) => ({ ...r, source: { file: 'new', line: 0 }, cells: [] })) };
    const lines = renderReports([bare], 'L-R7', 'tsv').split('\n');
    expect(lines.slice(0, 6)).toEqual([
      '',
      '国家公務員の女性活躍とワークライフバランス推進のための取組指針に基づく取組計画等のフォローアップ',
      '(令和7年度)',
      '',
      '項目\t\t具体的な取組時期・内容\t具体的な成果・課題・今後の取組',
      `1-1. 業務見直し・デジタル化の推進\t\t${bare.rows[0]?.narrativeRaw ?? ''}\t${bare.rows[0]?.outcomeRaw ?? ''}`,
    ]);
  });
});

describe('HTML rendering', () => {
  const html = renderReports(importSeed(SEED_004).reports, 'L-R7', 'html');

  it('renders an accessible table: caption and column headers with scope', () => {
    expect(html).toContain('<caption>国家公務員の女性活躍とワークライフバランス推進のための取組指針に基づく取組計画等のフォローアップ(令和7年度)</caption>');
    expect(html).toContain('<th scope="col">具体的な取組時期・内容</th>');
    expect(html).toContain('<th scope="row">1-1. 業務見直し・デジタル化の推進</th>');
    expect(html.match(/<tr>/g)).toHaveLength(1 + 18);
  });

  it('keeps whitelisted tags without attributes and escapes a literal < (目標数<実績)', () => {
    expect(html).toContain('(目標数&lt;実績)');
    expect(html).not.toContain('<ul style=');
    expect(html).toContain('<ul> ・モバイルPCの1人1台支給');
  });

  it('escapes markup that a user typed into an edited narrative', () => {
    const reports = importSeed(SEED_000).reports;
    const row = rowAt(reports[1] as Report, 35);
    // A user edits the plain narrative; the printed HTML is stale and the value is written escaped, one <p> per line.
    row.narrative = '説明会\n<script>alert(1)</script><b>強調</b>';
    const out = renderReports(reports, 'L-R5-OVERVIEW', 'html');
    expect(out).toContain('<p>説明会</p><p>&lt;script&gt;alert(1)&lt;/script&gt;&lt;b&gt;強調&lt;/b&gt;</p>');
    expect(out).not.toContain('<script>');
    expect(out.match(/<table>/g)).toHaveLength(2);
  });
});

describe('edited values reach the output (reconcileRaw)', () => {
  /** Imports a seed, replaces the narrative (not narrativeRaw) of the row at `line`, and renders it. */
  const editAndRender = (seed: string, layout: Layout, reportIndex: number, line: number, narrative: string): { row: Row; out: string } => {
    const reports = importSeed(seed).reports;
    const row = rowAt(reports[reportIndex] as Report, line);
    row.narrative = narrative;
    return { row, out: renderReports(reports, layout, 'tsv') };
  };
  const narrativeCol = (row: Row): number => row.cells.find((c) => c.role === 'narrative' && c.line === row.source.line)?.col ?? -1;

  it('000: an edited 全体像 narrative (line 35) is printed, not the stale printed text', () => {
    const { row, out } = editAndRender(SEED_000, 'L-R5-OVERVIEW', 1, 35, '【新規】説明会を開催した。');
    expect(narrativeCol(row)).toBe(4);
    expect(cellAt(out, 35, 4)).toBe('【新規】説明会を開催した。');
    // Only the edited cell differs from the source.
    expect(compareCells(SEED_000, seedText(SEED_000), out).misses.map((m) => `${String(m.line)}:${String(m.col)}`)).toEqual(['35:4']);
  });

  it('003: an edited narrative (line 68) is printed; several lines become one <p> each', () => {
    const { row, out } = editAndRender(SEED_003, 'L-R2', 0, 68, '研修を実施。\n参加者 < 30 名 & 満足度 90%');
    const col = narrativeCol(row);
    expect(col).toBeGreaterThan(0);
    expect(cellAt(out, 68, col)).toBe('<p>研修を実施。</p><p>参加者 &lt; 30 名 &amp; 満足度 90%</p>');
    // Read back, the cell gives the edited value.
    expect(rowAt(importText(SEED_003, out).reports[0] as Report, 68).narrative).toBe('研修を実施。\n参加者 < 30 名 & 満足度 90%');
  });

  it('004: an edited narrative of L-R7/1-1 (line 7) is printed in column 2', () => {
    const { row, out } = editAndRender(SEED_004, 'L-R7', 0, 7, '・モバイルPCを支給。');
    expect(row.key).toBe('L-R7/1-1');
    expect(cellAt(out, 7, 2)).toBe('・モバイルPCを支給。');
    expect(cellAt(out, 7, 3)).toContain('事務次官主導の下');
  });

  it('002: an edited Ａ narrative of the first 警察庁 row is printed as its lines', () => {
    const reports = importSeed(SEED_002).reports;
    const police = reports.find((r) => r.organization === '警察庁');
    const row = police?.rows[0];
    if (!row) throw new Error('警察庁 row');
    row.narrative = '・編集後の記載その一\n・編集後の記載その二';
    const out = renderReports(reports, 'L-R6-COMPILATION', 'tsv').split('\n');
    expect(out).toContain('・編集後の記載その一');
    expect(out).toContain('・編集後の記載その二');
    expect(out).not.toContain('・テレワークを実施するための既存の各種資機材等が十分に活用されるよう、各種');
  });

  it('an edited outcome (004 line 7) is printed', () => {
    const reports = importSeed(SEED_004).reports;
    const row = rowAt(reports[0] as Report, 7);
    row.outcome = '取組を継続する。';
    expect(cellAt(renderReports(reports, 'L-R7', 'tsv'), 7, 3)).toBe('取組を継続する。');
  });

  it('keeps every unchanged row byte for byte: 000, 003, 004 and 002 still reproduce 100%', () => {
    for (const seed of [SEED_000, SEED_003, SEED_004]) {
      const r = measureRoundTrip(seed, seedText(seed));
      expect(r.reproduced, seed).toBe(r.sourceCells);
    }
    const r6 = measureRoundTrip(SEED_002, seedText(SEED_002));
    expect(r6.reproduced).toBe(r6.sourceCells);
  });
});

describe('measureRoundTrip dispatch', () => {
  it('measures the 002 compilation with its own measure (measureR6RoundTrip)', () => {
    const text = seedText(SEED_002);
    expect(measureRoundTrip(SEED_002, text)).toEqual(measureR6RoundTrip(SEED_002, text));
  });

  it('reproduces at least 99% of 002, exactly 846 of its 846 non-empty lines', () => {
    const r = measureRoundTrip(SEED_002, seedText(SEED_002));
    expect(r.reproduced / r.sourceCells).toBeGreaterThanOrEqual(0.99);
    expect([r.reproduced, r.sourceCells]).toEqual([846, 846]);
  });
});
