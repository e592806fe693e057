/**
 * Realistic Telegram `Update` objects for tests, and delivery of one to a webhook the way Telegram
 * does it. Updates can be queued on the fake Bot API for long polling or POSTed to a webhook.
 */
import type { Chat, InlineKeyboardMarkup, MessageEntity, Update, User, UserFromGetMe } from 'grammy/types';

/**
 * An increasing id sequence that also respects ids chosen by hand (the next id is above both).
 *
 * @example
 * ```ts
 * const ids = new IdSequence(100);
 * ids.next(); // 101
 * ids.observe(500);
 * ids.next(); // 501
 * ```
 */
export class IdSequence {
  constructor(private last = 0) {}

  /** The next unused id. */
  next(): number {
    this.last += 1;
    return this.last;
  }

  /** Notes an id chosen elsewhere so that later ids are above it. */
  observe(id: number): void {
    if (id > this.last) this.last = id;
  }
}

/** Who sends an update and from which kind of chat. */
export interface UpdateSenderOptions {
  /** The sender's `language_code`; omitted from the user when not given. */
  languageCode?: string;
  /** Defaults to `'private'` (then the chat id is also the user id). */
  chatType?: 'private' | 'group' | 'supergroup';
  /** The user id; defaults to the chat id in private chats and to 424242 in groups. */
  fromId?: number;
}

/** Options of {@link UpdateFactory.textUpdate}. */
export interface TextUpdateOptions extends UpdateSenderOptions {
  /** Message entities; by default a leading `/command` gets its `bot_command` entity, as Telegram adds. */
  entities?: MessageEntity[];
}

/** Options of {@link UpdateFactory.callbackUpdate}. */
export interface CallbackUpdateOptions extends UpdateSenderOptions {
  /** Text of the bot message carrying the keyboard; defaults to `'…'`. */
  messageText?: string;
  /** The keyboard of that message, as Telegram sends it along with the press. */
  replyMarkup?: InlineKeyboardMarkup;
}

/** The bot as it appears in `from` of its own messages. */
export interface BotUser {
  id: number;
  first_name: string;
  username: string;
}

const DEFAULT_BOT: BotUser = { id: 7000001, first_name: 'CancelMate Test', username: 'cancelmate_test_bot' };

/**
 * What the fake's getMe answers for a token: the numeric prefix of the token is the bot's id.
 *
 * @example
 * ```ts
 * const bot = new Bot(token, { botInfo: fakeBotInfo(token) }); // no getMe call
 * ```
 */
export function fakeBotInfo(token: string): UserFromGetMe {
  const id = Number(token.split(':')[0]);
  return {
    ...DEFAULT_BOT,
    id: Number.isSafeInteger(id) && id > 0 ? id : DEFAULT_BOT.id,
    is_bot: true,
    can_join_groups: true,
    can_read_all_group_messages: false,
    supports_inline_queries: false,
    can_connect_to_business: false,
    has_main_web_app: false,
    has_topics_enabled: false,
    allows_users_to_create_topics: false,
    can_manage_bots: false,
    supports_join_request_queries: false,
  };
}

/**
 * Builds incoming updates with increasing `update_id`s and message ids.
 *
 * @example
 * ```ts
 * const updates = new UpdateFactory();
 * const hello = updates.textUpdate(42, '/start', { languageCode: 'zh-CN' });
 * await bot.handleUpdate(hello);
 * ```
 */
export class UpdateFactory {
  private callbackIds = 0;

  constructor(
    private readonly updateIds = new IdSequence(100_000),
    private readonly messageIds = new IdSequence(0),
    private readonly bot: BotUser = DEFAULT_BOT,
  ) {}

  /** The fields every new incoming message has: a fresh id, now, the private chat and its user. */
  private newMessage(chatId: number, opts: UpdateSenderOptions) {
    return {
      message_id: this.messageIds.next(),
      date: unixNow(),
      chat: chatOf(chatId, opts),
      from: userOf(chatId, opts),
    };
  }

  /** A `message` update with text; `/command` text gets its `bot_command` entity unless `entities` is given. */
  textUpdate(chatId: number, text: string, opts: TextUpdateOptions = {}): Update {
    const entities = opts.entities ?? commandEntities(text);
    return {
      update_id: this.updateIds.next(),
      message: {
        ...this.newMessage(chatId, opts),
        text,
        ...(entities.length > 0 ? { entities } : {}),
      },
    };
  }

  /** A `callback_query` update: the user pressed `data` on the bot's message `messageId`. */
  callbackUpdate(chatId: number, data: string, messageId: number, opts: CallbackUpdateOptions = {}): Update {
    this.callbackIds += 1;
    const from = userOf(chatId, opts);
    return {
      update_id: this.updateIds.next(),
      callback_query: {
        id: `${from.id}${String(this.callbackIds).padStart(6, '0')}`,
        from,
        chat_instance: String(-Math.abs(chatId) * 7),
        data,
        message: {
          message_id: messageId,
          date: unixNow() - 5,
          chat: chatOf(chatId, opts),
          from: {
            id: this.bot.id,
            is_bot: true,
            first_name: this.bot.first_name,
            username: this.bot.username,
          },
          text: opts.messageText ?? '…',
          ...(opts.replyMarkup ? { reply_markup: opts.replyMarkup } : {}),
        },
      },
    };
  }

  /** A `message` update holding a sticker (something that is neither text nor a button press). */
  stickerUpdate(chatId: number, opts: UpdateSenderOptions = {}): Update {
    return {
      update_id: this.updateIds.next(),
      message: {
        ...this.newMessage(chatId, opts),
        sticker: {
          file_id: 'CAACAgIAAxkBAAFAKE-sticker',
          file_unique_id: 'AgADFAKE',
          type: 'regular',
          width: 512,
          height: 512,
          is_animated: false,
          is_video: false,
          emoji: '👍',
        },
      },
    };
  }

  /** An `edited_message` update: the user edited an earlier message (`messageId`, else a fresh id). */
  editedMessageUpdate(
    chatId: number,
    text: string,
    opts: UpdateSenderOptions & { messageId?: number } = {},
  ): Update {
    const now = unixNow();
    return {
      update_id: this.updateIds.next(),
      edited_message: {
        message_id: opts.messageId ?? this.messageIds.next(),
        date: now - 30,
        edit_date: now,
        chat: chatOf(chatId, opts),
        from: userOf(chatId, opts),
        text,
      },
    };
  }
}

/** What a webhook answered. */
export interface WebhookResponse {
  status: number;
  body: string;
}

/**
 * POSTs an update to a webhook as Telegram does: JSON body, and the header
 * `X-Telegram-Bot-Api-Secret-Token` when a secret token is given.
 *
 * @example
 * ```ts
 * const res = await postWebhook(`${base}/telegram/webhook`, updates.textUpdate(42, 'hi'), 'sekret');
 * expect(res.status).toBe(200);
 * ```
 */
export async function postWebhook(
  url: string,
  update: Update,
  secretToken?: string,
): Promise<WebhookResponse> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (secretToken !== undefined) headers['X-Telegram-Bot-Api-Secret-Token'] = secretToken;
  const res = await fetch(url, { method: 'POST', headers, body: JSON.stringify(update) });
  return { status: res.status, body: await res.text() };
}

/**
 * The chat a chat id stands for in replies and updates: positive ids are private chats, `-100…` ids
 * supergroups, other negative ids groups, `@name` channels.
 *
 * @example
 * ```ts
 * chatFromId(42); // { id: 42, type: 'private', first_name: 'Test' }
 * ```
 */
export function chatFromId(chatId: unknown): Chat {
  if (typeof chatId === 'string' && chatId.startsWith('@')) {
    return { id: -1001000000001, type: 'channel', title: chatId.slice(1), username: chatId.slice(1) };
  }
  const id = Number(chatId);
  if (id > 0) return { id, type: 'private', first_name: 'Test', username: `user${id}` };
  if (String(id).startsWith('-100')) return { id, type: 'supergroup', title: 'Test supergroup' };
  return { id, type: 'group', title: 'Test group' };
}

function chatOf(chatId: number, opts: UpdateSenderOptions): Exclude<Chat, Chat.ChannelChat> {
  switch (opts.chatType ?? 'private') {
    case 'private':
      return { id: chatId, type: 'private', first_name: 'Test', username: `user${chatId}` };
    case 'group':
      return { id: chatId, type: 'group', title: 'Test group' };
    case 'supergroup':
      return { id: chatId, type: 'supergroup', title: 'Test supergroup' };
  }
}

function userOf(chatId: number, opts: UpdateSenderOptions): User {
  const id = opts.fromId ?? ((opts.chatType ?? 'private') === 'private' ? chatId : 424242);
  return {
    id,
    is_bot: false,
    first_name: 'Test',
    username: `user${id}`,
    ...(opts.languageCode ? { language_code: opts.languageCode } : {}),
  };
}

function commandEntities(text: string): MessageEntity[] {
  const command = /^\/[A-Za-z0-9_]+(@[A-Za-z0-9_]+)?/.exec(text);
  return command ? [{ type: 'bot_command', offset: 0, length: command[0].length }] : [];
}

function unixNow(): number {
  return Math.floor(Date.now() / 1000);
}
