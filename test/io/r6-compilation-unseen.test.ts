/**
 * The compilation importer on 府省等 it was not built on (#9): our own sections (test/fixtures/compilation), one per
 * class of text the issue reports, each as a complete file. Exact values: every pairing, every reference, the issues.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { afterAll, describe, expect, it } from 'vitest';

import { ImportResult, type Report } from '../../src/core/model/schema.js';
import { importDocument, toSourceDoc } from '../../src/io/import.js';
import { measureR6RoundTrip } from '../../src/io/layouts/r6-compilation-roundtrip.js';
import { buildCompilations, lastMarkerRuleRight, MARKER_PLACES, scoreAttribution } from '../fixtures/compilation/compilations.js';
import { buildCorpus, onlyReport, scoreReport } from '../fixtures/compilation/corpus.js';
import { A_WIDTH, B_WIDTH, F_WIDTH, layoutDocument, type PrintedRow, type Section, truthOf, wrap, wrapCell } from '../fixtures/compilation/layout.js';
import { perturb } from '../fixtures/compilation/perturb.js';
import { OWN_SECTIONS } from '../fixtures/compilation/own-sections.js';

const own = (name: string): Section => {
  const s = OWN_SECTIONS.find((x) => x.organization === name);
  if (!s) throw new Error(name);
  return s;
};
const importSections = (sections: Section[]): ImportResult => importDocument(toSourceDoc('unseen.txt', layoutDocument(sections)));
const single = (name: string): Report => {
  const r = importSections([own(name)]).reports[0];
  if (!r) throw new Error(`no report for ${name}`);
  return r;
};
const refsOf = (r: Report): [string | null, string][][] => r.rows.map((row) => row.guidelineRefs.map((g) => [g.nodeId, g.resolution]));
const codes = (r: Report, severity: 'error' | 'warning' | 'info'): string[] => r.issues.filter((i) => i.severity === severity).map((i) => i.code);

describe('unseen 府省等, each as printed in its own complete file', () => {
  for (const section of OWN_SECTIONS) {
    it(`${section.marker}: every row with its 重点項目 and references, no error`, () => {
      const r = single(section.organization);
      const truth = truthOf(section);
      expect(r.rows.map((row) => row.focusItem)).toEqual(truth.map((t) => t.focus));
      const keys = r.rows.map((row) => row.guidelineRefs.map((g) => g.nodeId ?? (g.resolution === 'plan-specific' ? 'plan' : g.resolution)));
      expect(keys).toEqual(truth.map((t) => t.refs));
      expect(r.organizationCode).toBe(section.code);
      expect(codes(r, 'error')).toEqual([]);
    });
  }
});

describe('the classes of text that went wrong on unseen 府省等 (#9)', () => {
  it('1: Ｂ quoting guideline headings in 「…」 without a part numeral (法務省): references, not narrative', () => {
    const r = single('法務省');
    expect(refsOf(r)).toEqual([
      [['G2024:Ⅱ-4-(2)-①', 'exact']],
      [['G2024:Ⅱ-2-(2)', 'structural']],
      [['G2024:Ⅱ-3-(1)', 'exact']],
      [['G2024:Ⅱ-4-(1)', 'title-match']],
    ]);
    expect(r.rows.every((row) => !(row.narrative ?? '').includes('ワークライフバランスの推進のための働き方改革'))).toBe(true);
    expect(r.issues.filter((i) => /TRUNCATED|INCOMPLETE|MISSING/.test(i.code))).toEqual([]);
  });

  it('2: Ｂ as labelled bullet blocks (文部科学省): one reference per block', () => {
    const r = single('文部科学省');
    expect(refsOf(r)[0]).toEqual([
      ['G2024:Ⅱ-1-(1)-③', 'exact'],
      ['G2024:Ⅱ-1-(1)-⑤', 'exact'],
    ]);
    expect(r.rows[0]?.guidelineRefsRaw?.split('\n')[0]).toBe('・業務見直し');
    expect(r.rows[0]?.narrative).not.toContain('・業務見直し\n');
  });

  it('3: Ｂ split by a page (with the next page’s 重点項目 between) and by a blank line (厚生労働省)', () => {
    const r = single('厚生労働省');
    expect(refsOf(r)).toEqual([
      [
        ['G2024:Ⅱ-1-(3)-①', 'structural'],
        ['G2024:Ⅱ-1-(3)-②', 'structural'],
        ['G2024:Ⅱ-1-(3)-③', 'structural'],
      ],
      [['G2024:Ⅱ-2-(2)', 'structural']],
      [['G2024:Ⅱ-3-(3)', 'structural']],
      [['G2024:Ⅲ-2', 'exact']],
    ]);
    // The pieces of each Ｂ cell stay one cell; no piece became a 重点項目.
    expect(r.focusItems.map((f) => f.name)).toEqual(['国会対応業務の負担軽減', '勤務間インターバルの確保', '職員のエンゲージメント向上', '女性職員の登用拡大に向けた育成']);
    expect(r.rows[2]?.guidelineRefsRaw).toBe('Ⅱ「ワークライフバランスの推進のため\nの働き方改革」\n３．マネジメント改革\n（３）');
  });

  it('4: rows quoting another 重点項目 word for word, printed in another order (農林水産省): paired by content', () => {
    const r = single('農林水産省');
    expect(r.rows.map((row) => row.focusItem)).toEqual(['会議運営の効率化', 'ペーパーレス化の推進', '若手職員の意見を活かした職場づくり']);
    expect(r.issues.find((i) => i.code === 'FOCUS_ORDER_MISMATCH')?.severity).toBe('warning');
    // Every pairing of a section whose order differs is named for review, with its confidence.
    const pairing = r.issues.filter((i) => i.code === 'FOCUS_PAIRING');
    expect(pairing.map((i) => i.rowKey)).toEqual(r.rows.map((row) => row.key));
    for (const i of pairing) expect(i.proposal?.confidence).toBeGreaterThanOrEqual(0);
  });

  it('5: a lone guideline heading among the 重点項目 (経済産業省) is no 重点項目 and shifts nothing', () => {
    const r = single('経済産業省');
    expect(r.focusItems.map((f) => f.name)).not.toContain('３．マネジメント改革');
    expect(r.rows.map((row) => row.focusItem)).toEqual(truthOf(own('経済産業省')).map((t) => t.focus));
    expect(r.issues.find((i) => i.code === 'SECTION_HEADING_LINE')).toMatchObject({ severity: 'info', value: '３．マネジメント改革', field: 'focusItem' });
    // Its first Ａ text shares no words with its 重点項目 (ＲＰＡ, 電子決裁 for デジタル化): read alone, the Ａ column would
    // swap rows 1 and 3, so those two pairings (right, by their Ｂ references) go to review and say so.
    expect(codes(r, 'warning')).toEqual(['FOCUS_PAIRING', 'FOCUS_PAIRING']);
    expect(r.issues.filter((i) => i.severity === 'warning').map((i) => [i.rowKey, i.value])).toEqual([
      ['L-R6-COMPILATION/FOCUS/1', '省内業務のデジタル化'],
      ['L-R6-COMPILATION/FOCUS/3', 'マネジメント研修の充実'],
    ]);
    expect(r.issues.find((i) => i.rowKey === 'L-R6-COMPILATION/FOCUS/1')?.message).toContain('Ａ欄の内容は重点項目「マネジメント研修の充実」を示しています');
    expect(r.cells?.find((c) => c.role === 'headingLine')?.text).toBe('３．マネジメント改革');
  });

  it('6: a 府省等 printed with its secretariat is known; an unknown name is kept with a warning', () => {
    const r = single('原子力規制委員会');
    expect(r).toMatchObject({ organization: '原子力規制委員会原子力規制庁', organizationCode: 'nra', key: 'L-R6-COMPILATION/2024/nra' });
    expect(r.issues.find((i) => i.code === 'ORGANIZATION_VARIANT')).toMatchObject({ severity: 'info', proposal: { value: '原子力規制委員会', confidence: 1 } });
    const unknown = importSections([{ ...own('環境省'), marker: '架空環境庁' }]).reports[0];
    expect(unknown).toMatchObject({ organization: '架空環境庁', organizationCode: null });
    expect(unknown?.rows).toHaveLength(3);
    expect(unknown?.issues.find((i) => i.code === 'UNKNOWN_ORGANIZATION')?.severity).toBe('warning');
  });

  it('6: a row citing its plan (国土交通省 `取組計画`) is plan-specific, not a guideline path', () => {
    expect(refsOf(single('国土交通省')).map((r) => r.map(([, res]) => res))).toEqual([['plan-specific'], ['plan-specific'], ['plan-specific'], ['exact'], ['plan-specific']]);
  });
});

describe('contradicting evidence: never confidently wrong (#9, the 内閣官房 failure class written anew)', () => {
  const printed = (focus: string, a: string[], b: string[], refs: string[]): PrintedRow => {
    const pa = wrapCell(a, A_WIDTH);
    return { a: pa, b: wrapCell(b, B_WIDTH), f: wrap(focus, F_WIDTH), truth: { focus, aStart: pa.join('').slice(0, 20), refs } };
  };
  // A 府省等 whose Ｂ cells cite each other's guideline sections: the Ａ texts say one pairing, the Ｂ cells the other.
  const crossed: Section = {
    marker: '架空調整庁',
    organization: '架空調整庁',
    code: null,
    layout: {},
    rows: [
      printed(
        '超過勤務の縮減',
        ['【継続】', '超過勤務の事前命令と勤務時間管理システムの記録を毎月突合し、縮減目標に届かない課室に改善計画を求めた。'],
        ['Ⅱ．４．（３）両立支援制度の利用と育児休業取得中・復職後の支援'],
        ['G2024:Ⅱ-4-(3)'],
      ),
      printed(
        '育児休業取得中・復職後の支援',
        ['【継続】', '育児休業中の職員に庁内の情報を月１回送り、復職前に上司と面談する機会を設けた。'],
        ['Ⅱ．２．（２）的確な勤務時間管理による超過勤務縮減と勤務間インターバルの確保等'],
        ['G2024:Ⅱ-2-(2)'],
      ),
    ],
  };

  it('Ｂ cells citing each other: paired by the Ａ text, both rows warned, the warning names what the Ｂ cell points to', () => {
    const r = importSections([crossed]).reports[0];
    expect(r?.rows.map((row) => row.focusItem)).toEqual(['超過勤務の縮減', '育児休業取得中・復職後の支援']);
    const pairing = r?.issues.filter((i) => i.code === 'FOCUS_PAIRING') ?? [];
    expect(pairing.map((i) => [i.severity, i.rowKey])).toEqual([
      ['warning', 'L-R6-COMPILATION/FOCUS/1'],
      ['warning', 'L-R6-COMPILATION/FOCUS/2'],
    ]);
    expect(pairing[0]?.message).toContain('Ｂ欄（該当箇所）は重点項目「育児休業取得中・復職後の支援」を示しています');
    expect(pairing[0]?.proposal?.confidence).toBeLessThan(0.6);
    expect(r?.rows.map((row) => row.guidelineRefs.map((g) => g.nodeId))).toEqual([['G2024:Ⅱ-4-(3)'], ['G2024:Ⅱ-2-(2)']]);
  });

  it('every own 府省等 with Ｂ cells citing a neighbour or an Ａ text mentioning one: each wrong pairing carries a warning', () => {
    let wrong = 0;
    let contradicted = 0;
    for (const section of OWN_SECTIONS) {
      for (const kind of ['b-cites-neighbour', 'a-quotes-neighbour'] as const) {
        for (const seed of [1, 2]) {
          const s = perturb(section, kind, seed);
          const doc = { id: `${section.organization}/${kind}/${String(seed)}`, unit: section.organization, source: 'own' as const, perturbation: kind, text: layoutDocument([s]), section: s };
          const result = importDocument(toSourceDoc('doc.txt', doc.text));
          const o = scoreReport(doc, onlyReport(result), result.issues, () => null);
          expect(o.errorCodes, doc.id).toEqual([]);
          for (const row of o.rows) {
            if (!row.correct) wrong++;
            expect(row.correct || row.warned, `${doc.id}: ${row.expectedFocus} → ${String(row.gotFocus)}`).toBe(true);
          }
          contradicted += result.reports[0]?.issues.filter((i) => i.code === 'FOCUS_PAIRING' && i.message.includes('ただし')).length ?? 0;
        }
      }
    }
    // The copies do mislead the importer (else this test would prove nothing), and the contradictions are named.
    expect(wrong).toBeGreaterThan(5);
    expect(contradicted).toBeGreaterThan(wrong);
  });
});

describe('complete files import cleanly; truncation needs positive evidence (#9)', () => {
  const all = layoutDocument(OWN_SECTIONS);

  it('all ten of our 府省等 in one file: no error, every pairing right', () => {
    const result = importDocument(toSourceDoc('unseen.txt', all));
    expect(result.reports.map((r) => r.organizationCode)).toEqual(OWN_SECTIONS.map((s) => s.code));
    expect(result.reports.flatMap((r) => codes(r, 'error'))).toEqual([]);
    result.reports.forEach((r, k) => expect(r.rows.map((row) => row.focusItem)).toEqual(truthOf(OWN_SECTIONS[k] as Section).map((t) => t.focus)));
  });

  it('cut in the middle of the last section’s Ａ sentence: the cut is named', () => {
    const cut = all.slice(0, all.indexOf('書面検査の一部を') + 6);
    const last = importDocument(toSourceDoc('unseen.txt', cut)).reports.at(-1);
    expect(last?.organization).toBe('会計検査院');
    expect(codes(last as Report, 'error')).toContain('SECTION_INCOMPLETE');
    expect(codes(last as Report, 'error')).toContain('NARRATIVE_TRUNCATED');
  });

  it('ending after a section’s last 重点項目 (a complete file of fewer 府省等): no truncation alarm', () => {
    const cut = all.slice(0, all.indexOf('【府省等名：防衛省】') - 1);
    const result = importDocument(toSourceDoc('unseen.txt', cut));
    expect(result.reports.at(-1)?.organization).toBe('環境省');
    expect(result.reports.flatMap((r) => r.issues).filter((i) => i.severity === 'error')).toEqual([]);
  });

  it('renders our ten 府省等 back losslessly (every printed line, the heading line included)', () => {
    const r = measureR6RoundTrip('unseen.txt', all);
    expect(r.misses).toEqual([]);
    expect(r.reproduced).toBe(r.sourceCells);
  });

  it('perturbed copies (every 府省等, mixed perturbations) raise no error and no truncation', () => {
    const docs = buildCorpus().filter((d) => d.perturbation === 'mixed' || d.perturbation === 'as-printed');
    for (const d of docs) {
      const result = importDocument(toSourceDoc('doc.txt', d.text));
      const o = scoreReport(d, onlyReport(result), result.issues, () => null);
      expect(o.errorCodes, d.id).toEqual([]);
      expect(o.truncationCodes, d.id).toEqual([]);
    }
  });
});

describe('several unseen 府省等 in one file: each row under its own 府省等, wherever the marker is printed (#12)', () => {
  it('markers before the header, at the foot of the page before, after the rows, after the 重点項目: 100 % of the rows', () => {
    const docs = buildCompilations(OWN_SECTIONS, 24);
    let rows = 0;
    let lastMarker = 0;
    for (const d of docs) {
      const o = scoreAttribution(d, importDocument(toSourceDoc('unseen.txt', d.text)));
      expect(o.rows.filter((r) => !r.right).map((r) => `${r.organization} → ${String(r.got)}`), d.id).toEqual([]);
      expect(o.markerIssues, d.id).toEqual([]);
      expect(o.reports, d.id).toBe(d.sections.length);
      rows += o.rows.length;
      lastMarker += lastMarkerRuleRight(d).right;
    }
    // Every place occurs, and cutting the file at marker lines would put many rows under another 府省等.
    expect(new Set(docs.flatMap((d) => d.places))).toEqual(new Set(MARKER_PLACES));
    expect(rows).toBeGreaterThan(300);
    expect(lastMarker).toBeLessThan(rows * 0.8);
  });

  it('a marker after a section’s last 重点項目 ends that section, also when the next 府省等 prints its own after its rows', () => {
    const first = { ...own('防衛省'), layout: { markerPlace: 'end' as const } };
    const second = { ...own('会計検査院'), layout: { markerAfterRows: true } };
    const result = importSections([first, second]);
    expect(result.reports.map((r) => [r.organizationCode, r.rows.length])).toEqual([
      ['mod', first.rows.length],
      ['jbaudit', second.rows.length],
    ]);
    expect(result.reports[0]?.issues.find((i) => i.code === 'MARKER_AFTER_ROWS')?.severity).toBe('info');
    expect(result.reports.flatMap((r) => r.issues.filter((i) => i.severity !== 'info' && /MARKER/.test(i.code)))).toEqual([]);
  });

  it('a section that prints its marker again on a later page keeps the one before its header, even after a section with none', () => {
    // 厚生労働省's marker repeated at the top of each later page; the section before lost its own.
    const text = layoutDocument([own('防衛省'), own('厚生労働省')])
      .replace('【府省等名：防衛省】', '')
      .replace(/\n (?=\S)(?![【Ａ])/g, (m, at: number, all: string) => (all.indexOf('【府省等名：厚生労働省】') < at ? `\n【府省等名：厚生労働省】\n\n ` : m));
    const result = importDocument(toSourceDoc('unseen.txt', text));
    expect(result.reports.map((r) => r.organizationCode)).toEqual([null, 'mhlw']);
    expect(result.reports[0]?.issues.find((i) => i.code === 'MARKER_MISSING')?.severity).toBe('error');
    const extra = result.reports[1]?.issues.filter((i) => i.code === 'EXTRA_MARKER').map((i) => i.value) ?? [];
    expect(extra.length).toBeGreaterThan(0);
    expect(new Set(extra)).toEqual(new Set(['厚生労働省']));
  });

  it('a marker between two sections neither of which prints another opens the section after it (the norm); the other is named', () => {
    const first = { ...own('防衛省'), layout: { markerPlace: 'end' as const } };
    const text = layoutDocument([first, own('会計検査院')]).replace('【府省等名：会計検査院】', '');
    const result = importDocument(toSourceDoc('unseen.txt', text));
    expect(result.reports.map((r) => r.organizationCode)).toEqual([null, 'mod']);
    expect(result.reports[0]?.issues.find((i) => i.code === 'MARKER_MISSING')?.severity).toBe('error');
  });
});

describe('followup import of an unseen compilation (child process)', { timeout: 60_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'followup-unseen-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('exits 0 on a complete file of our ten 府省等', () => {
    const file = join(dir, 'compilation.txt');
    writeFileSync(file, layoutDocument(OWN_SECTIONS));
    const root = fileURLToPath(new URL('../../', import.meta.url));
    const r = spawnSync(process.execPath, ['bin/followup.mjs', 'import', file, '--json'], { cwd: root, encoding: 'utf8', timeout: 60_000 });
    expect(r.status).toBe(0);
    const parsed = ImportResult.parse(JSON.parse(r.stdout));
    expect(parsed.reports).toHaveLength(10);
    expect(r.stderr).toContain('(error 0,');
  });
});
