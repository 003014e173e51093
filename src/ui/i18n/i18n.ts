/**
 * UI strings (#10): Japanese first, English when the host's locale is English. One flat key space; ja.json is the
 * reference, en.json must have the same keys (a unit test checks both ways). `{name}` placeholders are filled as text.
 */
import en from './en.json' with { type: 'json' };
import ja from './ja.json' with { type: 'json' };

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
