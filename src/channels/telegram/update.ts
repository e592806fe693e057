/**
 * The parts of a Telegram update the guide reads, as plain structural types that both grammY's and
 * Telegraf's `Update` fit, and {@link classifyUpdate}, which decides what an update is to the guide.
 *
 * @example
 * ```ts
 * const kind = classifyUpdate(ctx.update, { id: 7000001, username: 'cancelmate_bot' });
 * if (kind.type === 'text') engine.handle({ …, text: kind.text });
 * ```
 */
export interface TgUser {
  id: number;
  is_bot: boolean;
  language_code?: string;
}

/**
 * A chat; `type` is private, group, supergroup or channel.
 *
 * @example
 * ```ts
 * const chat: TgChat = { id: 42, type: 'private' };
 * ```
 */
export interface TgChat {
  id: number;
  type: string;
}

/**
 * A message entity (mentions, commands).
 *
 * @example
 * ```ts
 * const command: TgEntity = { type: 'bot_command', offset: 0, length: 6 }; // '/start'
 * ```
 */
export interface TgEntity {
  type: string;
  offset: number;
  length: number;
  user?: { id: number };
}

/**
 * A message as far as the guide cares.
 *
 * @example
 * ```ts
 * const msg: TgMessage = { message_id: 7, chat: { id: 42, type: 'private' }, text: '退款' };
 * ```
 */
export interface TgMessage {
  message_id: number;
  chat: TgChat;
  from?: TgUser;
  text?: string;
  entities?: TgEntity[];
}

/**
 * A button press.
 *
 * @example
 * ```ts
 * const press: TgCallbackQuery = { id: '9', from: { id: 42, is_bot: false }, data: 'auto|3' };
 * ```
 */
export interface TgCallbackQuery {
  id: string;
  from: TgUser;
  data?: string;
  /** The message the button was on: its text and keyboard (so the pressed button's label can be shown). */
  message?: {
    message_id: number;
    chat: TgChat;
    text?: string;
    reply_markup?: { inline_keyboard?: { text: string; callback_data?: string }[][] };
  };
}

/**
 * An update as far as the guide cares.
 *
 * @example
 * ```ts
 * const update: TgUpdate = ctx.update; // grammY's and Telegraf's updates both fit
 * ```
 */
export interface TgUpdate {
  update_id: number;
  message?: TgMessage;
  edited_message?: TgMessage;
  callback_query?: TgCallbackQuery;
}

/**
 * What an update is to the guide.
 *
 * @example
 * ```ts
 * if (kind.type === 'press') await io.answerCallback(kind.queryId);
 * ```
 */
export type UpdateKind =
  | { type: 'text'; chatId: number; from: TgUser; text: string }
  | {
      type: 'press';
      chatId: number;
      from: TgUser;
      queryId: string;
      data?: string;
      messageId?: number;
      /** The question's text and the pressed button's label, when Telegram sent the message along. */
      question?: { text: string; label: string };
    }
  | { type: 'notText'; chatId: number; from: TgUser }
  | { type: 'edited'; chatId: number; from: TgUser }
  | { type: 'groupCall'; chatId: number; from: TgUser }
  | { type: 'groupPress'; queryId: string }
  | { type: 'groupOther' }
  | { type: 'other' };

/**
 * Classifies an update. Private chats are the guide's; in groups only a mention or an addressed command counts.
 * Service messages (a pinned message, a chat photo change …) are `other`: nothing to answer.
 *
 * @example
 * ```ts
 * classifyUpdate({ update_id: 1, message: { message_id: 1, chat: { id: 5, type: 'private' }, from, text: 'hi' } }, me);
 * // { type: 'text', chatId: 5, from, text: 'hi' }
 * ```
 */
export function classifyUpdate(update: TgUpdate, me: { id: number; username: string }): UpdateKind {
  const press = update.callback_query;
  if (press) {
    const chat = press.message?.chat;
    if (chat && chat.type !== 'private') return { type: 'groupPress', queryId: press.id };
    return {
      type: 'press',
      chatId: chat?.id ?? press.from.id,
      from: press.from,
      queryId: press.id,
      ...(press.data !== undefined ? { data: press.data } : {}),
      ...(press.message ? { messageId: press.message.message_id } : {}),
      ...pressedQuestion(press),
    };
  }
  const edited = update.edited_message;
  const msg = update.message ?? edited;
  if (!msg?.from || msg.from.is_bot) return { type: 'other' };
  const base = { chatId: msg.chat.id, from: msg.from };
  if (msg.chat.type === 'group' || msg.chat.type === 'supergroup')
    return !edited && addressesBot(msg, me) ? { type: 'groupCall', ...base } : { type: 'groupOther' };
  if (msg.chat.type !== 'private') return { type: 'other' };
  if (edited) return { type: 'edited', ...base };
  if (msg.text !== undefined) return { type: 'text', ...base, text: msg.text };
  // Something the user sent (a sticker, a photo …) gets a hint; service messages (a pin …) get nothing.
  return USER_CONTENT.some((k) => k in msg) ? { type: 'notText', ...base } : { type: 'other' };
}

/** Message fields that carry something a user sent that is not text. */
const USER_CONTENT = [
  'sticker',
  'photo',
  'voice',
  'video',
  'video_note',
  'audio',
  'document',
  'animation',
  'location',
  'venue',
  'contact',
  'poll',
  'dice',
  'story',
  'paid_media',
  'game',
] as const;

/**
 * True when a group message mentions the bot (`@username` or a text mention) or is a command for it:
 * `/help@username`, or a bare `/help` (in groups Telegram sends bare commands to every bot, and grammY
 * treats them as addressed too).
 */
function addressesBot(msg: TgMessage, me: { id: number; username: string }): boolean {
  const text = msg.text ?? '';
  const name = `@${me.username}`.toLowerCase();
  return (msg.entities ?? []).some((e) => {
    const part = text.slice(e.offset, e.offset + e.length).toLowerCase();
    if (e.type === 'mention') return part === name;
    if (e.type === 'text_mention') return e.user?.id === me.id;
    if (e.type === 'bot_command' && e.offset === 0) return !part.includes('@') || part.endsWith(name);
    return false;
  });
}

/** The question text and the label of the pressed button, if the callback carries its message. */
function pressedQuestion(press: TgCallbackQuery): { question?: { text: string; label: string } } {
  const text = press.message?.text;
  const label = press.message?.reply_markup?.inline_keyboard
    ?.flat()
    .find((b) => b.callback_data !== undefined && b.callback_data === press.data)?.text;
  return text && label ? { question: { text, label } } : {};
}
