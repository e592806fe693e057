import { NUMERAL_CHARS, parseChineseNumber } from './numbers.ts';

/**
 * Money in what people type: 30元, ¥30, 三十块, 十九块八 (19.80), 九块九, RMB 30, 30 yuan, $4.99, and a bare
 * number right after a deduction verb (扣了98, charged me 30). Values are kept as `"30.00 CNY"`. Pure.
 *
 * @example
 * findAmount('被扣了十九块八毛'); // { value: '19.80 CNY', index: 3, afterVerb: true }
 * parseAmount('39.9');           // '39.90 CNY' (a bare number is an amount only at the amount question)
 */
export interface FoundAmount {
  value: string;
  /** Where it starts in the lower-case text. */
  index: number;
  /** True when a verb of money taken (扣了, charged …) comes right before it. */
  afterVerb: boolean;
}

const N = `[${NUMERAL_CHARS}]+(?:\\.\\d{1,2})?`;
const D = '[零一二两三四五六七八九\\d]';
const PREFIX = /(us\$|hk\$|¥|￥|\$|€|rmb|cny|usd|eur|hkd)\s*(\d{1,7}(?:[.,]\d{1,2})?)(?![\d.])/giu;
const KUAI = new RegExp(
  `(${N})\\s*多?\\s*(块钱|块|元|圆)(?:\\s*(${D})\\s*(?:毛|角)?(?:\\s*(${D})\\s*分?)?)?`,
  'gu',
);
const SUFFIX =
  /(\d{1,7}(?:\.\d{1,2})?)\s*(rmb|cny|yuan|kuai|usd|us dollars?|dollars?|美元|美金|eur|euros?|欧元|hkd|港币|港元|人民币)(?![a-z])/giu;
/** Verbs of money taken (they make a bare number an amount, and suggest a wrongful deduction). */
const DEDUCT =
  '(?:扣了我|扣了|扣我|扣走了|扣走|扣款|扣费|扣|charged me|charged|deducted|deduct了|deduct 了|took|billed me|billed)';
/** Verbs of money paid or put in. */
const PAID = '(?:付了|花了|充了|交了|paid)';
const VERB = `(?:${DEDUCT}|${PAID})`;
/** A fee being demanded is not money taken (先交一百块手续费 is the scam's ask). */
const DEMANDED = /(先交|要交|先付|要付|需要交|先缴|要缴|先充)\s*$/u;
const AFTER_VERB = new RegExp(
  `${VERB}\\s*(?:我|me)?\\s*(${N})(?![${NUMERAL_CHARS}]|\\s*(?:次|号|日|月|年|天|点|个|分钟|小时|%|块|元|[a-z]))`,
  'gu',
);
const DEDUCT_BEFORE = new RegExp(`${DEDUCT}\\s*(?:我|me)?\\s*$`, 'u');

const CURRENCY: [RegExp, string][] = [
  [/^(cny|rmb|元|块|块钱|圆|人民币|¥|￥|yuan|kuai)$/i, 'CNY'],
  [/^(usd|\$|us\$|美元|美金|dollars?|us dollars?)$/i, 'USD'],
  [/^(eur|€|欧元|euros?)$/i, 'EUR'],
  [/^(hkd|hk\$|港币|港元)$/i, 'HKD'],
];

/**
 * Every amount in `lower` (lower-case text), in order.
 *
 * @example
 * findAmounts('买的98元的年卡，又扣了我30').map((a) => a.value); // ['98.00 CNY', '30.00 CNY']
 */
export function findAmounts(lower: string): FoundAmount[] {
  const out: FoundAmount[] = [];
  const taken: [number, number][] = [];
  const add = (index: number, length: number, value: number | undefined, currency: string) => {
    if (value === undefined || !(value > 0) || value >= 1_000_000) return;
    if (taken.some(([a, b]) => index < b && index + length > a)) return;
    taken.push([index, index + length]);
    const before = lower.slice(Math.max(0, index - 8), index);
    if (DEMANDED.test(before)) return;
    const afterVerb = DEDUCT_BEFORE.test(before);
    out.push({ value: `${value.toFixed(2)} ${currency}`, index, afterVerb });
  };
  for (const m of lower.matchAll(PREFIX))
    add(m.index, m[0].length, Number((m[2] ?? '').replace(',', '.')), currencyOf(m[1] ?? ''));
  for (const m of lower.matchAll(SUFFIX)) add(m.index, m[0].length, Number(m[1]), currencyOf(m[2] ?? ''));
  for (const m of lower.matchAll(KUAI)) {
    const whole = parseChineseNumber(m[1] ?? '');
    if (whole === undefined || (m[1] === '一' && !m[3])) continue; // 「一块去」 is "together"
    const jiao = m[3] ? (parseChineseNumber(m[3]) ?? 0) : 0;
    const fen = m[4] ? (parseChineseNumber(m[4]) ?? 0) : 0;
    add(m.index, m[0].length, whole + jiao / 10 + fen / 100, 'CNY');
  }
  for (const m of lower.matchAll(AFTER_VERB)) {
    const num = m[1] ?? '';
    const at = m.index + m[0].lastIndexOf(num);
    add(at, num.length, parseChineseNumber(num), 'CNY');
  }
  return out.sort((a, b) => a.index - b.index);
}

/**
 * The amount a message is about: the first one right after a deduction verb, else the first one.
 *
 * @example
 * findAmount('买的98元的年卡，又扣了我30')?.value; // '30.00 CNY'
 */
export function findAmount(lower: string): FoundAmount | undefined {
  const all = findAmounts(lower);
  return all.find((a) => a.afterVerb) ?? all[0];
}

/**
 * An answer to "how much?": a sentence with an amount in it, or a bare number (digits or a Chinese
 * numeral), optionally with a currency sign or word. Undefined when there is none.
 *
 * @example
 * parseAmount('三十九'); // '39.00 CNY'
 */
export function parseAmount(lower: string): string | undefined {
  const text = lower.replace(/,(?=\d{3}\b)/g, '').trim();
  const found = findAmount(text);
  if (found) return found.value;
  const m = new RegExp(`^(?:大概|大约|约|about|around)?\\s*(${N})\\s*(?:左右|多)?$`, 'u').exec(text);
  const value = m ? parseChineseNumber((m[1] ?? '').replace(',', '.')) : undefined;
  return value !== undefined && value > 0 && value < 1_000_000 ? `${value.toFixed(2)} CNY` : undefined;
}

function currencyOf(sign: string): string {
  return CURRENCY.find(([re]) => re.test(sign.trim()))?.[1] ?? 'CNY';
}
