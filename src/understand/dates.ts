import { DEFAULT_TIME_ZONE, localDay } from '../receipts/localTime.ts';
import { parseChineseNumber } from './numbers.ts';

/**
 * Dates as people say them, resolved in the user's time zone (Asia/Shanghai unless told otherwise):
 * 今天, 昨天, 前天, 三天前, 上周二 (last calendar week's Tuesday), 周二 (the latest Tuesday up to today),
 * 上个月15号, 15号 (this month, or last month if that is still ahead), 11月3日 (this year, or last year if
 * that is still ahead), 2026-11-03, 2026年11月3日, yesterday, 2 days ago, last Friday, Nov 3, the 15th.
 * Pure: `now` is passed in.
 *
 * @example
 * findDate('上个月15号被扣了98', new Date('2026-11-25T04:00:00Z')); // { value: '2026-10-15', … }
 * findDate('11月30日', new Date('2026-11-25T04:00:00Z'))?.value;   // '2025-11-30'
 */
export interface FoundDate {
  /** YYYY-MM-DD, or undefined when the date said is in the future (see `future`). */
  value: string;
  index: number;
  /** True for a date given in full (2099-01-01) that lies after today: refuse it rather than guess. */
  future: boolean;
  /** True when a deduction word follows closely (…扣的, charged …). */
  nearVerb: boolean;
}

/**
 * The time zone dates are read in when none is configured: the one the letters and receipts use
 * (src/receipts/localTime.ts), so 「今天」 and the letter's date are one day.
 *
 * @example
 * todayIn(new Date('2026-11-25T17:00:00Z'), DEFAULT_TIME_ZONE); // { y: 2026, m: 11, d: 26 }
 */
export { DEFAULT_TIME_ZONE };

type Ymd = { y: number; m: number; d: number };
const DAY = 86_400_000;

/**
 * Today's calendar date in `timeZone` (an unknown zone falls back to Asia/Shanghai; TIME_ZONE is validated
 * at start-up, so only a direct caller can pass one).
 *
 * @example
 * todayIn(new Date('2026-11-25T17:00:00Z'), 'America/Los_Angeles'); // { y: 2026, m: 11, d: 25 }
 */
export function todayIn(now: Date, timeZone = DEFAULT_TIME_ZONE): Ymd {
  let day: string;
  try {
    day = localDay(now, timeZone);
  } catch {
    day = localDay(now, DEFAULT_TIME_ZONE);
  }
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return { y, m, d };
}

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

/** A pattern and how it turns into a date relative to today. */
type Rule = [RegExp, (m: RegExpExecArray, today: Ymd) => { ymd: Ymd; explicit?: boolean } | undefined];

const RULES: Rule[] = [
  [
    /(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*[日号]?/u,
    (m) => ({ ymd: ymd(m[1], m[2], m[3]), explicit: true }),
  ],
  [
    /(?<![0-9a-z])(20\d{2})(\d{2})(\d{2})(?![0-9a-z])/u,
    (m) => ({ ymd: ymd(m[1], m[2], m[3]), explicit: true }),
  ],
  [
    new RegExp(`(去年|今年|前年)?\\s*(${CN})\\s*月\\s*(${CN})\\s*[日号]`, 'u'),
    (m, t) => monthDay(m[1], m[2], m[3], t),
  ],
  [/(?<![0-9.])(\d{1,2})[./](\d{1,2})\s*[日号]/u, (m, t) => monthDay(undefined, m[1], m[2], t)],
  [
    new RegExp(`(上上个?月|上个?月|这个?月|本月)\\s*(${CN})\\s*[日号]`, 'u'),
    (m, t) => relativeMonthDay(m[1] ?? '', m[2], t),
  ],
  [new RegExp(`(?<![0-9月./-])(${CN})\\s*[号日](?![0-9])`, 'u'), (m, t) => dayOnly(m[1], t)],
  [/大前天/u, (_m, t) => ({ ymd: addDays(t, -3) })],
  [/前天|the day before yesterday/u, (_m, t) => ({ ymd: addDays(t, -2) })],
  [/昨天|昨日|昨晚|昨早|yesterday|last night/u, (_m, t) => ({ ymd: addDays(t, -1) })],
  [/今天|今日|今早|今晚|today|tonight|this morning/u, (_m, t) => ({ ymd: t })],
  [new RegExp(`(${CN})\\s*天(?:以)?前`, 'u'), (m, t) => back(m[1], 1, t)],
  [new RegExp(`(${CN})\\s*(?:周|个?星期|个?礼拜)(?:以)?前`, 'u'), (m, t) => back(m[1], 7, t)],
  [/(上上|上|这|本)?\s*个?(?:周|星期|礼拜)([一二三四五六日天1-7])/u, (m, t) => weekday(m[1], m[2], t)],
  [/(\d+|a|an|one|two|three|four|five|six|seven) days? ago/u, (m, t) => back(m[1], 1, t)],
  [/(\d+|a|an|one|two|three|four) weeks? ago/u, (m, t) => back(m[1], 7, t)],
  [
    /(last|this|on)?\s*(monday|tuesday|wednesday|thursday|friday|saturday|sunday)/u,
    (m, t) => enWeekday(m[1], m[2], t),
  ],
  [
    new RegExp(`${MONTH}\\s+(\\d{1,2})${ORD}(?:,?\\s*(\\d{4}))?(?![0-9])`, 'u'),
    (m, t) => enMonthDay(m[1], m[2], m[3], t),
  ],
  [
    new RegExp(`(?<![0-9])(\\d{1,2})${ORD}\\s+(?:of\\s+)?${MONTH}(?:,?\\s*(\\d{4}))?`, 'u'),
    (m, t) => enMonthDay(m[2], m[1], m[3], t),
  ],
  [/the (\d{1,2})(?:st|nd|rd|th)/u, (m, t) => dayOnly(m[1], t)],
];

const GLOBAL_RULES: Rule[] = RULES.map(([re, make]) => [new RegExp(re.source, 'gu'), make]);

const VERB_AFTER = /^.{0,4}?(扣|续费|续了|charged|billed|took|deducted|renewed)/u;

/**
 * Every date in `lower` (lower-case text), in order of appearance.
 *
 * @example
 * findDates('10月15号开的会员今天又扣了', now).map((d) => d.value); // ['2026-10-15', '2026-11-25']
 */
export function findDates(lower: string, now: Date, timeZone = DEFAULT_TIME_ZONE): FoundDate[] {
  let todayKnown: Ymd | undefined;
  const out: FoundDate[] = [];
  const taken: [number, number][] = [];
  for (const [global, make] of GLOBAL_RULES) {
    for (const m of lower.matchAll(global)) {
      todayKnown ??= todayIn(now, timeZone);
      const today = todayKnown;
      const start = m.index;
      const end = start + m[0].length;
      if (taken.some(([a, b]) => start < b && end > a)) continue;
      const made = make(m as RegExpExecArray, today);
      if (!made || !valid(made.ymd)) continue;
      taken.push([start, end]);
      const iso = isoOf(made.ymd);
      // An explicit date may be "today" anywhere on Earth (UTC+14) before it counts as the future.
      const future = made.explicit
        ? Date.parse(`${iso}T00:00:00Z`) > now.getTime() + 14 * 3600_000
        : iso > isoOf(today);
      if (future && !made.explicit) continue;
      const nearVerb = VERB_AFTER.test(lower.slice(end));
      out.push({ value: iso, index: start, future, nearVerb });
    }
  }
  return out.sort((a, b) => a.index - b.index);
}

/**
 * The date a message is about: the first one a deduction word follows, else the first one.
 *
 * @example
 * findDate('10月15号开的会员今天又扣了', now)?.value; // '2026-11-25' (the one the deduction follows)
 */
export function findDate(lower: string, now: Date, timeZone = DEFAULT_TIME_ZONE): FoundDate | undefined {
  const all = findDates(lower, now, timeZone);
  return all.find((d) => d.nearVerb) ?? all[0];
}

function num(s: string | undefined): number {
  return s === undefined ? Number.NaN : (parseChineseNumber(s) ?? Number.NaN);
}

function ymd(y: string | undefined, m: string | undefined, d: string | undefined): Ymd {
  return { y: num(y), m: num(m), d: num(d) };
}

function valid({ y, m, d }: Ymd): boolean {
  if (![y, m, d].every(Number.isInteger) || y < 2000 || y > 2200) return false;
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

function isoOf({ y, m, d }: Ymd): string {
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

/** Month and day with an optional year word; without one, this year unless that is still ahead. */
function monthDay(yearWord: string | undefined, m: string | undefined, d: string | undefined, t: Ymd) {
  const shift = yearWord === '去年' ? -1 : yearWord === '前年' ? -2 : 0;
  const date = { y: t.y + shift, m: num(m), d: num(d) };
  if (!yearWord && isoOf(date) > isoOf(t)) date.y -= 1;
  return { ymd: date };
}

function relativeMonthDay(which: string, d: string | undefined, t: Ymd) {
  const back = which.startsWith('上上') ? 2 : which.startsWith('上') ? 1 : 0;
  const monthIndex = t.y * 12 + (t.m - 1) - back;
  return { ymd: { y: Math.floor(monthIndex / 12), m: (monthIndex % 12) + 1, d: num(d) } };
}

/** A day of the month alone: this month, or last month when that day is still ahead. */
function dayOnly(d: string | undefined, t: Ymd) {
  const day = num(d);
  if (!(day >= 1 && day <= 31)) return undefined;
  return day <= t.d ? { ymd: { y: t.y, m: t.m, d: day } } : relativeMonthDay('上', d, t);
}

/** Weeks start on Monday. 上周X: last week's; 这周X: this week's; 周X alone: the latest X up to today. */
function weekday(which: string | undefined, day: string | undefined, t: Ymd) {
  const target = WEEKDAY[day ?? ''] ?? num(day);
  if (!(target >= 1 && target <= 7)) return undefined;
  const todayDow = new Date(Date.UTC(t.y, t.m - 1, t.d)).getUTCDay() || 7;
  if (!which) return { ymd: addDays(t, -((todayDow - target + 7) % 7)) };
  const weeksBack = which === '上上' ? 2 : which === '上' ? 1 : 0;
  return { ymd: addDays(t, target - todayDow - 7 * weeksBack) };
}

function enWeekday(which: string | undefined, name: string | undefined, t: Ymd) {
  const target = EN_WEEKDAYS.indexOf(name ?? '') + 1;
  return weekday(which === 'last' ? '上' : undefined, String(target), t);
}

function enMonthDay(month: string | undefined, d: string | undefined, y: string | undefined, t: Ymd) {
  const m = EN_MONTHS.indexOf((month ?? '').slice(0, 3)) + 1;
  if (y) return { ymd: { y: Number(y), m, d: Number(d) }, explicit: true };
  return monthDay(undefined, String(m), d, t);
}
