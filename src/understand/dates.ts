import { DEFAULT_TIME_ZONE, localDay } from '../receipts/localTime.ts';
import { isoOf, RULES, type Rule, valid, type Way, type Ymd } from './dateRules.ts';

/**
 * Dates as people say them, resolved in the user's time zone (Asia/Shanghai unless told otherwise):
 * 今天, 昨天, 前天, 三天前, 上周二 (last calendar week's Tuesday), 周二 (the latest Tuesday up to today),
 * 上个月15号, 15号 (this month, or last month if that is still ahead), 11月3日 (this year, or last year if
 * that is still ahead), 2026-11-03, 2026年11月3日, yesterday, 2 days ago, last Friday, Nov 3, the 15th.
 * Looking ahead ({@link findComingDate}, for a reminder) the same words mean the next such day, and 明天,
 * 后天, 三天后, 下周五, 下个月15号, 明年1月3日, tomorrow, in 3 days, next Friday are read too.
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
  /** Where the date's words end in the text (exclusive). */
  end: number;
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

const GLOBAL_RULES: Rule[] = RULES.map(([re, make]) => [new RegExp(re.source, 'gu'), make]);

const VERB_AFTER = /^.{0,4}?(扣|续费|续了|charged|billed|took|deducted|renewed)/u;

/**
 * Every date in `lower` (lower-case text), in order of appearance.
 *
 * @example
 * findDates('10月15号开的会员今天又扣了', now).map((d) => d.value); // ['2026-10-15', '2026-11-25']
 */
export function findDates(lower: string, now: Date, timeZone = DEFAULT_TIME_ZONE): FoundDate[] {
  const out: FoundDate[] = [];
  for (const found of scan(lower, now, timeZone, 'past')) {
    const { iso, made, today, start, end } = found;
    // An explicit date may be "today" anywhere on Earth (UTC+14) before it counts as the future.
    const future = made.explicit
      ? Date.parse(`${iso}T00:00:00Z`) > now.getTime() + 14 * 3600_000
      : iso > isoOf(today);
    if (future && !made.explicit) continue;
    const nearVerb = VERB_AFTER.test(lower.slice(end));
    out.push({ value: iso, index: start, end, future, nearVerb });
  }
  return out;
}

/**
 * The first date in `lower` (lower-case text) read as a day to come: a month, week or day said without a year
 * is the next such day (today included), and 明天, 下周五, 三天后, next Friday … count. `past` is true for a
 * day before today (昨天, an explicit 2025-01-01): a reminder refuses it rather than guess.
 *
 * @example
 * findComingDate('11月15日', new Date('2026-11-25T04:00:00Z')); // { value: '2027-11-15', past: false }
 * findComingDate('下个月15号', new Date('2026-11-25T04:00:00Z'))?.value; // '2026-12-15'
 * findComingDate('昨天', new Date('2026-11-25T04:00:00Z')); // { value: '2026-11-24', past: true }
 */
export function findComingDate(
  lower: string,
  now: Date,
  timeZone = DEFAULT_TIME_ZONE,
): { value: string; past: boolean } | undefined {
  const [first] = scan(lower, now, timeZone, 'ahead');
  return first ? { value: first.iso, past: first.iso < isoOf(first.today) } : undefined;
}

/** Every valid date the rules find, in order of appearance, each text span read once (the first rule wins). */
function scan(lower: string, now: Date, timeZone: string, way: Way) {
  let todayKnown: Ymd | undefined;
  const out: { iso: string; made: { explicit?: boolean }; today: Ymd; start: number; end: number }[] = [];
  const taken: [number, number][] = [];
  for (const [global, make] of GLOBAL_RULES) {
    for (const m of lower.matchAll(global)) {
      todayKnown ??= todayIn(now, timeZone);
      const today = todayKnown;
      const start = m.index;
      const end = start + m[0].length;
      if (taken.some(([a, b]) => start < b && end > a)) continue;
      const made = make(m as RegExpExecArray, today, way);
      if (!made || !valid(made.ymd)) continue;
      taken.push([start, end]);
      out.push({ iso: isoOf(made.ymd), made, today, start, end });
    }
  }
  return out.sort((a, b) => a.start - b.start);
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
