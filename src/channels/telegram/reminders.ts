import type { Engine } from '../../dialogue/engine.ts';
import type { Logger } from '../../logger.ts';
import { TELEGRAM_CHANNEL } from './guide.ts';
import { describeError } from './safeLog.ts';

/**
 * Sends the reminder messages users asked for (「那天在这里发消息提醒我」) once their time has come: at start
 * and then every minute it asks the engine what is due for Telegram, sends each text to its chat, and tells
 * the engine it was sent (the engine deletes the reminder and the chat id kept for it). Telegram's answer
 * that the message can never be delivered — 403 (the user blocked the bot, or deleted their account) or 400
 * (no such chat) — drops the reminder, logged without the chat id or the text; any other failure (network,
 * Telegram down, the database) leaves it due, to be tried again at the next check. The channel never sees the
 * store: only the engine's two calls.
 *
 * A check that is still running when the next is due is not doubled. With several replicas the channel runs
 * this as a one-replica job (`runWhenLeader('telegram-reminders', …)`), so a reminder is sent once; a crash
 * between Telegram's "sent" and the deletion sends it again after the restart (at least once, never lost).
 *
 * @example
 * ```ts
 * const reminders = startReminders({ engine: app.engine, logger, send: (chat, text) => bot.api.sendMessage(chat, text).then(() => undefined), errorCode });
 * await reminders.stop();
 * ```
 */
export interface ReminderSender {
  /** Sends what is due now; resolves with how many were sent. Joins a check already running. */
  check(): Promise<number>;
  /** Stops the timer and waits for a check in hand. */
  stop(): Promise<void>;
}

/**
 * What the sender needs of the engine.
 *
 * @example
 * ```ts
 * const door: ReminderEngine = app.engine;
 * ```
 */
export type ReminderEngine = Pick<Engine, 'dueReminders' | 'reminderSent'>;

/**
 * How often due reminders are looked for.
 *
 * @example
 * ```ts
 * setInterval(check, REMINDER_CHECK_MS);
 * ```
 */
export const REMINDER_CHECK_MS = 60_000;

/** Bot API error codes that say a message to this chat can never be delivered: retrying would not help. */
const UNDELIVERABLE = new Set([400, 403]);

/**
 * See {@link ReminderSender}. `send` delivers one text to a chat (a Bot API sendMessage); `errorCode` reads
 * the Bot API error code from what it throws.
 *
 * @example
 * ```ts
 * const sender = startReminders({ engine, logger, send, errorCode: (e) => (e instanceof GrammyError ? e.error_code : undefined) });
 * ```
 */
export function startReminders(deps: {
  engine: ReminderEngine;
  logger: Logger;
  send: (chatId: string, text: string) => Promise<void>;
  errorCode: (err: unknown) => number | undefined;
  intervalMs?: number;
}): ReminderSender {
  const { engine, logger } = deps;
  let running: Promise<number> | undefined;
  let stopped = false;

  const sendDue = async (): Promise<number> => {
    let due: Awaited<ReturnType<ReminderEngine['dueReminders']>>;
    try {
      due = await engine.dueReminders(TELEGRAM_CHANNEL);
    } catch (err) {
      logger.error(
        { channel: TELEGRAM_CHANNEL, error: describeError(err) },
        'telegram reminders: could not read what is due; trying again in a minute',
      );
      return 0;
    }
    let sent = 0;
    for (const reminder of due) {
      if (stopped) break;
      const where = { channel: TELEGRAM_CHANNEL, conversation: reminder.conversation, reminder: reminder.id };
      let delivered = false;
      try {
        await deps.send(reminder.address, reminder.text);
        delivered = true;
      } catch (err) {
        const code = deps.errorCode(err);
        if (code === undefined || !UNDELIVERABLE.has(code)) {
          logger.error(
            { ...where, error: describeError(err, code) },
            'telegram reminder not sent; trying again in a minute',
          );
          continue;
        }
        logger.warn(
          { ...where, code },
          code === 403
            ? 'telegram reminder dropped: the user blocked the bot (or left Telegram)'
            : 'telegram reminder dropped: Telegram refused the chat',
        );
      }
      try {
        await engine.reminderSent(reminder.id);
        if (delivered) sent += 1;
      } catch (err) {
        // Still stored: it is due again at the next check (sent once more rather than never).
        logger.error(
          { ...where, delivered, error: describeError(err) },
          'telegram reminder could not be deleted after sending or dropping it; it is due again at the next check',
        );
      }
    }
    if (due.length > 0)
      logger.info({ channel: TELEGRAM_CHANNEL, due: due.length, sent }, 'telegram reminders checked');
    return sent;
  };

  const check = (): Promise<number> => {
    if (stopped) return Promise.resolve(0);
    running ??= sendDue().finally(() => {
      running = undefined;
    });
    return running;
  };

  const timer = setInterval(() => void check(), deps.intervalMs ?? REMINDER_CHECK_MS);
  timer.unref();
  void check();
  return {
    check,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
