/**
 * The shapes every channel speaks to the dialogue engine in.
 *
 * A channel turns its wire format into an {@link Inbound}, calls the engine, and renders the
 * {@link Reply} list back into its own format. Nothing here knows about any channel.
 *
 * @example
 * const replies = engine.handle({ channel: 'terminal', userId: 'local', messageId: 'm1', text: '1' });
 * for (const r of replies) console.log(r.text, r.choices?.map((c) => c.label));
 */

/** A button or numbered option. `id` is short and ASCII (it travels in Telegram's 64-byte callback_data). */
export interface Choice {
  id: string;
  label: string;
}

/** A file a channel may hand to the user (a receipt as HTML or JSON, a reminder's calendar file). */
export interface Attachment {
  filename: string;
  contentType: string;
  content: string;
  /** What a reminder's calendar file was made from, so a redelivery can make it again (channels ignore it). */
  calendar?: CalendarSource;
}

/**
 * What a reminder's calendar file is made from: the day, the membership's platform, the language, the time stamp.
 *
 * @example
 * const source: CalendarSource = { day: '2026-12-24', platform: 'iqiyi', lang: 'zh-CN', stamp: '2026-11-25T04:00:00.000Z' };
 */
export interface CalendarSource {
  day: string;
  platform?: string;
  lang: 'zh-CN' | 'en';
  stamp: string;
}

/**
 * One message from the guide to the user.
 *
 * @example
 * { text: '会员是在哪里买的？', choices: [{ id: 'kamen', label: '卡盟网站' }], turn: 3 }
 */
export interface Reply {
  text: string;
  choices?: Choice[];
  /** The question counter this reply's choices belong to; a press carrying an older turn is stale. */
  turn?: number;
  attachments?: Attachment[];
  /**
   * What this reply is, when it is not a question: `letter` = a document the user copies and sends (the
   * demand letter, the 12315 text). Channels show a letter as its own message with its {@link Reply.title}
   * and, where they can, a copy button.
   */
  kind?: 'letter';
  /** A heading for a document reply, e.g. 「给商家的书面要求」. */
  title?: string;
  /** Present when this reply hands out a receipt: its id and the secret token that unlocks it. */
  receipt?: { id: string; token: string };
}

/**
 * One message from the user. `messageId` makes it idempotent: the same `(channel, userId, messageId)`
 * twice gets the same replies and changes nothing the second time.
 *
 * @example
 * { channel: 'telegram', userId: '42', messageId: 'u:1001', choice: 'auto', turn: 3 }
 */
export interface Inbound {
  channel: string;
  userId: string;
  messageId: string;
  /** Free text as typed (a number or a label also selects a choice). */
  text?: string;
  /** A choice id from a button press. */
  choice?: string;
  /** The turn the pressed button belonged to (see {@link Reply.turn}). */
  turn?: number;
  /** The channel's guess of the user's language (e.g. Telegram's language_code), used until the user picks one. */
  langHint?: string;
  /** When the message arrived; defaults to now. */
  at?: Date;
  /**
   * Where this channel can send the user a message later, unasked (Telegram: the private chat's id). Only a
   * channel that sends due reminders sets it; with it the guide offers a message on a reminder's day, and the
   * address is stored with that reminder until it is sent or the user deletes their data.
   */
  notifyAddress?: string;
}
