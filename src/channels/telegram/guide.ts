import type { Inbound } from '../../dialogue/types.ts';
import type { Lang } from '../../i18n/lang.ts';
import type { Logger } from '../../logger.ts';
import { apology, type ChannelEngine, userLang } from '../kit/channelEngine.ts';
import { RecentIds } from '../kit/recentIds.ts';
import { parseCallbackData } from './callbackData.ts';
import { DeliveryError } from './errors.ts';
import { sendReplies } from './render.ts';
import { describeError } from './safeLog.ts';
import { TELEGRAM_TEXT_LIMIT } from './splitText.ts';
import type { TelegramIO } from './telegramIO.ts';
import { classifyUpdate, type TgUpdate, type TgUser } from './update.ts';

/**
 * The channel name the engine and the transcript see.
 *
 * @example
 * ```ts
 * engine.conversationOf(TELEGRAM_CHANNEL, String(from.id));
 * ```
 */
export const TELEGRAM_CHANNEL = 'telegram';

/**
 * What the guide needs of the engine: the channel kit's door.
 *
 * @example
 * ```ts
 * const door: GuideEngine = app.engine;
 * ```
 */
export type GuideEngine = ChannelEngine;

/**
 * Options of {@link TelegramGuide}.
 *
 * @example
 * ```ts
 * const opts: TelegramGuideOptions = { engine: app.engine, logger, standalone: false };
 * ```
 */
export interface TelegramGuideOptions {
  engine: GuideEngine;
  logger: Logger;
  /**
   * True when the guide owns the bot (the grammY bot): it answers every button press and points group
   * mentions to a private chat. False as middleware in someone else's bot (Telegraf): whatever is not
   * the guide's (group messages, other buttons) is left to the next handler.
   */
  standalone: boolean;
  /** How many update ids of the channel's own replies to remember against redelivery (see RecentUpdates). */
  recentLimit?: number;
  /**
   * True when due reminders are sent from this bot (the channel's reminder job runs): each message then tells
   * the engine its chat id (`notifyAddress`), so the guide may offer a message on a reminder's day. Off for the
   * Telegraf middleware, whose host bot sends no reminders.
   */
  canNotify?: boolean;
}

/**
 * The Telegram conversation logic, independent of the bot library: one update in, the engine asked,
 * the replies sent through a {@link TelegramIO}. Private chats only; text goes to the engine as
 * `{ channel: 'telegram', userId, messageId: 'u<update_id>', text, langHint }`, a button press as
 * `{ …, choice, turn }` (answered at once, its keyboard removed afterwards); anything else that is not
 * text gets a short localized hint without touching the dialogue.
 *
 * Redelivered updates (same `update_id`) are answered once: the engine says when a message id is a
 * duplicate (`handle(…).duplicate`), which holds across restarts; the channel's own hints and pointers,
 * which never reach the engine, are de-duplicated in memory (RecentUpdates). The price: when sending
 * the replies fails after the engine took the message, the user gets the apology ("please send that
 * again"), and a redelivery of that update does not resend them.
 *
 * @example
 * ```ts
 * const guide = new TelegramGuide({ engine, logger, standalone: true });
 * try {
 *   await guide.handle(ctx.update, grammyIO(ctx.api, ctx.me));
 * } catch (err) {
 *   await guide.recover(err, ctx.update, grammyIO(ctx.api, ctx.me));
 * }
 * ```
 */
export class TelegramGuide {
  private readonly recent: RecentIds<number>;

  constructor(private readonly opts: TelegramGuideOptions) {
    this.recent = new RecentIds(opts.recentLimit);
  }

  private say(lang: Lang, key: string, vars?: Record<string, string>): string {
    return this.opts.engine.say(lang, key, vars);
  }

  /** Handles one update; false when it is not the guide's (leave it to the next handler). Throws on failure. */
  async handle(update: TgUpdate, io: TelegramIO): Promise<boolean> {
    const kind = classifyUpdate(update, io.me);
    const { standalone } = this.opts;
    switch (kind.type) {
      case 'text':
        return this.converse(io, update, kind.chatId, kind.from, { text: kind.text });
      case 'press': {
        const pressed = parseCallbackData(kind.data);
        if (!pressed && !standalone) return false;
        await this.answer(io, kind.queryId, kind.from);
        if (!pressed) return true;
        const on =
          kind.messageId === undefined ? undefined : { messageId: kind.messageId, question: kind.question };
        return this.converse(io, update, kind.chatId, kind.from, pressed, on);
      }
      case 'notText':
      case 'edited': {
        const key = kind.type === 'edited' ? 'telegram.edited' : 'telegram.notText';
        const text = this.say(await this.langFor(kind.from), key);
        return this.once(update, () => io.sendText(kind.chatId, text));
      }
      case 'groupCall': {
        if (!standalone) return false;
        const link = `https://t.me/${io.me.username}`;
        const text = this.say(await this.langFor(kind.from), 'telegram.groupPointer', { link });
        return this.once(update, () => io.sendText(kind.chatId, text));
      }
      case 'groupPress':
        if (!standalone) return false;
        await this.answer(io, kind.queryId, undefined);
        return true;
      default:
        return false;
    }
  }

  /**
   * After {@link TelegramGuide.handle} threw: a user who blocked the bot (403) is logged and left alone;
   * anything else is logged and the user in a private chat gets the engine's apology. Never throws.
   * Logs carry the salted conversation id, never the chat id, user id or message text.
   */
  async recover(err: unknown, update: TgUpdate, io: TelegramIO): Promise<void> {
    const kind = classifyUpdate(update, io.me);
    const target = 'from' in kind ? kind : undefined;
    const delivery = err instanceof DeliveryError;
    const code = io.errorCode(delivery ? err.cause : err);
    const where = {
      channel: TELEGRAM_CHANNEL,
      update: updateType(update),
      ...(target ? { conversation: this.conversationOf(target.from) } : {}),
    };
    const { logger } = this.opts;
    if (code === 403) {
      logger.warn({ ...where, code }, 'telegram user blocked the bot (or left); reply dropped');
      return;
    }
    logger.error(
      { ...where, error: describeError(delivery ? err.cause : err, code) },
      delivery ? 'telegram reply not delivered; telling the user' : 'telegram update failed; apologising',
    );
    if (!target || target.type === 'groupCall') return;
    try {
      const lang = await this.langFor(target.from);
      // After a delivery failure the message WAS taken: say so, and how to see the question again.
      const text = delivery ? this.say(lang, 'telegram.sendFailed') : apology(this.opts.engine, lang);
      await io.sendText(target.chatId, text);
    } catch (again) {
      logger.warn(
        { ...where, error: describeError(again, io.errorCode(again)) },
        'telegram apology could not be sent',
      );
    }
  }

  /** One message to the engine; its replies are sent unless the engine has answered this update before. */
  private async converse(
    io: TelegramIO,
    update: TgUpdate,
    chatId: number,
    from: TgUser,
    input: { text: string } | { choice: string; turn?: number },
    pressed?: { messageId: number; question?: { text: string; label: string } | undefined },
  ): Promise<boolean> {
    // "typing…" while the guide works; a failure here must not cost the answer.
    io.typing(chatId).catch(() => undefined);
    const inbound = this.inbound(from, update, input);
    const { replies, duplicate, stale } = await this.opts.engine.handle(
      this.opts.canNotify ? { ...inbound, notifyAddress: String(chatId) } : inbound,
    );
    if (duplicate) {
      this.skipped(update);
      return true;
    }
    if (pressed) await this.closeQuestion(io, chatId, pressed, stale === true);
    try {
      await sendReplies(io, chatId, replies);
    } catch (err) {
      throw new DeliveryError(err);
    }
    return true;
  }

  /**
   * The answered question keeps its text and shows the choice made under it (「→ 爱奇艺 VIP」), so scrolling
   * back the user sees what they answered; its buttons go. A stale press only loses the buttons.
   */
  private async closeQuestion(
    io: TelegramIO,
    chatId: number,
    pressed: { messageId: number; question?: { text: string; label: string } | undefined },
    stale: boolean,
  ): Promise<void> {
    const shown = pressed.question ? `${pressed.question.text}\n\n→ ${pressed.question.label}` : undefined;
    if (!stale && shown && shown.length <= TELEGRAM_TEXT_LIMIT) {
      try {
        await io.editText(chatId, pressed.messageId, shown);
        return;
      } catch (err) {
        if (io.errorCode(err) !== 400) throw err;
      }
    }
    await this.removeKeyboard(io, chatId, pressed.messageId);
  }

  private inbound(from: TgUser, update: TgUpdate, input: Partial<Inbound>): Inbound {
    return {
      ...input,
      channel: TELEGRAM_CHANNEL,
      userId: String(from.id),
      messageId: `u${update.update_id}`,
      ...(from.language_code ? { langHint: from.language_code } : {}),
    };
  }

  /** The conversation's language when the user has one (they may have switched), else Telegram's hint. */
  private langFor(from: TgUser): Promise<Lang> {
    return userLang(this.opts.engine, TELEGRAM_CHANNEL, String(from.id), from.language_code);
  }

  private conversationOf(from: TgUser): string {
    return this.opts.engine.conversationOf(TELEGRAM_CHANNEL, String(from.id));
  }

  private skipped(update: TgUpdate): void {
    this.opts.logger.debug(
      { channel: TELEGRAM_CHANNEL, update: updateType(update) },
      'duplicate update skipped',
    );
  }

  /** Runs `work` unless this update id was taken on before; a failed update is released for redelivery. */
  private async once(update: TgUpdate, work: () => Promise<void>): Promise<boolean> {
    if (!this.recent.claim(update.update_id)) {
      this.skipped(update);
      return true;
    }
    try {
      await work();
    } catch (err) {
      this.recent.release(update.update_id);
      throw err;
    }
    return true;
  }

  /** answerCallbackQuery, whatever happens next; a failure here is logged and does not stop the reply. */
  private async answer(io: TelegramIO, queryId: string, from: TgUser | undefined): Promise<void> {
    try {
      await io.answerCallback(queryId);
    } catch (err) {
      this.opts.logger.warn(
        {
          channel: TELEGRAM_CHANNEL,
          ...(from ? { conversation: this.conversationOf(from) } : {}),
          error: describeError(err, io.errorCode(err)),
        },
        'telegram answerCallbackQuery failed',
      );
    }
  }

  /** Old buttons disappear once pressed; "message is not modified" and too-old messages are fine. */
  private async removeKeyboard(io: TelegramIO, chatId: number, messageId: number): Promise<void> {
    try {
      await io.removeKeyboard(chatId, messageId);
    } catch (err) {
      const code = io.errorCode(err);
      if (code !== 400) throw err;
      this.opts.logger.debug({ channel: TELEGRAM_CHANNEL, code }, 'telegram keyboard already gone');
    }
  }
}

function updateType(update: TgUpdate): string {
  if (update.callback_query) return 'callback_query';
  if (update.edited_message) return 'edited_message';
  if (update.message) return 'message';
  return 'other';
}
