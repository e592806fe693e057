import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import type { Engine } from '../../dialogue/engine.ts';
import type { ReceiptKeys } from '../../receipts/keys.ts';
import { RECEIPT_PAGE_CSP as PAGE_CSP, renderReceiptHtml } from '../../receipts/renderHtml.ts';
import type { Receipt } from '../../receipts/types.ts';
import { ApiError } from './apiError.ts';
import { readSessionId, WEB_CHANNEL } from './session.ts';

/**
 * Receipts over HTTP, a Fastify plugin:
 * - `GET /receipts/public-key`: the Ed25519 public key (PEM) that verifies every receipt;
 * - `GET /receipts/:id?t=TOKEN` (HTML page) and `GET /receipts/:id.json?t=TOKEN`: the receipt, for whoever
 *   holds the secret token handed out with it (any channel's link); 404 otherwise, the same for unknown ids;
 * - `GET /api/receipts` and `GET /api/receipts/:id[.json]`: the web chat session's own receipts (by cookie),
 *   listed with their token links, so the page can offer them again after a reload, in any browser.
 *
 * @example
 * await scope.register(receiptRoutes, { engine, keys, publicUrl: 'https://cancelmate.example.org' });
 */
export interface ReceiptRoutesOptions {
  engine: Engine;
  keys: ReceiptKeys;
  publicUrl?: string;
}

/** The receipt page embeds its own styles, inline SVG and one print script (by hash): its CSP allows exactly that. */
export const RECEIPT_PAGE_CSP = PAGE_CSP;

const ID = /^R-\d{8}-[0-9A-F]{8}$/;

/** See {@link ReceiptRoutesOptions}. */
export const receiptRoutes: FastifyPluginAsync<ReceiptRoutesOptions> = async (server, opts) => {
  const { keys, engine } = opts;

  /** `token` is the link token when the page was opened with it (its check link and QR code then carry it). */
  const send = (reply: FastifyReply, receipt: Receipt, asJson: boolean, token?: string) => {
    reply.header('cache-control', 'private, no-store').header('referrer-policy', 'no-referrer');
    if (asJson)
      return reply
        .type('application/json; charset=utf-8')
        .header('content-disposition', `attachment; filename="${receipt.body.id}.json"`)
        .send(`${JSON.stringify(receipt, null, 2)}\n`);
    return reply
      .type('text/html; charset=utf-8')
      .header('content-security-policy', RECEIPT_PAGE_CSP)
      .send(renderReceiptHtml(receipt, { publicKeyPem: keys.publicKeyPem, ...(token ? { token } : {}) }));
  };
  const parseFile = (file: string) => {
    const asJson = file.endsWith('.json');
    const id = asJson ? file.slice(0, -5) : file;
    return ID.test(id) ? { id, asJson } : undefined;
  };

  server.get('/receipts/public-key', async (_request, reply) =>
    reply
      .type('application/x-pem-file; charset=utf-8')
      .header('x-key-id', keys.keyId)
      .header('cache-control', 'public, max-age=3600')
      .send(keys.publicKeyPem),
  );

  server.get<{ Params: { file: string }; Querystring: { t?: string } }>(
    '/receipts/:file',
    async (request, reply) => {
      const parsed = parseFile(request.params.file);
      const token = typeof request.query.t === 'string' ? request.query.t : '';
      const receipt = parsed && token ? await engine.receiptByToken(parsed.id, token) : undefined;
      if (!parsed || !receipt)
        throw new ApiError(404, 'not_found', 'no receipt at this address: check the link you were given');
      return send(reply, receipt, parsed.asJson, token);
    },
  );

  server.get('/api/receipts', async (request, reply) => {
    const session = readSessionId(request.headers.cookie);
    const list = session
      ? (await engine.history(WEB_CHANNEL, session)).receipts.map((r) => ({
          id: r.id,
          createdAt: r.createdAt,
          html: `/receipts/${r.id}?t=${r.token}`,
          json: `/receipts/${r.id}.json?t=${r.token}`,
        }))
      : [];
    return reply.header('cache-control', 'no-store').send({ receipts: list });
  });

  server.get<{ Params: { file: string } }>('/api/receipts/:file', async (request, reply) => {
    const parsed = parseFile(request.params.file);
    const session = readSessionId(request.headers.cookie);
    const receipt = parsed && session ? await engine.receiptOf(WEB_CHANNEL, session, parsed.id) : undefined;
    if (!parsed || !receipt) throw new ApiError(404, 'not_found', 'no receipt of yours at this address');
    return send(reply, receipt, parsed.asJson);
  });
};
