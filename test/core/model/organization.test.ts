import { describe, expect, it } from 'vitest';

import { findOrganization, matchOrganization, normalizeOrganizationName, ORGANIZATIONS } from '../../../src/core/model/organization.js';

const codeOf = (name: string): [string | null, string | null] => {
  const m = matchOrganization(name);
  return [m?.organization.code ?? null, m?.how ?? null];
};

describe('the 府省等 catalogue accepts printed variants of names (#9)', () => {
  it('holds the 27 府省等 of the compilation with unique codes', () => {
    expect(ORGANIZATIONS).toHaveLength(27);
    expect(new Set(ORGANIZATIONS.map((o) => o.code)).size).toBe(27);
  });

  it('matches a commission printed with its secretariat, a secretariat alone, the 府 proper', () => {
    expect(codeOf('原子力規制委員会原子力規制庁')).toEqual(['nra', 'variant']);
    expect(codeOf('原子力規制庁')).toEqual(['nra', 'variant']);
    expect(codeOf('公正取引委員会事務総局')).toEqual(['jftc', 'variant']);
    expect(codeOf('内閣府本府')).toEqual(['cao', 'variant']);
    expect(codeOf('会計検査院事務総局')).toEqual(['jbaudit', 'variant']);
  });

  it('matches a name followed by one of its own units, in either bracket width', () => {
    expect(codeOf('総務省（本省）')).toEqual(['soumu', 'unit']);
    expect(codeOf('総務省(本省)')).toEqual(['soumu', 'unit']);
    expect(codeOf('カジノ管理委員会事務局')).toEqual(['jcrc', 'variant']);
    expect(codeOf('復興庁本庁')).toEqual(['reconstruction', 'unit']);
  });

  it('ignores width and spacing: ﾃﾞｼﾞﾀﾙ庁, 内 閣 法 制 局, 金融庁 with an ideographic space', () => {
    expect(codeOf('ﾃﾞｼﾞﾀﾙ庁')).toEqual(['digital', 'exact']);
    expect(codeOf('内 閣 法 制 局')).toEqual(['clb', 'exact']);
    expect(codeOf('\u3000金融庁\u3000')).toEqual(['fsa', 'exact']);
    expect(normalizeOrganizationName('「宮内庁」')).toBe('宮内庁');
  });

  it('keeps 宮内庁 and 内閣府 apart and does not guess other units or unknown names', () => {
    expect(codeOf('宮内庁')).toEqual(['kunaicho', 'exact']);
    expect(codeOf('内閣府')).toEqual(['cao', 'exact']);
    for (const name of ['内閣', '内閣府経済社会総合研究所', '総務省消防庁', '架空庁', '']) expect(findOrganization(name), name).toBeUndefined();
  });
});
