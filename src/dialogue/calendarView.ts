/**
 * What a `show: calendar` state shows (flows: after a `fact: reminder` question): the day in words, what the
 * file is, and the calendar file (.ics) for that day, or, when the day was skipped, that there is no
 * reminder. Pure: the translator and `now` (the file's time stamp) are passed in.
 */
import type { FlowBundle } from '../flows/bundle.ts';
import type { FlowContext } from '../flows/context.ts';
import type { Lang } from '../i18n/lang.ts';
import type { Translator } from '../i18n/translator.ts';
import { reminderIcs } from '../receipts/calendar.ts';
import type { Attachment, CalendarSource } from './types.ts';

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/**
 * The day the reminder question was answered with (`YYYY-MM-DD`), or undefined when it was skipped.
 *
 * @example
 * reminderDay({ ...ctx, fields: { fact_reminder: '2026-12-24' } }); // '2026-12-24'
 */
export function reminderDay(ctx: FlowContext): string | undefined {
  const day = ctx.fields.fact_reminder;
  return day !== undefined && DAY.test(day) ? day : undefined;
}

/**
 * A day as people read it: 「2026年12月24日（星期四）」, "Thursday 24 December 2026". Written out here rather than
 * by Intl, whose wording changes between ICU versions.
 *
 * @example
 * dayInWords('en', '2026-12-24'); // 'Thursday 24 December 2026'
 */
export function dayInWords(lang: Lang, day: string): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  const weekday = new Date(Date.UTC(y, m - 1, d)).getUTCDay();
  if (lang === 'en') return `${EN_WEEKDAYS[weekday]} ${d} ${EN_MONTHS[m - 1]} ${y}`;
  return `${y}年${m}月${d}日（星期${'日一二三四五六'[weekday]}）`;
}

const EN_WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const EN_MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

/**
 * The calendar file's name for a day.
 *
 * @example
 * calendarFileName('2026-12-24'); // 'cancelmate-reminder-2026-12-24.ics'
 */
export function calendarFileName(day: string): string {
  return `cancelmate-reminder-${day}.ics`;
}

/**
 * What a `show: calendar` state shows: the day in words and what the file is, with the .ics file; or, when
 * the day was skipped, that there is no reminder (and how to set one).
 *
 * @example
 * const { text, files } = calendarView(bundle, tr, ctx, 'zh-CN', now);
 * files[0]?.contentType; // 'text/calendar; charset=utf-8'
 */
export function calendarView(
  bundle: FlowBundle,
  tr: Translator,
  ctx: FlowContext,
  lang: Lang,
  now: Date,
): { text: string; files: Attachment[] } {
  const day = reminderDay(ctx);
  if (!day) return { text: tr.common(lang, 'reminder.noDay'), files: [] };
  const source = { day, ...(ctx.platform ? { platform: ctx.platform } : {}), lang, stamp: now.toISOString() };
  return {
    text: tr.common(lang, 'reminder.calendar', { day: dayInWords(lang, day), file: calendarFileName(day) }),
    files: [calendarFile(bundle, tr, source)],
  };
}

/**
 * The calendar file made from its source: the same source gives the same bytes, so a redelivered message gets
 * the file it got the first time without the file being stored.
 *
 * @example
 * calendarFile(bundle, tr, { day: '2026-12-24', platform: 'iqiyi', lang: 'zh-CN', stamp: now.toISOString() }).filename;
 * // 'cancelmate-reminder-2026-12-24.ics'
 */
export function calendarFile(bundle: FlowBundle, tr: Translator, source: CalendarSource): Attachment {
  const { day, platform, lang } = source;
  const what = membershipName(bundle, tr, { platform: platform ?? null }, lang);
  const content = reminderIcs({
    // The same day and membership give the same event: a calendar replaces it rather than adding another.
    uid: `${day}-${platform ?? 'membership'}@reminder.cancelmate`,
    date: day,
    stamp: new Date(source.stamp),
    title: tr.common(lang, 'reminder.title', { what }),
    description: tr.common(lang, 'reminder.description', { what }),
  });
  return {
    filename: calendarFileName(day),
    contentType: 'text/calendar; charset=utf-8',
    content,
    calendar: source,
  };
}

/**
 * The membership's platform as the user picked it, else a plain word for "the membership".
 *
 * @example
 * membershipName(bundle, tr, { ...ctx, platform: 'iqiyi' }, 'zh-CN'); // '爱奇艺 VIP'
 */
export function membershipName(
  bundle: FlowBundle,
  tr: Translator,
  ctx: Pick<FlowContext, 'platform'>,
  lang: Lang,
): string {
  const platform = ctx.platform ? bundle.catalogue.byId.get(ctx.platform) : undefined;
  return platform?.name[lang] ?? tr.common(lang, 'reminder.membership');
}
