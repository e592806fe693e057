import { parseChineseNumber } from './numbers.ts';

/**
 * The rules dates.ts reads dates with: the patterns people say dates in (Chinese and English), and the
 * calendar arithmetic that turns each into a day relative to today, looking back (a charge that happened) or
 * ahead (a reminder). Pure.
 */

/**
 * A calendar day as numbers.
 *
 * @example
 * const t: Ymd = { y: 2026, m: 11, d: 25 };
 */
export type Ymd = { y: number; m: number; d: number };
const DAY = 86_400_000;

const CN = '[0-9一二三四五六七八九十两]{1,3}';
const WEEKDAY: Record<string, number> = { 一: 1, 二: 2, 三: 3, 四: 4, 五: 5, 六: 6, 日: 7, 天: 7 };
const EN_WEEKDAYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'];
const EN_MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const MONTH =
  '(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\\.?';
const EN_COUNT: Record<string, number> = {
  a: 1,
  an: 1,
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
};
const ORD = '(?:st|nd|rd|th)?';

/**
 * Which way a date said without a year (month, week) lies from today: the latest one, or the next one.
 *
 * @example
 * const way: Way = 'ahead'; // 「15号」 is the next 15th
 */
export type Way = 'past' | 'ahead';

/**
 * A pattern and how it turns into a date relative to today.
 *
 * @example
 * const rule: Rule = [/明天|tomorrow/u, (_m, t) => ({ ymd: addDays(t, 1) })];
 */
export type Rule = [
  RegExp,
  (m: RegExpExecArray, today: Ymd, way: Way) => { ymd: Ymd; explicit?: boolean } | undefined,
];

/**
 * The patterns dates are said in, most specific first (a text span is read by the first rule that matches it),
 * each with how it becomes a day relative to today.
 *
 * @example
 * RULES.length; // one per way of saying a date
 */
export const RULES: Rule[] = [
  [
    /(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*[日号]?/u,
    (m) => ({ ymd: ymd(m[1], m[2], m[3]), explicit: true }),
  ],
  [
    /(?<![0-9a-z])(20\d{2})(\d{2})(\d{2})(?![0-9a-z])/u,
    (m) => ({ ymd: ymd(m[1], m[2], m[3]), explicit: true }),
  ],
  [
    new RegExp(`(去年|今年|前年|明年)?\\s*(${CN})\\s*月\\s*(${CN})\\s*[日号]`, 'u'),
    (m, t, way) => monthDay(m[1], m[2], m[3], t, way),
  ],
  [/(?<![0-9.])(\d{1,2})[./](\d{1,2})\s*[日号]/u, (m, t, way) => monthDay(undefined, m[1], m[2], t, way)],
  [
    new RegExp(`(上上个?月|上个?月|这个?月|本月|下下个?月|下个?月)\\s*(${CN})\\s*[日号]`, 'u'),
    (m, t) => relativeMonthDay(m[1] ?? '', m[2], t),
  ],
  [new RegExp(`(?<![0-9月./-])(${CN})\\s*[号日](?![0-9])`, 'u'), (m, t, way) => dayOnly(m[1], t, way)],
  [/大前天/u, (_m, t) => ({ ymd: addDays(t, -3) })],
  [/前天|the day before yesterday/u, (_m, t) => ({ ymd: addDays(t, -2) })],
  [/昨天|昨日|昨晚|昨早|yesterday|last night/u, (_m, t) => ({ ymd: addDays(t, -1) })],
  [/今天|今日|今早|今晚|today|tonight|this morning/u, (_m, t) => ({ ymd: t })],
  [/大后天/u, (_m, t) => ({ ymd: addDays(t, 3) })],
  [/后天|the day after tomorrow/u, (_m, t) => ({ ymd: addDays(t, 2) })],
  [/明天|明日|tomorrow/u, (_m, t) => ({ ymd: addDays(t, 1) })],
  [new RegExp(`(${CN})\\s*天(?:以)?前`, 'u'), (m, t) => back(m[1], 1, t)],
  [new RegExp(`(${CN})\\s*(?:周|个?星期|个?礼拜)(?:以)?前`, 'u'), (m, t) => back(m[1], 7, t)],
  [new RegExp(`(${CN})\\s*天(?:以|之)?后`, 'u'), (m, t) => back(m[1], -1, t)],
  [new RegExp(`(${CN})\\s*(?:周|个?星期|个?礼拜)(?:以|之)?后`, 'u'), (m, t) => back(m[1], -7, t)],
  [new RegExp(`(${CN})\\s*个月(?:以|之)?后`, 'u'), (m, t) => monthsAhead(num(m[1]), t)],
  [
    /(上上|上|这|本|下下|下)?\s*个?(?:周|星期|礼拜)([一二三四五六日天1-7])/u,
    (m, t, way) => weekday(m[1], m[2], t, way),
  ],
  [/(\d+|a|an|one|two|three|four|five|six|seven) days? ago/u, (m, t) => back(m[1], 1, t)],
  [/(\d+|a|an|one|two|three|four) weeks? ago/u, (m, t) => back(m[1], 7, t)],
  [/in (\d+|a|an|one|two|three|four|five|six|seven) days?/u, (m, t) => back(m[1], -1, t)],
  [/in (\d+|a|an|one|two|three|four) weeks?/u, (m, t) => back(m[1], -7, t)],
  [
    /in (\d+|a|an|one|two|three|four|five|six) months?/u,
    (m, t) => monthsAhead(EN_COUNT[m[1] ?? ''] ?? num(m[1]), t),
  ],
  [
    /(last|this|on|next)?\s*(monday|tuesday|wednesday|thursday|friday|saturday|sunday)/u,
    (m, t, way) => enWeekday(m[1], m[2], t, way),
  ],
  [
    new RegExp(`${MONTH}\\s+(\\d{1,2})${ORD}(?:,?\\s*(\\d{4}))?(?![0-9])`, 'u'),
    (m, t, way) => enMonthDay(m[1], m[2], m[3], t, way),
  ],
  [
    new RegExp(`(?<![0-9])(\\d{1,2})${ORD}\\s+(?:of\\s+)?${MONTH}(?:,?\\s*(\\d{4}))?`, 'u'),
    (m, t, way) => enMonthDay(m[2], m[1], m[3], t, way),
  ],
  [/the (\d{1,2})(?:st|nd|rd|th)/u, (m, t, way) => dayOnly(m[1], t, way)],
];

function num(s: string | undefined): number {
  return s === undefined ? Number.NaN : (parseChineseNumber(s) ?? Number.NaN);
}

function ymd(y: string | undefined, m: string | undefined, d: string | undefined): Ymd {
  return { y: num(y), m: num(m), d: num(d) };
}

/**
 * True for a real calendar day between 2000 and 2200.
 *
 * @example
 * valid({ y: 2026, m: 2, d: 30 }); // false
 */
export function valid({ y, m, d }: Ymd): boolean {
  if (![y, m, d].every(Number.isInteger) || y < 2000 || y > 2200) return false;
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

/**
 * The day as `YYYY-MM-DD`.
 *
 * @example
 * isoOf({ y: 2026, m: 1, d: 3 }); // '2026-01-03'
 */
export function isoOf({ y, m, d }: Ymd): string {
  return `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

function addDays(t: Ymd, days: number): Ymd {
  const date = new Date(Date.UTC(t.y, t.m - 1, t.d) + days * DAY);
  return { y: date.getUTCFullYear(), m: date.getUTCMonth() + 1, d: date.getUTCDate() };
}

function back(count: string | undefined, unit: number, t: Ymd) {
  const n = EN_COUNT[count ?? ''] ?? num(count);
  return Number.isInteger(n) && n > 0 && n < 400 ? { ymd: addDays(t, -n * unit) } : undefined;
}

/** Month and day with an optional year word; without one, this year unless that lies the other way from today. */
function monthDay(
  yearWord: string | undefined,
  m: string | undefined,
  d: string | undefined,
  t: Ymd,
  way: Way,
) {
  const shift = { 去年: -1, 前年: -2, 明年: 1 }[yearWord ?? ''] ?? 0;
  const date = { y: t.y + shift, m: num(m), d: num(d) };
  if (!yearWord && way === 'past' && isoOf(date) > isoOf(t)) date.y -= 1;
  if (!yearWord && way === 'ahead' && isoOf(date) < isoOf(t)) date.y += 1;
  return { ymd: date };
}

function relativeMonthDay(which: string, d: string | undefined, t: Ymd) {
  const shift = { 上上: -2, 上: -1, 下下: 2, 下: 1 }[which.replace(/个?月$/u, '')] ?? 0;
  const monthIndex = t.y * 12 + (t.m - 1) + shift;
  return { ymd: { y: Math.floor(monthIndex / 12), m: (monthIndex % 12) + 1, d: num(d) } };
}

/** `n` months from today, on the same day of the month (or the month's last day when it has fewer). */
function monthsAhead(n: number, t: Ymd) {
  if (!(Number.isInteger(n) && n > 0 && n <= 13)) return undefined;
  const monthIndex = t.y * 12 + (t.m - 1) + n;
  const y = Math.floor(monthIndex / 12);
  const m = (monthIndex % 12) + 1;
  const last = new Date(Date.UTC(y, m, 0)).getUTCDate();
  return { ymd: { y, m, d: Math.min(t.d, last) } };
}

/** A day of the month alone: this month, or the month before (looking back) or after (ahead) when it lies the other way. */
function dayOnly(d: string | undefined, t: Ymd, way: Way) {
  const day = num(d);
  if (!(day >= 1 && day <= 31)) return undefined;
  if (way === 'ahead') return day >= t.d ? { ymd: { y: t.y, m: t.m, d: day } } : relativeMonthDay('下', d, t);
  return day <= t.d ? { ymd: { y: t.y, m: t.m, d: day } } : relativeMonthDay('上', d, t);
}

/**
 * Weeks start on Monday. 上周X: last week's; 这周X: this week's; 下周X: next week's; 周X alone: the latest X up to
 * today, or looking ahead the next X from today.
 */
function weekday(which: string | undefined, day: string | undefined, t: Ymd, way: Way) {
  const target = WEEKDAY[day ?? ''] ?? num(day);
  if (!(target >= 1 && target <= 7)) return undefined;
  const todayDow = new Date(Date.UTC(t.y, t.m - 1, t.d)).getUTCDay() || 7;
  if (!which)
    return way === 'ahead'
      ? { ymd: addDays(t, (target - todayDow + 7) % 7) }
      : { ymd: addDays(t, -((todayDow - target + 7) % 7)) };
  const weeks = { 上上: -2, 上: -1, 下下: 2, 下: 1 }[which] ?? 0;
  return { ymd: addDays(t, target - todayDow + 7 * weeks) };
}

function enWeekday(which: string | undefined, name: string | undefined, t: Ymd, way: Way) {
  const target = EN_WEEKDAYS.indexOf(name ?? '') + 1;
  if (which === 'next') {
    // "next Friday": the first Friday after today.
    const todayDow = new Date(Date.UTC(t.y, t.m - 1, t.d)).getUTCDay() || 7;
    return { ymd: addDays(t, ((target - todayDow + 6) % 7) + 1) };
  }
  return weekday(which === 'last' ? '上' : undefined, String(target), t, way);
}

function enMonthDay(
  month: string | undefined,
  d: string | undefined,
  y: string | undefined,
  t: Ymd,
  way: Way,
) {
  const m = EN_MONTHS.indexOf((month ?? '').slice(0, 3)) + 1;
  if (y) return { ymd: { y: Number(y), m, d: Number(d) }, explicit: true };
  return monthDay(undefined, String(m), d, t, way);
}
