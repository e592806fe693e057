import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { Engine } from '../../dialogue/engine.ts';
import { hintFromAcceptLanguage, type Lang, langFromAcceptLanguage } from '../../i18n/lang.ts';
import type { Logger } from '../../logger.ts';
import { ApiError } from './apiError.ts';
import { type ChatResponse, parseChatRequest, toWireReplies } from './chatRequest.ts';
import { loadWebPage } from './page.ts';
import { newSessionId, readSessionId, sessionCookie, sessionLang, WEB_CHANNEL } from './session.ts';

/**
 * The web chat's routes, a Fastify plugin:
 * - `GET /` the chat page (sets the session cookie), `GET /web/page.css`, `GET /web/page.js`;
 * - `POST /api/chat` `{ text | choice, turn?, messageId }` → `{ replies, lang }` (JSON only);
 * - `GET /api/history` → `{ lang, entries: [{ seq, at, dir, text, choices? }] }` for this session.
 *
 * @example
 * await server.register(webChatRoutes, { engine, store, logger, defaultLang: 'zh-CN',
 *   secureCookie: false, sessionMaxAgeSeconds: 180 * 86400 });
 */
export interface WebChatOptions {
  engine: Engine;
  logger: Logger;
  defaultLang: Lang;
  /** Add `Secure` to the cookie (when the public address is https). */
  secureCookie: boolean;
  /** How long the browser keeps the session cookie. */
  sessionMaxAgeSeconds: number;
}

/** One transcript entry as `GET /api/history` returns it. */
export interface HistoryEntry {
  seq: number;
  at: string;
  dir: 'in' | 'out';
  text: string;
  choices?: string[];
}

/** See {@link WebChatOptions}. */
export const webChatRoutes: FastifyPluginAsync<WebChatOptions> = async (server, opts) => {
  const { engine } = opts;
  // The page is built from the engine's translator; a new translator (a reload of locales/) builds it again.
  const pages = new WeakMap<object, ReturnType<typeof loadWebPage>>();
  const pageFor = () => {
    const words = engine.words;
    let page = pages.get(words);
    if (!page) {
      page = loadWebPage(words);
      pages.set(words, page);
    }
    return page;
  };
  const page = pageFor();

  /** The caller's session id, issuing a cookie for a new one. */
  const session = (request: FastifyRequest, reply: FastifyReply): string => {
    const existing = readSessionId(request.headers.cookie);
    if (existing) return existing;
    const id = newSessionId();
    reply.header(
      'set-cookie',
      sessionCookie(id, { secure: opts.secureCookie, maxAgeSeconds: opts.sessionMaxAgeSeconds }),
    );
    return id;
  };
  const langOf = async (request: FastifyRequest, sessionId: string | undefined): Promise<Lang> =>
    (await sessionLang(engine, sessionId)) ??
    langFromAcceptLanguage(request.headers['accept-language'], opts.defaultLang);

  server.get('/', async (request, reply) => {
    const id = session(request, reply);
    return reply
      .type('text/html; charset=utf-8')
      .header('cache-control', 'no-store')
      .send(pageFor().html(await langOf(request, id)));
  });

  // Static, cached and cheap: not counted against the rate limit (many phones may share one address).
  for (const [path, asset] of page.assets) {
    server.get(path, { config: { rateLimit: false } }, async (_request, reply) =>
      reply.type(asset.contentType).header('cache-control', 'public, max-age=86400').send(asset.body),
    );
  }

  server.post('/api/chat', { onRequest: [requireJson, refuseCrossSite] }, async (request, reply) => {
    const parsed = parseChatRequest(request.body);
    if (!parsed.ok) throw new ApiError(400, 'bad_request', parsed.detail);
    const { messageId, text, choice, turn } = parsed.value;
    const userId = session(request, reply);
    const hint = hintFromAcceptLanguage(request.headers['accept-language']);
    const { replies, lang } = await engine.handle({
      channel: WEB_CHANNEL,
      userId,
      messageId,
      ...(text === undefined ? {} : { text }),
      ...(choice === undefined ? {} : { choice }),
      ...(turn === undefined ? {} : { turn }),
      ...(hint ? { langHint: hint } : {}),
    });
    const body: ChatResponse = { replies: toWireReplies(replies), lang };
    return reply.header('cache-control', 'no-store').send(body);
  });

  server.get('/api/history', { onRequest: [refuseCrossSite] }, async (request, reply) => {
    const id = readSessionId(request.headers.cookie);
    const history = id ? await engine.history(WEB_CHANNEL, id) : { entries: [], receipts: [] };
    const entries: HistoryEntry[] = history.entries.map(({ seq, at, dir, text, choices }) => ({
      seq,
      at,
      dir,
      text,
      ...(choices ? { choices } : {}),
    }));
    const receipts = history.receipts.map((r) => ({
      id: r.id,
      createdAt: r.createdAt,
      html: `/receipts/${r.id}?t=${r.token}`,
      json: `/receipts/${r.id}.json?t=${r.token}`,
    }));
    const lang = history.lang ?? langFromAcceptLanguage(request.headers['accept-language'], opts.defaultLang);
    return reply.header('cache-control', 'no-store').send({ lang, entries, receipts });
  });
};

/** 415 unless the request declares a JSON body (checked before the body is read). */
async function requireJson(request: FastifyRequest): Promise<void> {
  const type = request.headers['content-type']?.split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/json')
    throw new ApiError(
      415,
      'unsupported_media_type',
      'send the body as JSON with Content-Type: application/json',
    );
}

/** 403 for requests a browser marks as coming from another site (a second line behind SameSite=Lax). */
async function refuseCrossSite(request: FastifyRequest): Promise<void> {
  if (request.headers['sec-fetch-site'] === 'cross-site')
    throw new ApiError(403, 'forbidden', 'cross-site requests to the chat API are refused');
}
