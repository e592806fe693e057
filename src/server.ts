import rateLimit from '@fastify/rate-limit';
import Fastify, {
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyPluginAsync,
  LogController,
} from 'fastify';
import type { App } from './app.ts';
import { ApiError, apiErrorBody, isServerFault, toApiError } from './channels/web/apiError.ts';
import { receiptRoutes } from './channels/web/receiptRoutes.ts';
import { webChatRoutes } from './channels/web/routes.ts';
import { requestLang } from './channels/web/session.ts';
import { verifyRoutes } from './channels/web/verifyRoutes.ts';
import type { Config } from './config.ts';

/**
 * The HTTP server: `/healthz`, the web chat, and (mounted by later code) channel webhooks and
 * receipts, behind one set of guards: a body limit, JSON-only APIs, a per-client rate limit with a
 * friendly 429 in the user's language, security headers on every response, and JSON errors that say
 * what to do next. Closing the server closes the app (database) after in-flight requests finish.
 * Built without listening, so tests drive it with `inject()`.
 *
 * @example
 * const server = buildServer(createApp(config, { logger }));
 * const res = await server.inject({ method: 'GET', url: '/healthz' });
 * res.json(); // { status: 'ok', flowVersion: '2026.11.25+3f2a9c1d', uptimeSeconds: 0, database: 'ok' }
 * await server.close(); // also closes the database
 */
export interface ServerOptions {
  /** Mount the web chat; defaults to the WEB_CHAT setting. */
  webChat?: boolean;
  /** More route plugins mounted after the built-in ones (a channel's webhook), each with its name. */
  routes?: { name: string; plugin: FastifyPluginAsync }[];
  /** When the process started (ms since epoch), for the uptime in /healthz; defaults to now. */
  startedAt?: number;
}

/** The largest request body accepted anywhere (a route may lower it; raise only with care). */
export const BODY_LIMIT_BYTES = 16 * 1024;

/** The Content-Security-Policy on every response unless a route sets its own: nothing from elsewhere. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "font-src 'self'",
  "form-action 'self'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** See {@link ServerOptions}. */
export function buildServer(app: App, opts: ServerOptions = {}): FastifyInstance {
  const { config } = app;
  const startedAt = opts.startedAt ?? Date.now();
  const server = Fastify({
    loggerInstance: app.logger as FastifyBaseLogger,
    // One debug line per request from the onResponse hook below, with the route pattern, never the URL.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: BODY_LIMIT_BYTES,
    trustProxy: config.TRUST_PROXY ?? false,
    // While draining, requests on already-open connections still get real answers (healthz says 503,
    // a last chat message is answered) with `Connection: close`; new connections are refused.
    return503OnClosing: false,
    requestTimeout: 30_000,
  });
  // JSON only: without the text/plain parser, any other body type gets 415.
  server.removeContentTypeParser('text/plain');

  const langDeps = { engine: app.engine, defaultLang: config.DEFAULT_LANG };
  let draining = false;
  server.addHook('preClose', async () => {
    draining = true;
  });
  server.addHook('onRequest', async (_request, reply) => {
    if (draining) reply.header('connection', 'close');
  });
  server.addHook('onClose', async () => {
    await app.close();
  });
  const headers = securityHeaders(config);
  server.addHook('onSend', async (_request, reply, payload) => {
    for (const [name, value] of headers) if (!reply.hasHeader(name)) reply.header(name, value);
    return payload;
  });
  server.addHook('onResponse', async (request, reply) => {
    request.log.debug(
      {
        method: request.method,
        route: request.routeOptions.url ?? '(none)',
        status: reply.statusCode,
        ms: Math.round(reply.elapsedTime),
      },
      'request done',
    );
  });

  server.setErrorHandler(async (err, request, reply) => {
    const apiErr = toApiError(err);
    if (isServerFault(apiErr)) request.log.error({ err }, 'request failed');
    return reply
      .code(apiErr.statusCode)
      .header('cache-control', 'no-store')
      .send(apiErrorBody(apiErr, await requestLang(langDeps, request.headers), app.engine.words));
  });
  server.setNotFoundHandler(async (request, reply) =>
    reply
      .code(404)
      .header('cache-control', 'no-store')
      .send(
        apiErrorBody(
          new ApiError(404, 'not_found'),
          await requestLang(langDeps, request.headers),
          app.engine.words,
        ),
      ),
  );

  server.register(rateLimit, {
    global: true,
    max: config.RATE_LIMIT_PER_MINUTE,
    timeWindow: 60_000,
    // `request.ip` is undefined for a request whose socket is already gone (a malformed chunked body):
    // the limiter's default key would throw and log a stack trace per request.
    keyGenerator: rateLimitKey,
    errorResponseBuilder: (_request, ctx) =>
      new ApiError(ctx.statusCode, 'too_many_requests', `over ${ctx.max} requests per minute`, {
        seconds: Math.max(1, Math.ceil(ctx.ttl / 1000)),
      }),
  });

  // Routes go in a child scope registered after the rate limiter, so its onRoute hook sees them all.
  server.register(async (scope) => {
    scope.get('/healthz', { config: { rateLimit: false } }, async (_request, reply) => {
      const base = {
        flowVersion: app.engine.flowVersion,
        uptimeSeconds: Math.floor((Date.now() - startedAt) / 1000),
      };
      reply.header('cache-control', 'no-store');
      if (draining) return reply.code(503).send({ status: 'shutting_down', ...base });
      // A database that answers but cannot write (disk full, read-only, failing disk) is not healthy either:
      // messages are refused until it can (the operator's log line says why and what to do).
      const database = await app.engine.databaseHealth();
      if (database === 'unreachable')
        return reply.code(503).send({ status: 'database_unreachable', ...base });
      if (database !== 'ok')
        return reply.code(503).send({ status: 'database_unwritable', database, ...base });
      return { status: 'ok', ...base, database: 'ok' };
    });

    if (opts.webChat ?? config.WEB_CHAT)
      await scope.register(webChatRoutes, {
        engine: app.engine,
        logger: app.logger,
        defaultLang: config.DEFAULT_LANG,
        secureCookie: config.PUBLIC_URL?.startsWith('https:') === true,
        sessionMaxAgeSeconds: config.RETENTION_DAYS * 86_400,
      });

    // Receipts: the public key, token links for any channel, and the web session's own receipts.
    // The receipt page sets its own Content-Security-Policy (inline styles); the onSend hook above only
    // fills in headers a route has not set.
    await scope.register(receiptRoutes, {
      engine: app.engine,
      keys: app.keys,
      ...(config.PUBLIC_URL ? { publicUrl: config.PUBLIC_URL } : {}),
    });
    await scope.register(verifyRoutes, {
      keys: app.keys,
      engine: app.engine,
      ...(config.PUBLIC_URL ? { publicUrl: config.PUBLIC_URL } : {}),
    }); // /verify and /v/:id

    // ── Mount point: channel webhooks (Telegram, WeChat) ────────────────────────────────────
    // main.ts passes each enabled channel's routes in `opts.routes`; e.g. Telegram in webhook mode
    // mounts POST /telegram/webhook with `config: { rateLimit: false }` (Telegram's own servers call
    // it; the secret header guards it) and its own bodyLimit if updates can exceed BODY_LIMIT_BYTES.
    for (const { plugin } of opts.routes ?? []) await scope.register(plugin);
  });

  return server;
}

/**
 * The rate limiter's key: the client address, which a request whose socket is already gone (a malformed or
 * aborted chunked body) no longer has — then one shared key, never a throw (a throw here logs a stack trace per
 * request, which anyone could use to flood the log).
 *
 * @example
 * rateLimitKey({ ip: undefined, socket: { remoteAddress: undefined } }); // 'unknown'
 */
export function rateLimitKey(request: {
  ip?: string | undefined;
  socket?: { remoteAddress?: string | undefined } | undefined;
}): string {
  return request.ip ?? request.socket?.remoteAddress ?? 'unknown';
}

/** The headers every response gets unless its route set them. */
export function securityHeaders(config: Pick<Config, 'PUBLIC_URL'>): [string, string][] {
  const https = config.PUBLIC_URL?.startsWith('https:') === true;
  return [
    [
      'content-security-policy',
      https ? `${CONTENT_SECURITY_POLICY}; upgrade-insecure-requests` : CONTENT_SECURITY_POLICY,
    ],
    ['x-content-type-options', 'nosniff'],
    ['referrer-policy', 'no-referrer'],
    ['x-frame-options', 'DENY'],
    ['cross-origin-opener-policy', 'same-origin'],
    ['cross-origin-resource-policy', 'same-origin'],
    ['permissions-policy', 'camera=(), microphone=(), geolocation=(), payment=(), usb=()'],
    ...(https ? ([['strict-transport-security', 'max-age=15552000']] as [string, string][]) : []),
  ];
}
