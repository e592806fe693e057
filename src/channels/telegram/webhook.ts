import type { FastifyInstance } from 'fastify';
import { type Bot, webhookCallback } from 'grammy';
import { WebhookSecretError } from './errors.ts';
import { ALLOWED_UPDATES } from './polling.ts';

/**
 * Webhook mode: a Fastify POST route fed to grammY's `webhookCallback`, which checks the
 * `X-Telegram-Bot-Api-Secret-Token` header in constant time (wrong or missing: 401, nothing processed),
 * and {@link ensureWebhook}, which tells Telegram where to post. A webhook without a secret is refused.
 *
 * An update that takes longer than 9 s (a 429 back-off, a slow network) is answered 200 and finishes in
 * the background, rather than failing and making Telegram redeliver it.
 *
 * @example
 * ```ts
 * const app = Fastify();
 * telegramWebhookRoute(app, bot, { secret: config.TELEGRAM_WEBHOOK_SECRET });
 * await app.listen({ port: 3000 });
 * await ensureWebhook(bot, config.PUBLIC_URL, config.TELEGRAM_WEBHOOK_SECRET);
 * ```
 */
export const TELEGRAM_WEBHOOK_PATH = '/telegram/webhook';

/**
 * The largest update the route accepts (Telegram's updates stay far below).
 *
 * @example
 * ```ts
 * fastify.post('/hook', { bodyLimit: WEBHOOK_BODY_LIMIT_BYTES }, handler);
 * ```
 */
export const WEBHOOK_BODY_LIMIT_BYTES = 1024 * 1024;

/**
 * Options of {@link telegramWebhookRoute}.
 *
 * @example
 * ```ts
 * const opts: WebhookRouteOptions = { secret: config.TELEGRAM_WEBHOOK_SECRET, path: '/telegram/webhook' };
 * ```
 */
export interface WebhookRouteOptions {
  /** TELEGRAM_WEBHOOK_SECRET; required. */
  secret: string | undefined;
  /** Default {@link TELEGRAM_WEBHOOK_PATH}. */
  path?: string;
}

/**
 * Registers the webhook route. Throws {@link WebhookSecretError} without a valid secret.
 *
 * @example
 * ```ts
 * telegramWebhookRoute(fastify, bot, { secret: 'my_secret-1' });
 * ```
 */
export function telegramWebhookRoute(fastify: FastifyInstance, bot: Bot, opts: WebhookRouteOptions): void {
  const secret = requireWebhookSecret(opts.secret);
  const handle = webhookCallback(bot, 'fastify', {
    secretToken: secret,
    onTimeout: 'return',
    timeoutMilliseconds: 9000,
  });
  // Telegram's own servers call this route and the secret guards it: no per-client rate limit. An
  // update can carry a 4096-character message plus the one it replies to, beyond a small server limit.
  fastify.post(
    opts.path ?? TELEGRAM_WEBHOOK_PATH,
    { bodyLimit: WEBHOOK_BODY_LIMIT_BYTES, config: { rateLimit: false } },
    handle,
  );
}

/**
 * Calls setWebhook(`${publicUrl}/telegram/webhook`) with the secret and the update types CancelMate
 * handles; returns the URL set. Throws {@link WebhookSecretError} without a valid secret.
 *
 * @example
 * ```ts
 * await ensureWebhook(bot, 'https://cancelmate.example.org', secret); // 'https://cancelmate.example.org/telegram/webhook'
 * ```
 */
export async function ensureWebhook(
  bot: Bot,
  publicUrl: string,
  secret: string | undefined,
  path: string = TELEGRAM_WEBHOOK_PATH,
): Promise<string> {
  const token = requireWebhookSecret(secret);
  const url = `${publicUrl.replace(/\/+$/, '')}${path}`;
  await bot.api.setWebhook(url, { secret_token: token, allowed_updates: [...ALLOWED_UPDATES] });
  return url;
}

/**
 * The secret if it is usable; throws {@link WebhookSecretError} if it is missing or malformed.
 *
 * @example
 * ```ts
 * const secret = requireWebhookSecret(config.TELEGRAM_WEBHOOK_SECRET);
 * ```
 */
export function requireWebhookSecret(secret: string | undefined): string {
  if (!secret) throw new WebhookSecretError('missing');
  if (!/^[A-Za-z0-9_-]{1,256}$/.test(secret)) throw new WebhookSecretError('malformed');
  return secret;
}
