import { describe, expect, it } from 'vitest';
import fc from 'fast-check';

import {
  findNonCp932Chars,
  htmlToText,
  isCp932Encodable,
  normalizeSpace,
  parseCrossRef,
  splitEntries,
  toHalfWidth,
} from '../../../src/core/text/index.js';
import { cp932CodePoints } from './support/cp932-generator.js';
import { seedCell } from './support/seed-cells.js';

describe('toHalfWidth', () => {
  it('converts full-width ASCII and the ideographic space, leaving kana and kanji alone', () => {
    expect(toHalfWidth('令和５年１１月　（ＡＢｃ）：％')).toBe('令和5年11月 (ABc):%');
    expect(toHalfWidth('目標設定時：－')).toBe('目標設定時:-');
    expect(toHalfWidth('テレワーク・ｶﾅ')).toBe('テレワーク・ｶﾅ');
  });
});

describe('normalizeSpace', () => {
  it('trims and folds ASCII, ideographic and line-break runs to one space', () => {
    expect(normalizeSpace('  【継続】　 各部局に\n\tA  ')).toBe('【継続】 各部局に A');
    expect(normalizeSpace('')).toBe('');
  });
});

describe('htmlToText', () => {
  it('turns 000 line 8 (unclosed <ul> with inline ・ bullets, then <p>) into lines', () => {
    const text = htmlToText(seedCell('000', 8, 1));
    expect(text.split('\n')).toEqual([
      '【継続】 職員のモチベーションを向上するために「組織ミッションの共有」「マネジメント能力全般の強化」「上司・部下職員間のコミュニケーションの強化」を具体策として挙げ、例えば、以下の取組を実施。',
      '・組織ミッションの共有施策として、組織のミッション、政策課題及び業務の運営方針等について局長級以上の幹部が所属部局の職員を対象にスピーチを実施。次官級職員のスピーチについては全職員が見られるように録画データをポータルサイト上に掲載。',
      '・マネジメント能力全般の強化のため、マネジメント研修について実施回数の増加や内容の充実を図り、対象範囲を課長補佐級以下にも拡大。令和5年度においては、コミュニケーションの基礎、フィードバック、コミュニケーションの場作りをテーマとして、計3回実施。',
      '・上司・部下職員間のコミュニケーションの強化のため、各課室で1on1ミーティングを実施するように依頼するとともに、1on1ミーティングの効果、実施方法等をポータルサイトに掲載。',
      '個別取組の趣旨・ねらい等を明確にしつつ、引き続き各種取組をブラッシュアップして実施する予定。',
    ]);
  });

  it('keeps the literal < of 004 line 10 (目標数<実績)', () => {
    const text = htmlToText(seedCell('004', 10, 2));
    expect(text).toContain('前月の目標数と実績との乖離(目標数<実績)が大きい課室');
    expect(text.split('\n')[0]).toBe('・令和7年6月に勤務時間管理システムを導入(令和3年度～令和6年度はシステム利用なし)。');
    expect(text.split('\n')).toHaveLength(2);
  });

  it('puts the 【…に関する取組】 headings of 004 line 13 on their own lines', () => {
    const lines = htmlToText(seedCell('004', 13, 2)).split('\n');
    expect(lines.map((l) => l.slice(0, 8))).toEqual(['【マネジメント改', '・管理職員のマネ', '・また、管理職員', '【キャリア形成に', '・人材育成・キャ']);
    expect(lines[0]).toBe('【マネジメント改革に関する取組】');
    expect(lines[3]).toBe('【キャリア形成に関する取組】');
  });

  it('reads 003 line 7 (<p> paragraphs, closed <ul> with <li>)', () => {
    expect(htmlToText(seedCell('003', 7, 5)).split('\n')).toEqual([
      '【継続】働き方改革推進強化月間等の機会を捉え、事務次官等から各職員に対し、職員のワークライフバランス推進に関するメッセージを発信した。',
      '【継続】働き方改革を含む「財務省再生プロジェクト」の一環として、次の取組を実施した。',
      '・「財務省の組織理念」の浸透・実践に向けて、全地方支分部局において、各部署長から職員に対し、組織理念を踏まえたスピーチを行い、各課室においても、課室長主導のもと「組織理念を踏まえた意見交換会」を実施',
      '・省内ニュースレターにおいて、事務次官及び各部署長から各職員に対し、業務改善に関するメッセージを発信',
    ]);
  });

  it('drops <b>, breaks at <br>, decodes entities, and keeps unknown < and &', () => {
    expect(htmlToText('<b>全国的な</b>取組')).toBe('全国的な取組');
    expect(htmlToText('A<br>B<br/>C<br />D')).toBe('A\nB\nC\nD');
    expect(htmlToText('&lt;p&gt; &amp; &#x3042;&#12356; &nbsp;x &unknown; a<b')).toBe('<p> & あい x &unknown; a<b');
    expect(htmlToText('1 < 2 and <実績>')).toBe('1 < 2 and <実績>');
    expect(htmlToText('<p>a   b</p><p></p>')).toBe('a b');
  });

  it('never throws and never invents a tag-free < from nothing', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 60 }), (s) => {
        const out = htmlToText(s);
        expect(typeof out).toBe('string');
        if (!s.includes('<') && !s.includes('&')) expect(normalizeSpace(out)).toBe(normalizeSpace(s));
      }),
      { numRuns: 500 },
    );
  });
});

describe('splitEntries', () => {
  it('splits 003 line 16 at each tag, 拡充 and 新規 included', () => {
    const entries = splitEntries(htmlToText(seedCell('003', 16, 5)));
    expect(entries.map((e) => e.tag)).toEqual(['継続', '継続', '拡充', '継続', '継続', '新規', '新規']);
    expect(entries[2]?.text).toBe(
      'Web会議やWeb研修について、省外関係者とのWeb会議用ツールを導入するなど、利用環境の改善、利用対象の拡大を実施し、職員の移動時間や出張手続きの負担軽減を図った。',
    );
  });

  it('keeps the cross-reference before the first tag of 000 line 16 as an untagged entry', () => {
    expect(splitEntries(seedCell('000', 16, 4))).toEqual([
      { tag: null, text: '※一部重点項目「生産性の向上」参照' },
      {
        tag: '継続',
        text: '・テレワークの更なる定着のために、テレワーク勤務がしにくい原因として、業務効率の低下やコミュニケーションが困難であること等が挙げられることから、テレワーク時のマネジメント・コミュニケーション方法を資料化して周知。',
      },
    ]);
  });

  it('reads 【新規・継続】 as one tag and the ideographic-space indent of 002', () => {
    expect(splitEntries('【新規・継続】　各部局に周知 【新規】 A')).toEqual([
      { tag: '新規・継続', text: '各部局に周知' },
      { tag: '新規', text: 'A' },
    ]);
  });

  it('does not split at category, survey sub-field or section brackets', () => {
    const text = htmlToText(seedCell('004', 13, 2));
    expect(splitEntries(text)).toEqual([{ tag: null, text }]);
    expect(splitEntries('【時期・対象者】 年に1回 【全体】 目標：35%以上')).toHaveLength(1);
  });

  it('returns no entries for an empty narrative and an empty tagged entry for a bare tag', () => {
    expect(splitEntries('  ')).toEqual([]);
    expect(splitEntries('【継続】')).toEqual([{ tag: '継続', text: '' }]);
  });
});

describe('parseCrossRef', () => {
  it('reads whole and partial delegations of 000 lines 21 and 16', () => {
    expect(parseCrossRef(seedCell('000', 21, 4))).toEqual({ focusItem: 'モチベーションの向上', partial: false });
    expect(parseCrossRef(seedCell('000', 16, 4))).toEqual({ focusItem: '生産性の向上', partial: true });
  });
  it('returns null without a reference', () => {
    expect(parseCrossRef('※客観的に把握した勤務時間の状況の把握後の活用状況')).toBeNull();
    expect(parseCrossRef('(上記1-2参照)')).toBeNull();
  });
});

describe('findNonCp932Chars', () => {
  it('finds 发 in 000 line 24', () => {
    expect(findNonCp932Chars(seedCell('000', 24, 4))).toEqual(['发']);
  });
  it('accepts JIS X 0208, NEC/IBM extensions, half-width kana and the seeds’ variants', () => {
    expect(findNonCp932Chars('発出 ①Ⅱ髙﨑 ｶﾅ －～ ㈱ abc')).toEqual([]);
  });
  it('flags Simplified-Chinese-only, non-BMP and non-CP932 symbols once each', () => {
    expect(findNonCp932Chars('发发这个们𠮷€')).toEqual(['发', '这', '们', '𠮷', '€']);
  });
  it('has no non-CP932 character in the other seed cells used by the tests', () => {
    expect(findNonCp932Chars(seedCell('003', 16, 5))).toEqual([]);
  });
  it('matches the generator (the committed table is not stale)', () => {
    const set = cp932CodePoints();
    for (let cp = 0; cp < 0x10000; cp++) {
      if (isCp932Encodable(cp) !== set.has(cp)) throw new Error(`U+${cp.toString(16)} differs from the generator`);
    }
  });
});
