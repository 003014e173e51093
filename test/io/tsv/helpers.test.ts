import { describe, expect, it } from 'vitest';

import { R2_MAJOR_ITEMS } from '../../../src/io/layouts/r2-tsv.js';
import { escapeHtml, sanitizeRich } from '../../../src/io/tsv/html.js';
import { matchMajorItem } from '../../../src/io/tsv/major-item.js';
import { scoreOrganizations } from '../../../src/io/tsv/org.js';
import { isCutHtml } from '../../../src/io/tsv/report.js';
import { canonicalScope, canonicalSubField, findSurvey, formatSubFields, parseSubFields } from '../../../src/core/survey/catalogue.js';

const src = { file: 'x.txt', line: 1 };

describe('matchMajorItem', () => {
  it('maps exact names (spaces ignored) with confidence 1', () => {
    expect(matchMajorItem('働き方改革', R2_MAJOR_ITEMS)).toEqual({ canonical: '働き方改革', garbled: false, confidence: 1 });
  });

  it('maps a garbled vertical print to the one name whose characters contain it', () => {
    expect(matchMajorItem('活躍で・ きる等と 両立して', R2_MAJOR_ITEMS)).toMatchObject({ canonical: '育児・介護等と両立して活躍できるための改革', garbled: true });
    expect(matchMajorItem('女性改の活躍推進のた', R2_MAJOR_ITEMS)).toMatchObject({ canonical: '女性の活躍推進のための改革', garbled: true });
  });

  it('returns null when no name or several names fit', () => {
    expect(matchMajorItem('会議', R2_MAJOR_ITEMS)).toBeNull();
    expect(matchMajorItem('改革', R2_MAJOR_ITEMS)).toBeNull();
  });
});

describe('survey helpers', () => {
  it('finds a survey by its name in either year and paren width', () => {
    expect(findSurvey('勤務時間管理のシステム化の状況')?.code).toBe('work-hours-system');
    expect(findSurvey('エンゲージメント調査等(職員のエンゲージメントや職場環境調査等)の実施状況')?.code).toBe('engagement');
    expect(findSurvey('会議の状況')).toBeUndefined();
  });

  it('canonicalises scopes and year-labelled sub-fields', () => {
    expect(canonicalScope('地方支分部局等(時期、範囲等)')).toBe('地方支分部局等（時期、範囲等）');
    expect(canonicalScope('本庁')).toBeNull();
    expect(canonicalSubField('その他備考等（令和5年度に実施した新たな取組等）')).toBe('その他備考等');
    expect(canonicalSubField('時期・対象者')).toBe('時期・対象者');
  });

  it('splits labelled sub-fields and writes them back in both styles', () => {
    const answers = parseSubFields('【時期・対象者】全職員。 【調査・分析のツール】Microsoft Forms', src);
    expect(answers.map((a) => [a.subField, a.subFieldRaw, a.text])).toEqual([
      ['時期・対象者', '【時期・対象者】', '全職員。'],
      ['調査・分析のツール', '【調査・分析のツール】', 'Microsoft Forms'],
    ]);
    expect(formatSubFields(answers, 'inline')).toBe('【時期・対象者】全職員。 【調査・分析のツール】Microsoft Forms');
    expect(formatSubFields(answers, 'paragraphs')).toBe('<p>【時期・対象者】 全職員。</p> <p>【調査・分析のツール】 Microsoft Forms</p>');
  });
});

describe('HTML helpers', () => {
  it('escapes text', () => {
    expect(escapeHtml('a<b & "c"')).toBe('a&lt;b &amp; &quot;c&quot;');
  });

  it('keeps p/ul/li/b/br without attributes and escapes other tags and literal <', () => {
    expect(sanitizeRich('<ul style="list-style-type: none"> ・目標数<実績 <li>x</li><br/><img src=x onerror=y>')).toBe(
      '<ul> ・目標数&lt;実績 <li>x</li><br>&lt;img src=x onerror=y&gt;',
    );
  });
});

describe('isCutHtml', () => {
  it('tells a cell cut inside its HTML from a normal unclosed <ul> and a literal <', () => {
    expect(isCutHtml('<p>【継続】 A</p> <ul style="list-style-type: none"> ・B')).toBe(false);
    expect(isCutHtml('(目標数<実績)が大きい')).toBe(false);
    expect(isCutHtml('<p>【継続】 途中まで')).toBe(true);
    expect(isCutHtml('<p>A</p> <p')).toBe(true);
  });
});

describe('scoreOrganizations', () => {
  it('does not count courses run by others (内閣官房内閣人事局主催, 人事院が実施するもの) as the author', () => {
    const scores = scoreOrganizations('「セミナー」（内閣官房内閣人事局主催）に派遣。(内閣人事局・人事院が実施するものへの派遣) 税関で実施。財務省再生プロジェクト');
    expect(scores.map((s) => [s.name, s.score])).toEqual([['財務省', 3]]);
  });
});
