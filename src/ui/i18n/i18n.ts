/**
 * UI strings (#10): Japanese first, English when the host's locale is English. One flat key space, kept in one pair
 * of files per part of the product (ja.json/en.json for the shell, <part>.ja.json/<part>.en.json for the grid, the
 * add-in, the review views and sign-in) so that parts built side by side do not edit the same file. The Japanese
 * files are the reference; the English ones must have the same keys (a unit test checks both ways). `{name}`
 * placeholders are filled as text.
 */
import addinEn from './addin.en.json' with { type: 'json' };
import addinJa from './addin.ja.json' with { type: 'json' };
import authEn from './auth.en.json' with { type: 'json' };
import authJa from './auth.ja.json' with { type: 'json' };
import shellEn from './en.json' with { type: 'json' };
import gridEn from './grid.en.json' with { type: 'json' };
import gridJa from './grid.ja.json' with { type: 'json' };
import shellJa from './ja.json' with { type: 'json' };
import remindersEn from './reminders.en.json' with { type: 'json' };
import remindersJa from './reminders.ja.json' with { type: 'json' };
import reviewEn from './review.en.json' with { type: 'json' };
import reviewJa from './review.ja.json' with { type: 'json' };
import reportEn from './report.en.json' with { type: 'json' };
import reportJa from './report.ja.json' with { type: 'json' };

const ja = { ...shellJa, ...gridJa, ...addinJa, ...reviewJa, ...authJa, ...remindersJa, ...reportJa };
const en = { ...shellEn, ...gridEn, ...addinEn, ...reviewEn, ...authEn, ...remindersEn, ...reportEn };

export type Lang = 'ja' | 'en';
export type MessageKey = keyof typeof ja;
export type Messages = Readonly<Record<MessageKey, string>>;

export const MESSAGES: Readonly<Record<Lang, Messages>> = { ja, en: en satisfies Messages };

/** English for an English locale (`en`, `en-US`, `en-GB`…); Japanese for everything else, as the product is. */
export function pickLanguage(locale: string | null | undefined): Lang {
  return /^en(-|_|$)/i.test(locale ?? '') ? 'en' : 'ja';
}

export type Translate = (key: MessageKey, params?: Readonly<Record<string, string | number>>) => string;

/** A translator for `lang`; an unknown placeholder stays visible (`{x}`) so a missing parameter is seen, not hidden. */
export function createTranslator(lang: Lang): Translate {
  const messages = MESSAGES[lang];
  return (key, params) => {
    const text = messages[key];
    if (!params) return text;
    return text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
  };
}
