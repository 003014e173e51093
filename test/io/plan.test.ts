import { describe, expect, it } from 'vitest';

import { guidelineNodes } from '../../src/core/guideline/index.js';
import type { Plan, PlanItem } from '../../src/core/model/schema.js';
import { importDocument, toSourceDoc } from '../../src/io/import.js';
import { expandCircledRange, PLAN_IMPORTER, SOUMU_PLAN_CROSSWALK } from '../../src/io/layouts/plan.js';
import { FILE_001, FILE_002, readSeed } from '../fixtures/pdf-text/seeds.js';

const RESULT = importDocument(toSourceDoc(FILE_001, readSeed(FILE_001)));
const PLAN = RESULT.plans[0] as Plan;
const item = (id: string): PlanItem => {
  const found = PLAN.items.find((i) => i.id === id);
  if (!found) throw new Error(`no item ${id}`);
  return found;
};

describe('action plan importer on 001', () => {
  it('is picked by the dispatcher, yields one valid plan and no reports', () => {
    expect(RESULT.issues).toEqual([]);
    expect(RESULT.reports).toEqual([]);
    expect(RESULT.plans).toHaveLength(1);
    expect(PLAN_IMPORTER.detect(toSourceDoc(FILE_002, readSeed(FILE_002)))).toBeLessThan(0.5);
  });

  it('reads the identity: title, 府省等, decision date, revision stamp and period end', () => {
    expect(PLAN.title).toBe('総務省における女性職員活躍とワークライフバランス推進のための取組計画');
    expect(PLAN.organization).toBe('総務省');
    expect(PLAN.key).toBe('PLAN/soumu/2026-03-31');
    expect(PLAN.decidedOn).toMatchObject({ raw: '平成 27年１月 20日', start: '2015-01-20', end: '2015-01-20', precision: 'day' });
    expect(PLAN.revisionStamp).toBe('改定');
    expect(PLAN.periodEnd).toBe('2026-03-31');
  });

  it('has the two 重点項目', () => {
    expect(PLAN.focusItems).toEqual([
      { name: 'モチベーションの向上', number: '重点項目１', printedOrder: 0 },
      { name: '生産性の向上', number: '重点項目２', printedOrder: 1 },
    ]);
  });

  it('builds sections Ⅰ–Ⅴ, naming Ⅱ\'s chapters from the displaced headings (lines 107, 582)', () => {
    const titles = Object.fromEntries(PLAN.sections.map((s) => [s.path, s.title]));
    expect(PLAN.sections.filter((s) => /^[ⅠⅡⅢⅣⅤ]$/.test(s.path)).map((s) => s.title)).toEqual([
      '基本的考え方',
      '総務省の働き方改革を加速するための重点項目',
      'ワークライフバランスの推進のための働き方改革',
      '女性の活躍推進のための改革',
      '推進体制等',
    ]);
    expect(titles['Ⅱ-1']).toBe('重点項目１ モチベーションの向上');
    expect(titles['Ⅱ-2']).toBe('重点項目２ 生産性の向上');
    expect(PLAN.issues.filter((i) => i.code === 'DISPLACED_HEADING').map((i) => i.line)).toEqual([107, 582]);
    expect(titles['Ⅱ-1-(3)-(ⅰ)']).toBe('現状の職場の活性化を考えたコミュニケーション');
    expect(titles['Ⅱ-1-(3)-(ⅱ)']).toBe('職員の将来を見据えたコミュニケーション');
    // Headings wrapped over two lines (§6.6).
    expect(titles['Ⅲ-2-(2)']).toBe('的確な勤務時間管理による超過勤務縮減と勤務間インターバルの確保等');
    expect(titles['Ⅳ-1-(3)']).toBe('中途退職した職員が再度公務において活躍できるための取組');
    expect(titles['Ⅳ-2-(4)']).toBe('女性職員が抱える悩みや心配の相談ができる体制づくり');
    expect(titles['Ⅴ-5']).toBe('総務省における女性職員活躍とワークライフバランス推進のための取組計画の改定');
    expect(PLAN.sections.filter((s) => s.path.startsWith('Ⅲ-') && s.path.split('-').length === 2).map((s) => s.title)).toEqual([
      '業務効率化・デジタル化の推進',
      '勤務時間管理のシステム化と勤務時間管理の徹底',
      '仕事と生活の両立支援',
    ]);
    // 「（２）に記載のとおり、…」 (line 232) is prose, not a section.
    expect(PLAN.sections.filter((s) => s.path.startsWith('Ⅱ-1-')).map((s) => s.path)).toEqual(['Ⅱ-1-(1)', 'Ⅱ-1-(2)', 'Ⅱ-1-(3)', 'Ⅱ-1-(3)-(ⅰ)', 'Ⅱ-1-(3)-(ⅱ)']);
  });

  it('finds 47 numbered items in Ⅱ: 3+6+6+14+6+6+6, in three phases', () => {
    const numbered = PLAN.items.filter((i) => i.sectionPath.startsWith('Ⅱ') && i.kind === 'item' && i.number !== null);
    expect(numbered).toHaveLength(47);
    const per = ['Ⅱ-1-(1)', 'Ⅱ-1-(2)', 'Ⅱ-1-(3)-(ⅰ)', 'Ⅱ-1-(3)-(ⅱ)', 'Ⅱ-2-(1)', 'Ⅱ-2-(2)', 'Ⅱ-2-(3)'].map((p) => numbered.filter((i) => i.sectionPath === p).length);
    expect(per).toEqual([3, 6, 6, 14, 6, 6, 6]);
    expect(new Set(numbered.map((i) => i.phase))).toEqual(new Set(['令和３年度までの取組', '令和４年度以降の取組', '中長期的な取組（令和７年度までに実施）']));
    expect(item('Ⅱ-1-(1)#①')).toMatchObject({ phase: '令和３年度までの取組', body: '管理職による働き方改革宣言を実施する。', focusItem: 'モチベーションの向上' });
    expect(item('Ⅱ-2-(3)#⑤').focusItem).toBe('生産性の向上');
    expect(PLAN.items.filter((i) => i.kind === 'analysis')).toHaveLength(8);
    expect(PLAN.items.filter((i) => i.kind === 'issues').map((i) => i.sectionPath)).toEqual(['Ⅱ-1', 'Ⅱ-2']);
    expect(item('Ⅱ-1-(3)-(ⅱ)#③')).toMatchObject({ title: 'タレントマネジメント推進に向けた情報の整備と活用' });
    expect(item('Ⅱ-1-(3)-(ⅱ)#③').body).toMatch(/^・ 人事当局は、職員の属性や人事異動履歴等の情報にとどまらず、キャリアシート等から/);
    // The displaced heading at line 107 is no longer inside the analysis text it interrupted.
    expect(item('Ⅱ-1-(1)#analysis').body).toContain('及び管理職（課室長級以上）が率先して組織ミッションを言語化・発信し');
  });

  it('reads the continuation directives and what they refer to', () => {
    const directives = PLAN.items.filter((i) => i.kind === 'directive');
    expect(directives.map((d) => d.body.slice(0, 8))).toEqual(['①を継続的に実施', '①の働き方改革集', '②～⑤を継続的に', '①及び②の取組の', '①～⑤の取組の徹', '①及び②の取組の', '①～④の取組につ', '①及び②の取組の']);
    expect(directives.every((d) => d.phase === '令和４年度以降の取組' && d.number === null)).toBe(true);
    const d = directives[2];
    expect(d?.refersTo).toEqual(['Ⅱ-1-(2)#②', 'Ⅱ-1-(2)#③', 'Ⅱ-1-(2)#④', 'Ⅱ-1-(2)#⑤']);
    expect(directives[0]?.refersTo).toEqual(['Ⅱ-1-(1)#①']);
    expect(expandCircledRange('①及び②')).toEqual(['①', '②']);
  });

  it('links all nine 【再掲】 items to their originals (§7.2)', () => {
    const reposts = PLAN.items.filter((i) => i.isRepost);
    expect(reposts).toHaveLength(9);
    const links = Object.fromEntries(reposts.map((r) => [r.id, r.repostOf]));
    expect(links).toEqual({
      'Ⅱ-1-(3)-(ⅱ)#⑨': 'Ⅱ-1-(3)-(ⅰ)#④',
      'Ⅱ-1-(3)-(ⅱ)#⑫': 'Ⅱ-1-(3)-(ⅰ)#⑤',
      'Ⅱ-2-(1)#①': 'Ⅱ-1-(3)-(ⅱ)#①',
      'Ⅱ-2-(1)#③': 'Ⅱ-1-(3)-(ⅱ)#⑥',
      'Ⅱ-2-(1)#⑤': 'Ⅱ-1-(3)-(ⅱ)#⑦',
      'Ⅱ-2-(1)#⑥': 'Ⅱ-1-(3)-(ⅰ)#⑥',
      'Ⅱ-2-(3)#⑥': 'Ⅱ-2-(2)#⑥',
      'Ⅳ-2-(1)#②-4': 'Ⅲ-3-(3)#text-2',
      'Ⅳ-2-(1)#②-5': 'Ⅲ-3-(3)#text-6',
    });
    expect(item('Ⅲ-3-(3)#text-2').body).toMatch(/^※ 提出が推奨される職員の例\n両立支援制度を利用していない育児・介護中の職員、妻が出産予定の男性職員$/);
    expect(item('Ⅲ-3-(3)#text-6').body).toMatch(/^・ 職務の経験については、/);
    expect(item('Ⅳ-2-(1)#②-5').title).toBe('女性職員の職域拡大、人事管理の柔軟化等を通じた女性職員の計画的育成及び幹部候補育成課程における管理職への登用に向けた育成');
  });

  it('stores the §7.3 crosswalk as data and applies it to items', () => {
    const ids = new Set(guidelineNodes().map((n) => n.id));
    for (const target of Object.values(SOUMU_PLAN_CROSSWALK)) expect(ids.has(target), target).toBe(true);
    expect(item('Ⅱ-1-(1)#①').guidelineNodeId).toBe('G2024:Ⅱ-3');
    expect(item('Ⅱ-1-(2)#③').guidelineNodeId).toBe('G2024:Ⅱ-3-(1)-②');
    expect(item('Ⅱ-2-(2)#⑤').guidelineNodeId).toBe('G2024:Ⅱ-1');
    expect(item('Ⅲ-1-(1)#①').guidelineNodeId).toBe('G2024:Ⅱ-1-(1)-④');
    expect(item('Ⅲ-3-(2)#③').guidelineNodeId).toBe('G2024:Ⅱ-4');
    expect(item('Ⅳ-1-(2)#text').guidelineNodeId).toBe('G2024:Ⅲ-1');
    expect(item('Ⅴ-2#text').guidelineNodeId).toBe('G2024:Ⅳ-(1)');
    expect(item('Ⅴ-4#text').guidelineNodeId).toBeNull();
  });

  it('reads Ⅲ–Ⅴ titled items and bullets', () => {
    expect(PLAN.items.filter((i) => i.sectionPath === 'Ⅲ-1-(1)' && i.number !== null).map((i) => i.title)).toEqual(['協議ルールの遵守徹底', '査定・審査業務の効率化', '調査・照会業務の効率化']);
    expect(item('Ⅲ-1-(1)#①').body).toMatch(/判断のプロセスも考慮した適切な期限（48時間以上）を設定する。$/);
    expect(PLAN.items.filter((i) => i.sectionPath === 'Ⅲ-3-(2)').map((i) => i.number)).toEqual(['①', '①', '②', '③', '③', '④', '⑤', '⑤']);
    expect(PLAN.items.filter((i) => i.sectionPath === 'Ⅳ').map((i) => i.body.slice(0, 12))).toEqual(['・ 女性職員の採用目標に', '・ 女性職員の登用目標に']);
    expect(item('Ⅲ#text').kind).toBe('heading');
  });
});
