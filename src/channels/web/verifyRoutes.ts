import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import type { Engine } from '../../dialogue/engine.ts';
import type { ReceiptKeys } from '../../receipts/keys.ts';
import type { Receipt } from '../../receipts/types.ts';
import { extractReceipt, verifyReceipt } from '../../receipts/verify.ts';
import { verifyReceiptFileText } from '../../receipts/verifyHtml.ts';
import { ApiError } from './apiError.ts';
import { both, verdictHtml, verdictOf, verifyPageHtml } from './verifyPage.ts';

/**
 * Checking receipts in a browser, for officials and anyone else who cannot run a program, a Fastify plugin:
 * - `GET /verify` the page: paste a receipt link (`?link=…`, works without JavaScript) or drop a receipt file;
 * - `GET /v/:id?t=TOKEN` the short link printed (and QR-coded) on every receipt: checks the stored original
 *   with this installation's key and shows the verdict with a summary of the signed content and a link to the
 *   original page;
 * - `POST /verify/check` `{ "file": "<the .html or .json text>" }` → the verdict as JSON (what the page's
 *   script shows); a page's visible text must be what was signed (see src/receipts/verifyHtml.ts);
 * - `GET /verify/verify.css`, `GET /verify/verify.js` the page's own assets.
 * Everything is shown in Chinese and English at once. Bad input gets a clear error and changes nothing.
 *
 * @example
 * await scope.register(verifyRoutes, { keys: app.keys, engine: app.engine, publicUrl });
 */
export interface VerifyRoutesOptions {
  keys: Pick<ReceiptKeys, 'publicKey' | 'publicKeyPem' | 'keyId'>;
  /** Finds a stored receipt by id and its secret link token (undefined for a wrong token), and words the page. */
  engine: Pick<Engine, 'receiptByToken' | 'words'>;
  /** The installation's public address; links to another host are refused. */
  publicUrl?: string;
}

/**
 * The largest receipt file `/verify/check` accepts (a long conversation's page is a few hundred KB; the
 * JSON wrapping escapes quotes and line breaks).
 *
 * @example
 * file.size <= VERIFY_BODY_LIMIT_BYTES
 */
export const VERIFY_BODY_LIMIT_BYTES = 4 * 1024 * 1024;

const ID = /^R-\d{8}-[0-9A-F]{8}$/;
const TOKEN = /^[A-Za-z0-9_-]{8,128}$/;

function asset(name: string): { body: string; href: string } {
  const body = readFileSync(new URL(`./${name}`, import.meta.url), 'utf8');
  return { body, href: `/verify/${name}?v=${createHash('sha256').update(body).digest('hex').slice(0, 12)}` };
}

/** See {@link VerifyRoutesOptions}. */
export const verifyRoutes: FastifyPluginAsync<VerifyRoutesOptions> = async (server, opts) => {
  const { keys, engine } = opts;
  const tr = engine.words;
  const css = asset('verify.css');
  const js = asset('verify.js');
  const origin = opts.publicUrl ? new URL(opts.publicUrl).origin : undefined;

  const page = (reply: FastifyReply, status: number, result: string | undefined, link?: string) =>
    reply
      .code(status)
      .type('text/html; charset=utf-8')
      .header('cache-control', 'no-store')
      .send(
        verifyPageHtml({
          tr,
          publicKeyPem: keys.publicKeyPem,
          keyId: keys.keyId,
          maxBytes: VERIFY_BODY_LIMIT_BYTES,
          cssHref: css.href,
          jsHref: js.href,
          ...(result ? { result } : {}),
          ...(link ? { link } : {}),
        }),
      );
  const notice = (key: string, vars?: Record<string, string>) =>
    `<section id="verdict" class="bad" role="status"><p class="verdict">${both(tr, key, vars)}</p></section>`;

  /** Checks the stored original behind a link; the status and the verdict HTML. */
  const checkStored = async (id: string, token: string): Promise<[number, string]> => {
    const receipt = ID.test(id) && TOKEN.test(token) ? await engine.receiptByToken(id, token) : undefined;
    if (!receipt) return [404, notice('notFound')];
    const verdict = verdictOf(tr, verifyReceipt(receipt, keys.publicKey), receipt);
    return [
      200,
      verdictHtml(tr, verdict, `/receipts/${encodeURIComponent(id)}?t=${encodeURIComponent(token)}`),
    ];
  };

  server.get('/verify/verify.css', async (_request, reply) =>
    reply.type('text/css; charset=utf-8').header('cache-control', 'public, max-age=86400').send(css.body),
  );
  server.get('/verify/verify.js', async (_request, reply) =>
    reply
      .type('text/javascript; charset=utf-8')
      .header('cache-control', 'public, max-age=86400')
      .send(js.body),
  );

  server.get<{ Querystring: { link?: unknown } }>('/verify', async (request, reply) => {
    const raw = typeof request.query.link === 'string' ? request.query.link.trim() : '';
    if (!raw) return page(reply, 200, undefined);
    const example = `${origin ?? 'https://…'}/v/R-20261125-1A2B3C4D?t=…`;
    let url: URL;
    try {
      url = new URL(raw, origin ?? 'http://localhost');
    } catch {
      return page(reply, 400, notice('badLink', { example }), raw);
    }
    const m = /^\/(?:v|receipts)\/(R-\d{8}-[0-9A-F]{8})(?:\.json)?$/.exec(url.pathname);
    if (!m?.[1] || (origin && /^https?:/i.test(raw) && url.origin !== origin))
      return page(reply, 400, notice('badLink', { example }), raw);
    const token = url.searchParams.get('t') ?? '';
    if (!token) return page(reply, 400, notice('noToken'), raw);
    const [status, html] = await checkStored(m[1], token);
    return page(reply, status, html, raw);
  });

  server.get<{ Params: { id: string }; Querystring: { t?: unknown } }>('/v/:id', async (request, reply) => {
    const { id } = request.params;
    const token = typeof request.query.t === 'string' ? request.query.t : '';
    if (!ID.test(id)) return page(reply, 404, notice('notFound'));
    if (!token) return page(reply, 400, notice('noToken'));
    const [status, html] = await checkStored(id, token);
    return page(reply, status, html);
  });

  server.post<{ Body: unknown }>(
    '/verify/check',
    { bodyLimit: VERIFY_BODY_LIMIT_BYTES },
    async (request, reply) => {
      const body = request.body as { file?: unknown } | null;
      const file = body && typeof body === 'object' ? body.file : undefined;
      if (typeof file !== 'string' || file.trim() === '')
        throw new ApiError(
          400,
          'bad_request',
          'send {"file": "<the text of the receipt .html or .json file>"}',
        );
      const result = verifyReceiptFileText(file, keys);
      let receipt: Receipt | undefined;
      try {
        receipt = extractReceipt(file) as Receipt;
      } catch {
        receipt = undefined;
      }
      reply.header('cache-control', 'no-store');
      return {
        ...verdictOf(tr, result, receipt),
        ...(result.ok ? { id: result.id } : { failure: result.failure }),
      };
    },
  );
};
