import { teamsDarkTheme, teamsHighContrastTheme, teamsLightTheme } from '@fluentui/react-theme';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { describe, expect, it } from 'vitest';

import { HOST_THEMES } from '../../src/hosts/host-bridge.js';
import { fluentTheme } from '../../src/ui/app/theme.js';
import { fiscalYearLabel } from '../../src/ui/components/ScopePicker/fiscal-year-label.js';
import { createTranslator, MESSAGES, pickLanguage } from '../../src/ui/i18n/i18n.js';

describe('pickLanguage', () => {
  it('is English for English locales of Teams and browsers, Japanese otherwise', () => {
    expect(['en', 'en-US', 'en-gb', 'en_GB', 'ja-JP', 'ja', 'fr-FR', '', null, undefined, 'eng'].map(pickLanguage)).toEqual(['en', 'en', 'en', 'en', 'ja', 'ja', 'ja', 'ja', 'ja', 'ja', 'ja']);
  });
});

describe('messages', () => {
  it('have the same keys in ja.json and en.json, none empty', () => {
    expect(Object.keys(MESSAGES.en).sort()).toEqual(Object.keys(MESSAGES.ja).sort());
    for (const lang of ['ja', 'en'] as const) for (const [k, v] of Object.entries(MESSAGES[lang])) expect(v.trim(), `${lang} ${k}`).not.toBe('');
  });

  it('define each key in one part only (a part never overrides another silently)', () => {
    const dir = fileURLToPath(new URL('../../src/ui/i18n/', import.meta.url));
    for (const lang of ['ja', 'en']) {
      const files = readdirSync(dir).filter((f) => f === `${lang}.json` || f.endsWith(`.${lang}.json`));
      expect(files.length).toBeGreaterThan(1);
      const seen = new Map<string, string>();
      for (const f of files) {
        for (const key of Object.keys(JSON.parse(readFileSync(join(dir, f), 'utf8')) as object)) {
          expect(seen.get(key), `${key} in ${f}`).toBeUndefined();
          seen.set(key, f);
        }
      }
      expect(seen.size).toBe(Object.keys(MESSAGES[lang as 'ja' | 'en']).length);
    }
  });

  it('use the same placeholders in both languages', () => {
    const names = (s: string): string[] => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1] as string).sort();
    for (const [k, ja] of Object.entries(MESSAGES.ja)) expect(names(MESSAGES.en[k as keyof typeof MESSAGES.en]), k).toEqual(names(ja));
  });

  it('fill placeholders as text and leave a missing one visible', () => {
    const t = createTranslator('ja');
    expect(t('rows.count', { count: 15 })).toBe('15 行');
    expect(t('can.division', { divisions: '<b>総務課</b>' })).toContain('<b>総務課</b> に割り当てられた行');
    expect(t('rows.count')).toBe('{count} 行');
    expect(createTranslator('en')('signin.button')).toBe('Sign in');
  });

  it('name the columns as the documents print them', () => {
    const t = createTranslator('ja');
    expect([t('col.status'), t('col.content'), t('col.outcome'), t('col.reason')]).toEqual(['実施状況', '取組時期・内容', '成果・課題・今後の取組', '実施未定の理由']);
  });
});

describe('fiscalYearLabel', () => {
  it('shows the era year in Japanese and both in English', () => {
    expect(fiscalYearLabel(2023, 'ja')).toBe('令和5年度');
    expect(fiscalYearLabel(2019, 'ja')).toBe('令和元年度');
    expect(fiscalYearLabel(2018, 'ja')).toBe('平成30年度');
    expect(fiscalYearLabel(2025, 'en')).toBe('FY2025 (令和7年度)');
  });
});

describe('fluentTheme', () => {
  it('maps light, dark and contrast to the Teams themes of Fluent UI v9', () => {
    expect(HOST_THEMES.map(fluentTheme)).toEqual([teamsLightTheme, teamsDarkTheme, teamsHighContrastTheme]);
    expect(fluentTheme('dark').colorNeutralBackground1).not.toBe(fluentTheme('light').colorNeutralBackground1);
  });
});
