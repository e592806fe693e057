/**
 * What the WeChat channel logs about a failure: the error's name and the start of its message, no stack
 * trace and no request data (the issue: no stack traces, secrets, message text or openids in logs).
 *
 * @example
 * logger.error({ channel: 'wechat', conversation, error: safeError(err) }, 'wechat message failed');
 * // error: { name: 'SqliteError', message: 'database is locked' }
 */
export function safeError(err: unknown): { name: string; message: string } {
  if (err instanceof Error) return { name: err.name, message: err.message.slice(0, 200) };
  return { name: typeof err, message: 'a non-Error value was thrown' };
}
