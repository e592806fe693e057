/**
 * The languages the guide speaks and the one rule that picks one from what a channel knows about the user
 * (Telegram's `language_code`, a browser's `Accept-Language`, WeChat's nothing at all).
 *
 * The rule: a Chinese tag (`zh`, `zh-Hans`, `zh_TW` …) means Chinese, an English tag English, any other
 * language English too (someone who set their phone to German reads English more easily than Chinese), and
 * no hint at all the installation's default.
 *
 * @example
 * langFromHint('zh-hans');        // 'zh-CN'
 * langFromHint('de');             // 'en'
 * langFromHint(undefined, 'en');  // 'en'
 * langFromAcceptLanguage('fr, zh-CN;q=0.8', 'en');  // 'zh-CN' (a language we speak wins)
 * langFromAcceptLanguage('fr, de;q=0.8', 'zh-CN');   // 'en'
 */
export const LANGS = ['zh-CN', 'en'] as const;

/** One of {@link LANGS}. */
export type Lang = (typeof LANGS)[number];

/** True when `value` is one of {@link LANGS}. */
export function isLang(value: unknown): value is Lang {
  return LANGS.some((l) => l === value);
}

/** The one language rule: `zh*` → zh-CN, `en*` → en, another language → en, nothing → `fallback`. */
export function langFromHint(hint: string | undefined, fallback: Lang = 'zh-CN'): Lang {
  const h = hint?.trim().toLowerCase().replace('_', '-');
  if (!h) return fallback;
  if (h === 'zh' || h.startsWith('zh-')) return 'zh-CN';
  if (/^[a-z]{2,3}(-|$)/.test(h)) return 'en';
  return fallback;
}

/**
 * The tag of an `Accept-Language` header to apply {@link langFromHint} to: the most preferred tag of a
 * language we speak, else the most preferred tag at all; undefined for an empty header or only `*`.
 */
export function hintFromAcceptLanguage(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const tags = header
    .split(',')
    .map((part, index) => {
      const [tag = '', ...params] = part.trim().split(';');
      const q = params.map((p) => /^\s*q=([\d.]+)\s*$/.exec(p)?.[1]).find(Boolean);
      return { tag: tag.trim(), q: q === undefined ? 1 : Number(q), index };
    })
    .filter((t) => t.tag && t.tag !== '*' && t.q > 0)
    .sort((a, b) => b.q - a.q || a.index - b.index);
  const spoken = tags.find((t) => /^(zh|en)([-_]|$)/i.test(t.tag));
  return (spoken ?? tags[0])?.tag;
}

/** {@link langFromHint} over {@link hintFromAcceptLanguage}: the language to greet a browser in. */
export function langFromAcceptLanguage(header: string | undefined, fallback: Lang): Lang {
  return langFromHint(hintFromAcceptLanguage(header), fallback);
}

/** Short English words that pinyin and platform names do not contain, so a sentence with one is English. */
const ENGLISH_WORDS = new Set(
  'i me my mine the to was is are it its again charged charge cancel refund want wanted how can cannot not without help please you your this that and of for on in from with money subscription membership stop took taken paid bought site website app'.split(
    ' ',
  ),
);

/**
 * The language a typed message is clearly written in, for a channel that gives no hint (WeChat, the terminal):
 * English for two or more Latin-letter words with no Chinese character, at least one a common English word
 * ("iqiyi charged me again", not 「aiqiyi zidong」); Chinese for a sentence of six or more Chinese characters;
 * otherwise undefined (a name, a number, a command: no switch).
 *
 * @example
 * langOfText('iqiyi charged me again'); // 'en'
 * langOfText('我在爱奇艺被自动扣了30块');  // 'zh-CN'
 * langOfText('aqy');                     // undefined
 */
export function langOfText(text: string): Lang | undefined {
  const han = text.match(/\p{Script=Han}/gu)?.length ?? 0;
  if (han >= 6) return 'zh-CN';
  if (han > 0) return undefined;
  const words = text.toLowerCase().match(/[a-z]+(?:'[a-z]+)?/g) ?? [];
  return words.length >= 2 && words.some((w) => ENGLISH_WORDS.has(w)) ? 'en' : undefined;
}
