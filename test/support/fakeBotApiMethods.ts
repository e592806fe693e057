/**
 * The Bot API methods the fake understands, with Telegram's own limits and error texts: text
 * 1–4096 characters, caption ≤ 1024, `callback_data` 1–64 bytes, "message is not modified", and
 * 403 for a chat that blocked the bot.
 */
import type { BotCommand, Message, Update, UserFromGetMe } from 'grammy/types';
import { BotApiError, badRequest, type UploadedFile } from './fakeBotApiHttp.ts';
import type { UpdateQueue } from './fakeUpdateQueue.ts';
import { chatFromId, type IdSequence } from './fakeUpdates.ts';

/** The state the fake Bot API keeps between calls. */
export interface FakeBotState {
  readonly botInfo: UserFromGetMe;
  readonly queue: UpdateQueue;
  readonly messageIds: IdSequence;
  /** Chat ids (as strings) whose user blocked the bot. */
  readonly blocked: Set<string>;
  /** Messages the bot sent or edited, by `chatId:messageId`. */
  readonly messages: Map<string, Message>;
  /** Commands set with setMyCommands, by scope and language. */
  readonly commands: Map<string, BotCommand[]>;
  webhook: { url: string; secretToken?: string; allowedUpdates?: string[] };
}

/** One call as a method handler sees it. */
export interface MethodCall {
  params: Record<string, unknown>;
  files: UploadedFile[];
  signal: AbortSignal;
}

type MethodHandler = (state: FakeBotState, call: MethodCall) => unknown;

const BLOCKED: BotApiError['spec'] = {
  error_code: 403,
  description: 'Forbidden: bot was blocked by the user',
};

/**
 * Every method the fake serves, by its Bot API name. Handlers return the `result` or throw a
 * {@link BotApiError}.
 *
 * @example
 * ```ts
 * const result = methodHandlers.getMe?.(state, { params: {}, files: [], signal });
 * ```
 */
export const methodHandlers: Record<string, MethodHandler> = {
  getMe: (state) => state.botInfo,
  getUpdates: (state, { params, signal }): Promise<Update[]> => {
    if (state.webhook.url) {
      throw new BotApiError({
        error_code: 409,
        description:
          "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first",
      });
    }
    return state.queue.poll({
      offset: optionalNumber(params.offset),
      limit: optionalNumber(params.limit),
      timeout: optionalNumber(params.timeout),
      signal,
    });
  },
  sendMessage: (state, { params }) => {
    const chatId = requireChat(state, params, true);
    const text = checkText(params.text, params.parse_mode);
    const markup = checkInlineKeyboard(params.reply_markup);
    const entities = Array.isArray(params.entities) ? { entities: params.entities } : {};
    return remember(state, { ...newMessage(state, chatId), text, ...entities, ...markup });
  },
  editMessageText: (state, { params }) => {
    const text = checkText(params.text, params.parse_mode);
    const markup = checkInlineKeyboard(params.reply_markup);
    if (params.inline_message_id !== undefined) return true;
    const chatId = requireChat(state, params, false);
    const old = findMessage(state, chatId, params.message_id);
    if (old && old.text === text && sameMarkup(old.reply_markup, markup.reply_markup)) throw notModified();
    const base = old ?? newMessage(state, chatId, requireMessageId(params.message_id));
    const { reply_markup: _dropped, ...rest } = base;
    return remember(state, { ...rest, text, edit_date: unixNow(), ...markup });
  },
  editMessageReplyMarkup: (state, { params }) => {
    const markup = checkInlineKeyboard(params.reply_markup);
    if (params.inline_message_id !== undefined) return true;
    const chatId = requireChat(state, params, false);
    const old = findMessage(state, chatId, params.message_id);
    if (old && sameMarkup(old.reply_markup, markup.reply_markup)) throw notModified();
    const base = old ?? newMessage(state, chatId, requireMessageId(params.message_id));
    const { reply_markup: _dropped, ...rest } = base;
    return remember(state, { ...rest, edit_date: unixNow(), ...markup });
  },
  answerCallbackQuery: (_state, { params }) => {
    if (!params.callback_query_id) throw badRequest('QUERY_ID_INVALID');
    return true;
  },
  sendDocument: (state, { params, files }) => {
    const chatId = requireChat(state, params, true);
    const caption = params.caption === undefined ? undefined : String(params.caption);
    if (caption !== undefined && visibleLength(caption, params.parse_mode) > 1024) {
      throw badRequest('message caption is too long');
    }
    const upload = files.find((f) => f.field === 'document');
    if (!upload && (typeof params.document !== 'string' || params.document.startsWith('attach://'))) {
      throw badRequest('there is no document in the request');
    }
    const fileId = `BQACAgIAAxkBAAFAKE-doc-${state.messageIds.next()}`;
    const document = upload
      ? {
          file_id: fileId,
          file_unique_id: fileId.slice(-12),
          file_name: upload.filename,
          mime_type: upload.contentType ?? 'application/octet-stream',
          file_size: upload.content.length,
        }
      : { file_id: String(params.document), file_unique_id: String(params.document).slice(-12) };
    const markup = checkInlineKeyboard(params.reply_markup);
    return remember(state, {
      ...newMessage(state, chatId),
      document,
      ...(caption !== undefined ? { caption } : {}),
      ...markup,
    });
  },
  sendChatAction: (state, { params }) => {
    requireChat(state, params, true);
    if (!params.action) throw badRequest('wrong parameter action in request');
    return true;
  },
  leaveChat: (state, { params }) => {
    requireChat(state, params, false);
    return true;
  },
  setMyCommands: (state, { params }) => {
    const commands = params.commands;
    if (!Array.isArray(commands) || commands.length > 100) throw badRequest('BOT_COMMANDS_TOO_MUCH');
    for (const c of commands as BotCommand[]) {
      if (typeof c?.command !== 'string' || !/^[a-z0-9_]{1,32}$/.test(c.command)) {
        throw badRequest('BOT_COMMAND_INVALID');
      }
      if (typeof c.description !== 'string' || c.description.length < 1 || c.description.length > 256) {
        throw badRequest('BOT_COMMAND_DESCRIPTION_INVALID');
      }
    }
    state.commands.set(commandsKey(params), commands as BotCommand[]);
    return true;
  },
  getMyCommands: (state, { params }) => state.commands.get(commandsKey(params)) ?? [],
  deleteMyCommands: (state, { params }) => {
    state.commands.delete(commandsKey(params));
    return true;
  },
  setWebhook: (state, { params }) => {
    const url = typeof params.url === 'string' ? params.url : '';
    const secret = params.secret_token;
    if (secret !== undefined && (typeof secret !== 'string' || !/^[A-Za-z0-9_-]{1,256}$/.test(secret))) {
      throw badRequest('secret token contains unallowed characters');
    }
    if (url && !/^https?:\/\//.test(url)) throw badRequest('invalid webhook URL specified');
    if (truthy(params.drop_pending_updates)) state.queue.clear();
    state.webhook = {
      url,
      ...(typeof secret === 'string' ? { secretToken: secret } : {}),
      ...(Array.isArray(params.allowed_updates)
        ? { allowedUpdates: params.allowed_updates as string[] }
        : {}),
    };
    return true;
  },
  deleteWebhook: (state, { params }) => {
    if (truthy(params.drop_pending_updates)) state.queue.clear();
    state.webhook = { url: '' };
    return true;
  },
  getWebhookInfo: (state) => ({
    url: state.webhook.url,
    has_custom_certificate: false,
    pending_update_count: state.queue.pendingCount,
    ...(state.webhook.allowedUpdates ? { allowed_updates: state.webhook.allowedUpdates } : {}),
  }),
};

/**
 * The canonical name of a method (Telegram method names are case-insensitive), or undefined.
 *
 * @example
 * ```ts
 * canonicalMethod('sendmessage'); // 'sendMessage'
 * ```
 */
export function canonicalMethod(name: string): string | undefined {
  return Object.keys(methodHandlers).find((m) => m.toLowerCase() === name.toLowerCase());
}

/**
 * The length Telegram checks for a text: after HTML tags and entities are parsed away when
 * `parse_mode` is HTML, in UTF-16 code units otherwise as sent (MarkdownV2 markup is counted).
 *
 * @example
 * ```ts
 * visibleLength('<b>hi</b> &amp;', 'HTML'); // 4
 * ```
 */
export function visibleLength(text: string, parseMode: unknown): number {
  if (parseMode !== 'HTML') return text.length;
  return text
    .replace(/<[^>]*>/g, '')
    .replace(/&(lt|gt|amp|quot|#\d+|#x[0-9a-f]+);/gi, '_')
    .trim().length;
}

function checkText(value: unknown, parseMode: unknown): string {
  const text = typeof value === 'string' || typeof value === 'number' ? String(value) : '';
  const length = visibleLength(text, parseMode);
  if (text.trim() === '' || length === 0) throw badRequest('message text is empty');
  if (length > 4096) throw badRequest('message is too long');
  return text;
}

function checkInlineKeyboard(markup: unknown): { reply_markup?: Message['reply_markup'] } {
  if (markup === undefined || markup === null) return {};
  if (typeof markup !== 'object') throw badRequest("can't parse reply keyboard markup JSON object");
  const rows: unknown = (markup as { inline_keyboard?: unknown }).inline_keyboard;
  if (rows === undefined) return {}; // reply keyboards and force_reply are not echoed back
  if (!Array.isArray(rows) || !rows.every(Array.isArray)) {
    throw badRequest('field "inline_keyboard" of the InlineKeyboardMarkup must be an Array of Arrays');
  }
  for (const button of rows.flat() as Array<Record<string, unknown>>) {
    if (typeof button?.text !== 'string' || button.text === '') throw badRequest('BUTTON_TEXT_INVALID');
    const data = button.callback_data;
    if (data === undefined) continue;
    const bytes = typeof data === 'string' ? Buffer.byteLength(data, 'utf8') : 0;
    if (bytes < 1 || bytes > 64) throw badRequest('BUTTON_DATA_INVALID');
  }
  return { reply_markup: { inline_keyboard: rows } as Message['reply_markup'] };
}

function requireChat(state: FakeBotState, params: Record<string, unknown>, sending: boolean): string {
  const chatId = params.chat_id;
  if (chatId === undefined || chatId === '') throw badRequest('chat_id is empty');
  const key = String(chatId);
  if (sending && state.blocked.has(key)) throw new BotApiError(BLOCKED);
  return key;
}

function requireMessageId(value: unknown): number {
  const id = Number(value);
  if (!Number.isInteger(id) || id <= 0) throw badRequest('message identifier is not specified');
  return id;
}

function newMessage(state: FakeBotState, chatId: string, messageId = state.messageIds.next()): Message {
  const { id, first_name, username } = state.botInfo;
  return {
    message_id: messageId,
    from: { id, is_bot: true, first_name, username },
    chat: chatFromId(chatId),
    date: unixNow(),
  };
}

function remember(state: FakeBotState, message: Message): Message {
  state.messages.set(`${message.chat.id}:${message.message_id}`, message);
  return message;
}

function findMessage(state: FakeBotState, chatId: string, messageId: unknown): Message | undefined {
  return state.messages.get(`${chatFromId(chatId).id}:${Number(messageId)}`);
}

function sameMarkup(a: unknown, b: unknown): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}

function notModified(): BotApiError {
  return badRequest(
    'message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message',
  );
}

function commandsKey(params: Record<string, unknown>): string {
  return JSON.stringify([params.scope ?? { type: 'default' }, params.language_code ?? '']);
}

function optionalNumber(value: unknown): number | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const n = Number(value);
  return Number.isFinite(n) ? n : undefined;
}

function truthy(value: unknown): boolean {
  return value === true || value === 'true' || value === '1';
}

function unixNow(): number {
  return Math.floor(Date.now() / 1000);
}
