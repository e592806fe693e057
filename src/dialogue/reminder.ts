/**
 * A reminder message before the next deduction. The flows ask the day (a `fact: reminder` question) and then
 * show a `show: calendar` state (its calendar file: calendarView.ts). Where the message came from a channel
 * that can write to the user later (Telegram), this module offers a message on that day — saying that the
 * chat id is kept until then — and decides what taking the offer does; the engine then stores the reminder
 * ({@link reminderToKeep}). Pure: the translator, `now` and the time zone are passed in.
 */
import type { FlowBundle } from '../flows/bundle.ts';
import type { Lang } from '../i18n/lang.ts';
import type { Translator } from '../i18n/translator.ts';
import { DEFAULT_TIME_ZONE, localHourInstant } from '../receipts/localTime.ts';
import type { StoredReminder } from '../store/port.ts';
import { dayInWords, membershipName, reminderDay } from './calendarView.ts';
import type { ConversationState } from './conversation.ts';
import type { Decision, StepEnv } from './decision.ts';

/**
 * The hour (in the installation's TIME_ZONE) a message reminder is sent, and the calendar file's alarm rings
 * (in the phone's zone). The texts say 9:00 (locales/<lang>/common.json `reminder.*`).
 *
 * @example
 * localHourInstant('2026-12-24', REMINDER_HOUR, 'Asia/Shanghai'); // 2026-12-24T01:00:00.000Z
 */
export const REMINDER_HOUR = 9;

/**
 * True when the guide offers a message on the reminder day (the engine choice `_remind_me`): the message
 * came from a channel that can write later, this state hands out the calendar, there is a day, and no
 * message reminder was taken for that day yet.
 *
 * @example
 * remindMeOffered({ ...env, notify: { channel: 'telegram' } }, conv); // true at reminder_set with a day
 */
export function remindMeOffered(env: StepEnv, conv: ConversationState): boolean {
  const day = reminderDay(conv.ctx);
  return (
    env.notify !== undefined &&
    env.bundle.states[conv.state]?.show === 'calendar' &&
    day !== undefined &&
    conv.remindOn !== day
  );
}

/**
 * The words that come with the offer: when the message would come, and that the chat id is kept until it is
 * sent or the user deletes their data.
 *
 * @example
 * remindOffer(env, conv); // '也可以让我在那天上午 9 点左右，直接在 Telegram 里给你发一条提醒。为了能给你发消息，…'
 */
export function remindOffer(env: StepEnv, conv: ConversationState): string {
  return env.tr.common(conv.lang, 'reminder.offer', { channel: channelName(env, conv.lang) });
}

/**
 * Taking the offer: the conversation remembers the day (the offer is not made again for it), the user is told
 * when the message will come and how to cancel it, and the engine stores the reminder (`effect: 'remind'`).
 *
 * @example
 * remindMe(env, conv).effect; // 'remind'
 */
export function remindMe(env: StepEnv, conv: ConversationState): Decision {
  const day = reminderDay(conv.ctx);
  if (!day || !remindMeOffered(env, conv))
    return { conv, note: env.tr.common(conv.lang, 'stale'), moved: false, stale: true };
  const next = { ...conv, remindOn: day, turn: conv.turn + 1 };
  const note = env.tr.common(conv.lang, 'reminder.optedIn', {
    day: dayInWords(conv.lang, day),
    channel: channelName(env, conv.lang),
  });
  return { conv: next, note, moved: false, askOnly: true, effect: 'remind' };
}

/**
 * The reminder to store after {@link remindMe}: due at {@link REMINDER_HOUR} on the day in `timeZone`, with
 * the message already in the user's language. Undefined when the conversation has no day.
 *
 * @example
 * reminderToKeep(deps, conv, { channel: 'telegram', address: '424242' }, now)?.dueAt; // '2026-12-24T01:00:00.000Z'
 */
export function reminderToKeep(
  deps: { bundle: FlowBundle; tr: Translator; timeZone?: string },
  conv: ConversationState,
  to: { channel: string; address: string },
  now: Date,
): Omit<StoredReminder, 'conversationId' | 'id'> | undefined {
  const day = reminderDay(conv.ctx);
  if (!day) return undefined;
  const what = membershipName(deps.bundle, deps.tr, conv.ctx, conv.lang);
  return {
    channel: to.channel,
    address: to.address,
    day,
    dueAt: localHourInstant(day, REMINDER_HOUR, deps.timeZone ?? DEFAULT_TIME_ZONE).toISOString(),
    lang: conv.lang,
    text: deps.tr.common(conv.lang, 'reminder.message', { day: dayInWords(conv.lang, day), what }),
    createdAt: now.toISOString(),
  };
}

/** The channel's name as users know it (`reminder.channels.<channel>`), else its id. */
function channelName(env: StepEnv, lang: Lang): string {
  const channel = env.notify?.channel ?? '';
  const key = `reminder.channels.${channel}`;
  const name = env.tr.common(lang, key);
  return name && name !== key ? name : channel;
}
