/**
 * Error details that are safe to log: never the request payload a Bot API error carries (grammY's
 * `GrammyError.payload` holds the chat id and the message text), never message text or user ids.
 *
 * @example
 * ```ts
 * logger.error({ channel: 'telegram', conversation, error: describeError(err, 403) }, 'send failed');
 * ```
 */
export interface SafeError {
  name: string;
  /** The Bot API error code, when the error came from Telegram. */
  code?: number;
  /** The Bot API method that failed (`sendMessage` …), when known. */
  method?: string;
  message: string;
  /** A stack for errors raised in our own code; left out for Bot API errors (it says nothing more). */
  stack?: string;
}

/**
 * See {@link SafeError}. `code` is the Bot API error code found by the channel's library, if any.
 *
 * @example
 * ```ts
 * describeError(new Error('boom')); // { name: 'Error', message: 'boom', stack: 'Error: boom\n    at …' }
 * ```
 */
export function describeError(err: unknown, code?: number): SafeError {
  if (!(err instanceof Error)) return { name: typeof err, message: 'non-Error value thrown' };
  const method = (err as { method?: unknown }).method;
  const out: SafeError = { name: err.name, message: err.message.slice(0, 300) };
  if (code !== undefined) out.code = code;
  if (typeof method === 'string') out.method = method;
  if (code === undefined && err.stack) out.stack = err.stack.split('\n').slice(0, 8).join('\n');
  return out;
}
