/**
 * Chinese numerals as people type them: 三十, 十九, 一百二十八, 两百, 一千二 (= 1200), 一百零五, 3千, 1万5.
 * Pure; undefined for anything that is not a whole numeral.
 *
 * @example
 * parseChineseNumber('一百二十八'); // 128
 * parseChineseNumber('一千二');     // 1200
 * parseChineseNumber('十五');       // 15
 */
export function parseChineseNumber(s: string): number | undefined {
  if (!s || !NUMERAL.test(s)) return undefined;
  if (/^\d+(\.\d+)?$/.test(s)) return Number(s);
  const wan = s.split('万');
  if (wan.length > 2) return undefined;
  if (wan.length === 2) {
    const high = wan[0] ? section(wan[0]) : 1;
    const low = wan[1] ? section(wan[1], 10000) : 0;
    return high === undefined || low === undefined ? undefined : high * 10000 + low;
  }
  return section(s);
}

/**
 * Characters a numeral may contain.
 *
 * @example
 * new RegExp(`^[${NUMERAL_CHARS}]+$`).test('一百二十八'); // true
 */
export const NUMERAL_CHARS = '0-9零〇一二两三四五六七八九十百千万';
const NUMERAL = new RegExp(`^[${NUMERAL_CHARS}.]+$`);

const DIGIT: Record<string, number> = {
  零: 0,
  〇: 0,
  一: 1,
  二: 2,
  两: 2,
  三: 3,
  四: 4,
  五: 5,
  六: 6,
  七: 7,
  八: 8,
  九: 9,
};
const UNIT: Record<string, number> = { 十: 10, 百: 100, 千: 1000 };

/** A section below 10,000; `above` is the unit before it (for 「一万五」 = 15000). */
function section(s: string, above = 0): number | undefined {
  let total = 0;
  let pending: number | undefined;
  let lastUnit = above;
  // Whether the token before the pending digit was a unit (「一百五」: 五 right after 百).
  let prevWasUnit = above > 0;
  let pendingAfterUnit = false;
  const chars = [...s];
  for (let i = 0; i < chars.length; i += 1) {
    const ch = chars[i] ?? '';
    if (/\d/.test(ch)) {
      let j = i;
      while (j < chars.length && /[\d.]/.test(chars[j] ?? '')) j += 1;
      pending = Number(chars.slice(i, j).join(''));
      if (Number.isNaN(pending)) return undefined;
      pendingAfterUnit = prevWasUnit;
      prevWasUnit = false;
      i = j - 1;
    } else if (ch in DIGIT) {
      if (pending !== undefined) return undefined; // 「三五」 is not a number
      if (ch === '零') {
        prevWasUnit = false;
        continue;
      }
      pending = DIGIT[ch];
      pendingAfterUnit = prevWasUnit;
      prevWasUnit = false;
    } else if (ch in UNIT) {
      const unit = UNIT[ch] ?? 1;
      if (lastUnit && unit >= lastUnit && lastUnit !== above) return undefined;
      total += (pending ?? (unit === 10 ? 1 : Number.NaN)) * unit;
      if (Number.isNaN(total)) return undefined;
      pending = undefined;
      lastUnit = unit;
      prevWasUnit = true;
    } else return undefined;
  }
  if (pending !== undefined) {
    // 「一百五」 = 150, 「一千二」 = 1200: a lone digit right after a unit counts in the next unit down.
    total += pendingAfterUnit && lastUnit >= 100 ? pending * (lastUnit / 10) : pending;
  }
  return total;
}
