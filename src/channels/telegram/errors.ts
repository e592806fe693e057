/**
 * The Telegram channel's own failures, one class per kind, each saying what to do next. Failures of
 * the Bot API itself stay grammY's (`GrammyError`, `HttpError`) or Telegraf's (`TelegramError`).
 *
 * @example
 * ```ts
 * try {
 *   callbackData('a-very-long-choice-id…', 12);
 * } catch (err) {
 *   if (err instanceof CallbackDataTooLongError) console.error(err.choiceId, err.bytes);
 * }
 * ```
 */

/**
 * The Bot API's limit on `callback_data`, in UTF-8 bytes.
 *
 * @example
 * ```ts
 * Buffer.byteLength('auto|3') <= CALLBACK_DATA_MAX_BYTES; // true
 * ```
 */
export const CALLBACK_DATA_MAX_BYTES = 64;

/**
 * A choice id too long for a button: `callback_data` (`${choiceId}|${turn}`) may hold at most 64 UTF-8
 * bytes. A flow or catalogue bug, never user input: shorten the id in `flows/`.
 *
 * @example
 * ```ts
 * throw new CallbackDataTooLongError('tencent-video-annual-plan-…', 71);
 * ```
 */
export class CallbackDataTooLongError extends Error {
  override name = 'CallbackDataTooLongError';
  constructor(
    readonly choiceId: string,
    readonly bytes: number,
  ) {
    super(
      `Telegram button data for choice "${choiceId}" would be ${bytes} bytes; the Bot API allows ${CALLBACK_DATA_MAX_BYTES}. ` +
        'Shorten that choice id in flows/ (ids are short ASCII; labels carry the words).',
    );
  }
}

/**
 * Webhook mode without a usable secret token. Telegram echoes the secret in the
 * `X-Telegram-Bot-Api-Secret-Token` header; without it anyone who finds the URL could post updates.
 *
 * @example
 * ```ts
 * if (!secret) throw new WebhookSecretError('missing');
 * ```
 */
export class WebhookSecretError extends Error {
  override name = 'WebhookSecretError';
  constructor(readonly problem: 'missing' | 'malformed') {
    super(
      problem === 'missing'
        ? 'Telegram webhook mode needs a secret: set TELEGRAM_WEBHOOK_SECRET (1–256 characters of A-Z a-z 0-9 _ -), or use TELEGRAM_MODE=polling.'
        : 'TELEGRAM_WEBHOOK_SECRET may only hold 1–256 characters of A-Z a-z 0-9 _ - (Telegram refuses anything else).',
    );
  }
}

/**
 * Webhook mode with an address Telegram cannot post to: api.telegram.org only delivers to https://
 * URLs. Set PUBLIC_URL to the public https:// address of this server (or use polling, or a local Bot
 * API server through TELEGRAM_API_ROOT).
 *
 * @example
 * ```ts
 * if (!baseUrl.startsWith('https://')) throw new WebhookUrlError(baseUrl);
 * ```
 */
export class WebhookUrlError extends Error {
  override name = 'WebhookUrlError';
  constructor(readonly url: string) {
    super(
      `Telegram webhook mode needs a public https:// address, but this server's base URL is ${url}. ` +
        'Set PUBLIC_URL (e.g. https://cancelmate.example.org), or use TELEGRAM_MODE=polling.',
    );
  }
}

/**
 * The engine answered (and stored its answer), but the answer could not be delivered to the chat. The user is
 * told that their message was kept and how to see the current question again, not to "send it again".
 *
 * @example
 * ```ts
 * try { await sendReplies(io, chatId, replies); } catch (err) { throw new DeliveryError(err); }
 * ```
 */
export class DeliveryError extends Error {
  override name = 'DeliveryError';
  constructor(override readonly cause: unknown) {
    super(`the reply could not be delivered: ${cause instanceof Error ? cause.message : String(cause)}`);
  }
}
