import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from '../../logger.ts';
import { type EnvelopeKeys, openEchostr, openEnvelope, type Refusal, sealReply } from './envelope.ts';
import type { WechatGuide } from './guide.ts';
import { classifyInbound, WechatInboundError } from './inbound.ts';
import { safeError } from './logSafe.ts';
import type { WechatSettings } from './settings.ts';
import { signatureMatches, timestampFresh } from './signature.ts';
import { MAX_XML_BYTES, parseWechatXml, textReplyXml, type WechatFields, WechatXmlError } from './xml.ts';

/**
 * The webhook routes, as one Fastify plugin (its own scope: XML bodies up to 64 KB, no per-client rate
 * limit since Tencent's servers call it, refusals with an empty body):
 * - `GET /wechat` (URL check: `signature` over token, timestamp, nonce → `echostr` verbatim) and
 *   `POST /wechat`: plaintext, or compatible / safe mode when the query says `encrypt_type=aes` (answered
 *   encrypted, in the same mode). The plain `signature` is checked before the body is even read.
 * - `GET /wecom` (URL check: the encrypted `echostr`, signed by `msg_signature`, answered decrypted) and
 *   `POST /wecom` (always encrypted, with AgentID).
 * A bad or missing signature, or a timestamp more than 5 minutes off, is 401; a body that is not a WeChat
 * message (wrong content type, not XML, DOCTYPE, too large, wrong AppID / CorpID) is 400. Neither reaches
 * the dialogue. Logs carry the reason and the conversation id at most, never the openid or message text.
 *
 * @example
 * await server.register(wechatRoutes({ settings, guide, logger }));
 */
export interface WechatRoutesOptions {
  settings: WechatSettings;
  guide: WechatGuide;
  logger: Logger;
  /** The clock (ms); default Date.now. */
  now?: () => number;
}

/**
 * Where the Official Account and WeCom post.
 *
 * @example
 * `${publicUrl}${WECHAT_PATH}`; // the URL to enter in the 公众平台
 */
export const WECHAT_PATH = '/wechat';
/**
 * See {@link WECHAT_PATH}.
 *
 * @example
 * `${publicUrl}${WECOM_PATH}`; // the URL to enter in the WeCom admin console
 */
export const WECOM_PATH = '/wecom';

type Query = Record<string, unknown>;

/**
 * See {@link WechatRoutesOptions}.
 *
 * @example
 * await server.register(wechatRoutes({ settings, guide, logger }));
 */
export function wechatRoutes(opts: WechatRoutesOptions): FastifyPluginAsync {
  return async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: MAX_XML_BYTES }, (_req, body, done) =>
      done(null, body),
    );
    scope.setErrorHandler((err, request, reply) => {
      const status = (err as { statusCode?: unknown }).statusCode;
      if (typeof status === 'number' && status >= 400 && status < 500) {
        request.log.debug({ channel: 'wechat', status, code: (err as { code?: unknown }).code }, 'refused');
        return reply.code(400).send('');
      }
      // Our own fault: Tencent's prescribed "cannot answer" (no retry storm, nothing shown), and a log line.
      request.log.error({ channel: 'wechat', error: safeError(err) }, 'wechat request failed');
      return reply.code(200).type('text/plain; charset=utf-8').send('success');
    });
    const { officialAccount, wecom } = opts.settings;
    if (officialAccount) officialAccountRoutes(scope, { ...opts, account: officialAccount });
    if (wecom) wecomRoutes(scope, { ...opts, keys: { ...wecom, receiverId: wecom.corpId } });
  };
}

const ROUTE_CONFIG = { config: { rateLimit: false }, bodyLimit: MAX_XML_BYTES } as const;

function officialAccountRoutes(
  scope: FastifyInstance,
  opts: WechatRoutesOptions & { account: NonNullable<WechatSettings['officialAccount']> },
): void {
  const { account, guide, logger } = opts;
  const now = opts.now ?? Date.now;
  const keys: EnvelopeKeys | undefined =
    account.aesKey && account.appId
      ? { token: account.token, aesKey: account.aesKey, receiverId: account.appId }
      : undefined;
  // The plain signature is in the query of every request: checked before the body is read.
  const signed = async (request: FastifyRequest, reply: FastifyReply) => {
    const q = request.query as Query;
    const parts = [account.token, q.timestamp, q.nonce];
    if (!timestampFresh(q.timestamp, now()) || !parts.every((p) => typeof p === 'string'))
      return refuse(reply, {
        ok: false,
        status: 401,
        reason: 'timestamp missing or more than 5 minutes off',
      });
    if (!signatureMatches(q.signature, parts as string[]))
      return refuse(reply, { ok: false, status: 401, reason: 'signature does not match' });
  };

  scope.get(WECHAT_PATH, { ...ROUTE_CONFIG, onRequest: signed }, async (request, reply) => {
    const echostr = (request.query as Query).echostr;
    if (typeof echostr !== 'string') return refuse(reply, { ok: false, status: 400, reason: 'no echostr' });
    return reply.type('text/plain; charset=utf-8').send(echostr);
  });

  let warned = false;
  scope.post(WECHAT_PATH, { ...ROUTE_CONFIG, onRequest: signed }, async (request, reply) => {
    const receivedAt = now() - reply.elapsedTime;
    const q = request.query as Query;
    const body = xmlBody(request);
    if (body === undefined)
      return refuse(reply, { signed: true, ok: false, status: 400, reason: 'not an XML body' });
    const mode = q.encrypt_type === undefined || q.encrypt_type === 'raw' ? 'plain' : q.encrypt_type;
    if (mode !== 'plain' && mode !== 'aes')
      return refuse(reply, { signed: true, ok: false, status: 400, reason: 'unknown encrypt_type' });
    if (mode === 'aes' && !keys) {
      if (!warned)
        logger.warn(
          { channel: 'wechat' },
          'an encrypted message arrived but WECHAT_ENCODING_AES_KEY / WECHAT_APP_ID are not set: set them, or switch the account back to 明文模式',
        );
      warned = true;
      // Warned once above; each further one is only a debug line.
      return refuse(reply, { ok: false, status: 400, reason: 'encrypted message without a configured key' });
    }
    const opened = mode === 'aes' && keys ? openEnvelope(body, q, keys) : parsePlain(body);
    if (!opened.ok) return refuse(reply, { ...opened, signed: true });
    const inbound = classify(opened.fields);
    if (!inbound)
      return refuse(reply, { signed: true, ok: false, status: 400, reason: 'not a WeChat message' });
    const text = await guide.answer('wechat', inbound, receivedAt);
    if (!text) return reply.type('text/plain; charset=utf-8').send('success');
    const xml = textReplyXml({
      to: inbound.user,
      from: inbound.account,
      createTime: now() / 1000,
      content: text,
    });
    return reply
      .type('application/xml; charset=utf-8')
      .send(mode === 'aes' && keys ? sealReply(xml, keys, now()) : xml);
  });
}

function wecomRoutes(scope: FastifyInstance, opts: WechatRoutesOptions & { keys: EnvelopeKeys }): void {
  const { keys, guide } = opts;
  const now = opts.now ?? Date.now;
  // msg_signature signs the Encrypt inside the body; what can be checked before reading it is checked here.
  const fresh = async (request: FastifyRequest, reply: FastifyReply) => {
    const q = request.query as Query;
    if (!timestampFresh(q.timestamp, now()) || typeof q.msg_signature !== 'string')
      return refuse(reply, { ok: false, status: 401, reason: 'timestamp or msg_signature missing or stale' });
  };

  scope.get(WECOM_PATH, { ...ROUTE_CONFIG, onRequest: fresh }, async (request, reply) => {
    const opened = openEchostr(request.query as Query, keys);
    if (!opened.ok) return refuse(reply, opened);
    return reply.type('text/plain; charset=utf-8').send(opened.text);
  });

  scope.post(WECOM_PATH, { ...ROUTE_CONFIG, onRequest: fresh }, async (request, reply) => {
    const receivedAt = now() - reply.elapsedTime;
    const body = xmlBody(request);
    if (body === undefined) return refuse(reply, { ok: false, status: 400, reason: 'not an XML body' });
    const opened = openEnvelope(body, request.query as Query, keys);
    if (!opened.ok) return refuse(reply, opened);
    const inbound = classify(opened.fields);
    if (!inbound) return refuse(reply, { ok: false, status: 400, reason: 'not a WeCom message' });
    const text = await guide.answer('wecom', inbound, receivedAt);
    if (!text) return reply.type('text/plain; charset=utf-8').send('');
    const xml = textReplyXml({
      to: inbound.user,
      from: inbound.account,
      createTime: now() / 1000,
      content: text,
    });
    return reply.type('application/xml; charset=utf-8').send(sealReply(xml, keys, now()));
  });
}

/** The body as text when it was sent as XML (WeChat sends text/xml), else undefined. */
function xmlBody(request: FastifyRequest): string | undefined {
  const type = String(request.headers['content-type'] ?? '').toLowerCase();
  if (!/^(text|application)\/xml\s*(;|$)/.test(type)) return undefined;
  return Buffer.isBuffer(request.body) ? request.body.toString('utf8') : undefined;
}

function parsePlain(body: string): { ok: true; fields: WechatFields } | Refusal {
  try {
    return { ok: true, fields: parseWechatXml(body) };
  } catch (err) {
    if (err instanceof WechatXmlError) return { ok: false, status: 400, reason: err.message };
    throw err;
  }
}

function classify(fields: WechatFields) {
  try {
    return classifyInbound(fields);
  } catch (err) {
    if (err instanceof WechatInboundError) return undefined;
    throw err;
  }
}

function refuse(reply: FastifyReply, refusal: Refusal): FastifyReply {
  const log = { channel: 'wechat', status: refusal.status, reason: refusal.reason };
  // A signed request that still fails is a settings mismatch worth a warning; anything else is noise.
  if (refusal.signed)
    reply.log.warn(log, 'refused a signed WeChat request: check the WECHAT_* / WECOM_* settings');
  else reply.log.debug(log, 'refused');
  return reply.code(refusal.status).header('cache-control', 'no-store').send('');
}
