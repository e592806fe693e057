import { Converter } from 'opencc-js/t2cn';

/**
 * Text as the understanding sees it. `plain` keeps the user's case (for merchant names); `lower` is for the
 * fact patterns (amounts, dates, order numbers); `flat` is for keywords: lower case, simplified characters,
 * web addresses removed, clause punctuation turned into `|`, other punctuation into spaces, and no spaces
 * next to Chinese characters (dictated 「爱 奇 艺」 reads as 「爱奇艺」). Pure.
 *
 * @example
 * prepareText('愛奇藝 會員，被 auto renew 了！').flat; // '爱奇艺会员|被auto renew了|'
 */
export interface PreparedText {
  plain: string;
  lower: string;
  flat: string;
}

let simplifier: ((s: string) => string) | undefined;

/**
 * Traditional → simplified Chinese (OpenCC, Taiwan and Hong Kong variants included); other text unchanged.
 *
 * @example
 * toSimplified('愛奇藝會員'); // '爱奇艺会员'
 */
export function toSimplified(s: string): string {
  if (!HAN.test(s)) return s;
  const convert = simplifier ?? Converter({ from: 'tw', to: 'cn' });
  simplifier = convert;
  return convert(s);
}

const HAN = /\p{Script=Han}/u;
/**
 * A web address or e-mail, so its parts ("kamen" in kamen.example.com) are not read as words.
 *
 * @example
 * '见 kamen.example.com/order'.match(WEB_ADDRESS); // ['kamen.example.com/order']
 */
export const WEB_ADDRESS =
  /(?:https?:\/\/)?(?:[\p{L}0-9-]+\.)+(?:com|cn|net|org|top|xyz|vip|cc|shop|site|io|me|info|co|club|ltd|link|online|store|tech|ink|fun|wang|icu|pw|work|live|asia|biz|tv|app)(?::\d+)?(?:\/[^\s，。、]*)?|[\w.+-]+@[\w-]+(?:\.[\w-]+)+/giu;
const CLAUSE = /[，。,.!?！？；;、\n]+|\s(?:but|however)\s|但是|可是/gu;
const NOT_WORD = /[^\p{L}\p{N}|]+/gu;

/**
 * See {@link PreparedText}.
 *
 * @example
 * prepareText('Ｉ want to CANCEL。').lower; // 'i want to cancel。'
 */
export function prepareText(input: string): PreparedText {
  const plain = toSimplified(input.normalize('NFKC'))
    .replace(/[\s\u200b]+/g, ' ')
    .trim();
  const lower = plain.toLowerCase();
  return { plain, lower, flat: flatten(lower.replace(WEB_ADDRESS, ' ')) };
}

/**
 * The `flat` form of already lower-cased, simplified text (keywords go through this too).
 *
 * @example
 * flatten('爱 奇 艺, 你好!'); // '爱奇艺|你好|'
 */
export function flatten(lower: string): string {
  return lower
    .replace(/['’]/g, '')
    .replace(CLAUSE, '|')
    .replace(NOT_WORD, ' ')
    .replace(/ ?\| ?/g, '|')
    .replace(/(?<=\p{Script=Han}) +| +(?=\p{Script=Han})/gu, '')
    .replace(/ {2,}/g, ' ')
    .trim();
}

/**
 * A keyword as typed by a maintainer → its flat form (NFKC, lower case, simplified).
 *
 * @example
 * flatKeyword("Don't"); // 'dont'
 */
export function flatKeyword(word: string): string {
  return flatten(toSimplified(word.normalize('NFKC')).toLowerCase().replace(/['’]/g, ''));
}

/**
 * True for a Latin letter or digit (English words match only whole, at these edges).
 *
 * @example
 * isWordChar('a'); // true; isWordChar('爱'); // false
 */
export function isWordChar(ch: string | undefined): boolean {
  return ch !== undefined && /[a-z0-9]/.test(ch);
}

/**
 * True when `s` has a Chinese character.
 *
 * @example
 * hasHan('iqiyi 会员'); // true
 */
export function hasHan(s: string): boolean {
  return HAN.test(s);
}
