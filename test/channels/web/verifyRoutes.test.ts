import { afterEach, describe, expect, it } from 'vitest';
import { VERIFY_BODY_LIMIT_BYTES } from '../../../src/channels/web/verifyRoutes.ts';
import { RECEIPT_PAGE_CSP } from '../../../src/receipts/renderHtml.ts';
import { sqlRows } from '../../support/app.ts';
import { postChat, sessionCookieOf, startTestServer, type TestServer } from './harness.ts';

let t: TestServer | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

const PUBLIC = 'https://cancelmate.example.org';

/** Walks a short path over the chat API to its receipt; returns its id, token and page. */
async function receiptOf(server: TestServer['server']) {
  const first = await postChat(server, { text: '/start', messageId: 'v1' });
  const cookie = sessionCookieOf(first);
  let receipt: { id: string; token: string } | undefined;
  for (const [i, text] of ['1', '1', '1', '1', '成功了', '没有了，结束'].entries()) {
    const res = await postChat(server, { text, messageId: `v${i + 2}` }, { cookie });
    receipt = res.json().replies.find((r: { receipt?: unknown }) => r.receipt)?.receipt ?? receipt;
  }
  if (!receipt) throw new Error('no receipt at the end of the path');
  const page = await server.inject({ method: 'GET', url: `/receipts/${receipt.id}?t=${receipt.token}` });
  expect(page.headers['content-security-policy']).toBe(RECEIPT_PAGE_CSP);
  return { ...receipt, html: page.body };
}

describe('/verify and /v/:id', () => {
  it('the short link on the receipt shows valid, in both languages, with the signed content and the original', async () => {
    t = await startTestServer({ PUBLIC_URL: PUBLIC });
    const r = await receiptOf(t.server);
    const link = `${PUBLIC}/v/${r.id}?t=${r.token}`;
    expect(r.html).toContain(`<a id="verify-link" href="${link}">`);
    const res = await t.server.inject({ method: 'GET', url: `/v/${r.id}?t=${r.token}` });
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body).toContain('<section id="verdict" class="ok" role="status">');
    expect(res.body).toContain('有效：这份收据由本服务签发，内容与签名一致，没有被改动。');
    expect(res.body).toContain('Valid: this receipt was issued by this service');
    expect(res.body).toContain(`<dt>收据编号</dt><dd>${r.id}</dd>`);
    expect(res.body).toContain('<h3>会员取消收据</h3>');
    expect(res.body).toContain(`href="/receipts/${r.id}?t=${r.token}"`);
    expect(res.body).toContain(t.app.keys.publicKeyPem.trim());
    // The same by pasting the link into the page (no JavaScript needed).
    const pasted = await t.server.inject({ method: 'GET', url: `/verify?link=${encodeURIComponent(link)}` });
    expect(pasted.statusCode).toBe(200);
    expect(pasted.body).toContain('有效：');
  });

  it('bad links get a clear answer and change nothing', async () => {
    t = await startTestServer({ PUBLIC_URL: PUBLIC });
    const r = await receiptOf(t.server);
    const cases: [string, number, string][] = [
      [`/v/${r.id}?t=wrong-token-123`, 404, '没有找到这个链接对应的收据'],
      [`/v/${r.id}`, 400, '这个链接缺少 ?t= 后面的部分'],
      ['/v/not-a-receipt?t=abc', 404, 'No receipt matches this link'],
      [
        `/verify?link=${encodeURIComponent(`https://evil.example/v/${r.id}?t=${r.token}`)}`,
        400,
        '这不是本服务的收据链接',
      ],
      ['/verify?link=%E2%80%A6nonsense', 400, 'This is not a receipt link of this service'],
    ];
    for (const [url, status, text] of cases) {
      const res = await t.server.inject({ method: 'GET', url });
      expect(res.statusCode, url).toBe(status);
      expect(res.body, url).toContain(text);
      expect(res.body, url).not.toContain('class="ok"');
    }
    expect(sqlRows(t.dataDir, 'SELECT count(*) AS n FROM receipts')).toEqual([{ n: 1 }]);
  });

  it('a dropped file: the genuine page is valid, an edited one is not and says where, in both languages', async () => {
    t = await startTestServer({ PUBLIC_URL: PUBLIC });
    const r = await receiptOf(t.server);
    const post = (file: unknown) =>
      t?.server.inject({ method: 'POST', url: '/verify/check', payload: { file } });
    const ok = await post(r.html);
    expect(ok?.statusCode).toBe(200);
    expect(ok?.json()).toMatchObject({ ok: true, id: r.id, summary: { lang: 'zh-CN' } });

    const cut = r.html.indexOf('<script>');
    const edited =
      r.html.slice(0, cut).replace('<dd>卡盟网站</dd>', '<dd>爱奇艺 VIP</dd>') + r.html.slice(cut);
    const bad = await post(edited);
    expect(bad?.statusCode).toBe(200);
    const v = bad?.json();
    expect(v).toMatchObject({ ok: false, failure: 'page' });
    expect(v.lines['zh-CN']).toEqual([
      '无效：网页上显示的内容和签名的内容不一致。',
      '位置：概要 › 平台。网页显示「爱奇艺 VIP」，签名的内容是「卡盟网站」。',
    ]);
    expect(v.lines.en[0]).toBe('Not valid: what the web page shows differs from what was signed.');
    // The signed data is sound, so its summary shows what was really signed.
    expect(v.summary.rows).toContainEqual(['平台', '卡盟网站']);

    const json = await t.server.inject({ method: 'GET', url: `/receipts/${r.id}.json?t=${r.token}` });
    expect((await post(json.body))?.json()).toMatchObject({ ok: true });
    const forged = await post(json.body.replace('卡盟网站', '爱奇艺 VIP'));
    expect(forged?.json()).toMatchObject({ ok: false, failure: 'signature' });
    expect(forged?.json().summary).toBeUndefined();
  });

  it('refuses a missing file, another content type and a body over the limit, clearly', async () => {
    t = await startTestServer();
    const empty = await t.server.inject({ method: 'POST', url: '/verify/check', payload: {} });
    expect(empty.statusCode).toBe(400);
    expect(empty.json().detail).toContain('send {"file"');
    const text = await t.server.inject({
      method: 'POST',
      url: '/verify/check',
      headers: { 'content-type': 'text/plain' },
      payload: 'hello',
    });
    expect(text.statusCode).toBe(415);
    const huge = await t.server.inject({
      method: 'POST',
      url: '/verify/check',
      payload: { file: 'x'.repeat(VERIFY_BODY_LIMIT_BYTES + 1) },
    });
    expect(huge.statusCode).toBe(413);
    const notReceipt = await t.server.inject({
      method: 'POST',
      url: '/verify/check',
      payload: { file: '<p>hi</p>' },
    });
    expect(notReceipt.json()).toMatchObject({ ok: false, failure: 'format' });
    expect(notReceipt.json().lines['zh-CN'][0]).toBe('无效：这不是会员取消助手的收据，或者文件已经损坏。');
  });

  it('serves the page and its own script and styles (no inline script)', async () => {
    t = await startTestServer();
    const page = await t.server.inject({ method: 'GET', url: '/verify' });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain(
      '<span lang="zh-CN">核验收据</span> <span class="sep">/</span> <span lang="en">Check a receipt</span>',
    );
    const js = /<script src="([^"]+)"><\/script>/.exec(page.body)?.[1] ?? '';
    const css = /<link rel="stylesheet" href="([^"]+)">/.exec(page.body)?.[1] ?? '';
    expect((await t.server.inject({ method: 'GET', url: js })).headers['content-type']).toContain(
      'javascript',
    );
    expect((await t.server.inject({ method: 'GET', url: css })).headers['content-type']).toContain(
      'text/css',
    );
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
  });
});
