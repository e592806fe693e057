import pino, { type DestinationStream, type Logger } from 'pino';

/**
 * The pino logger, with personal data redacted: message text, facts, tokens, secrets and raw user or
 * chat ids never reach the log, even when a caller passes them by mistake.
 *
 * @example
 * const log = createLogger('info');
 * log.info({ conversation: 'c_5f1e…', channel: 'web' }, 'message handled');
 */
export const REDACT_PATHS = [
  'text',
  'body',
  'facts',
  'token',
  'secret',
  'userId',
  'chatId',
  'from',
  'chat',
  'message',
  'update',
  'headers.authorization',
  'headers.cookie',
  'headers["x-telegram-bot-api-secret-token"]',
  '*.text',
  '*.body',
  '*.facts',
  '*.token',
  '*.secret',
  '*.userId',
  '*.chatId',
  '*.from',
  '*.chat',
  'req.headers.cookie',
  'req.headers["x-telegram-bot-api-secret-token"]',
  'req.query',
  'req.url',
];

/** A logger at `level`, writing JSON lines to `destination` (stdout by default). */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: { app: 'cancelmate' },
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      serializers: { err: pino.stdSerializers.err },
    },
    destination,
  );
}

export type { Logger };
