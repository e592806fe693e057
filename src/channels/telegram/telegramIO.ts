/**
 * The few Bot API calls the guide makes, behind one small interface so that the grammY bot and the
 * Telegraf middleware share every line of rendering, splitting, callback parsing and error handling.
 * Each library supplies an implementation (`grammyIO` in bot.ts, `telegrafIO` in telegraf.ts).
 *
 * @example
 * ```ts
 * const io: TelegramIO = grammyIO(ctx);
 * await io.sendText(42, '你好', { inline_keyboard: [[{ text: '开始', callback_data: 'cancel|1' }]] });
 * ```
 */
export interface TelegramIO {
  /** The bot itself, to recognise mentions and commands addressed to it in groups. */
  readonly me: { id: number; username: string };
  /** sendMessage as plain text (no parse_mode), with an optional inline keyboard. */
  sendText(chatId: number, text: string, keyboard?: InlineKeyboard): Promise<void>;
  /** sendDocument with an uploaded file. */
  sendDocument(chatId: number, file: OutgoingFile): Promise<void>;
  /** editMessageReplyMarkup without markup: the message's buttons disappear. */
  removeKeyboard(chatId: number, messageId: number): Promise<void>;
  /** editMessageText without markup: the question is rewritten (with the answer chosen) and its buttons go. */
  editText(chatId: number, messageId: number, text: string): Promise<void>;
  /** sendChatAction "typing", while the guide works on an answer. */
  typing(chatId: number): Promise<void>;
  /** answerCallbackQuery, so the user's client stops its spinner. */
  answerCallback(queryId: string): Promise<void>;
  /** The Bot API `error_code` carried by this library's error (403, 429 …), else undefined. */
  errorCode(err: unknown): number | undefined;
}

/**
 * An inline keyboard as the Bot API takes it.
 *
 * @example
 * ```ts
 * const keyboard: InlineKeyboard = { inline_keyboard: [[{ text: '返回上一步', callback_data: '_back|6' }]] };
 * ```
 */
export interface InlineKeyboard {
  inline_keyboard: { text: string; callback_data: string }[][];
}

/**
 * A file to upload.
 *
 * @example
 * ```ts
 * const file: OutgoingFile = { filename: 'receipt.html', contentType: 'text/html', content: Buffer.from(html) };
 * ```
 */
export interface OutgoingFile {
  filename: string;
  contentType: string;
  content: Buffer;
}
