import { afterEach, describe, expect, it } from 'vitest';
import { publicKeyFromPem } from '../../../src/receipts/keys.ts';
import { extractReceipt, verifyReceipt } from '../../../src/receipts/verify.ts';
import { postChat, sessionCookieOf, startTestServer, type TestServer } from './harness.ts';

let t: TestServer | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

/** Walks to the end of a short path over the API; returns the session cookie and the receipt reference. */
async function finish(server: TestServer['server']) {
  const first = await postChat(server, { text: '/start', messageId: 'a1' });
  const cookie = sessionCookieOf(first);
  let receipt: { id: string; token: string } | undefined;
  for (const [i, text] of ['1', '1', '1', '1', '成功了', '没有了，结束'].entries()) {
    const res = await postChat(server, { text, messageId: `a${i + 2}` }, { cookie });
    expect(res.statusCode).toBe(200);
    receipt = res.json().replies.find((r: { receipt?: unknown }) => r.receipt)?.receipt ?? receipt;
  }
  if (!receipt) throw new Error('no receipt at the end of the path');
  return { cookie, receipt };
}

describe('receipt routes', () => {
  it('serve the receipt page and JSON only with the token, and the public key to verify them', async () => {
    t = await startTestServer({ PUBLIC_URL: 'https://cancelmate.example.org' });
    const { receipt } = await finish(t.server);
    const pem = await t.server.inject({ method: 'GET', url: '/receipts/public-key' });
    expect(pem.statusCode).toBe(200);
    expect(pem.headers['x-key-id']).toBe(t.app.keys.keyId);
    const key = publicKeyFromPem(pem.body);

    const html = await t.server.inject({ method: 'GET', url: `/receipts/${receipt.id}?t=${receipt.token}` });
    expect(html.statusCode).toBe(200);
    expect(html.headers['content-type']).toContain('text/html');
    // Inline styles and SVG, and only the print script (by its hash): see RECEIPT_PAGE_CSP.
    expect(html.headers['content-security-policy']).toMatch(
      /^default-src 'none'; style-src 'unsafe-inline'; img-src data:; script-src 'sha256-[A-Za-z0-9+/]+=*'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'$/,
    );
    expect(html.headers['cache-control']).toBe('private, no-store');
    expect(verifyReceipt(extractReceipt(html.body), key)).toMatchObject({ ok: true, id: receipt.id });

    const json = await t.server.inject({
      method: 'GET',
      url: `/receipts/${receipt.id}.json?t=${receipt.token}`,
    });
    expect(json.statusCode).toBe(200);
    expect(json.headers['content-disposition']).toBe(`attachment; filename="${receipt.id}.json"`);
    expect(verifyReceipt(json.json(), key)).toMatchObject({ ok: true });

    for (const url of [
      `/receipts/${receipt.id}`,
      `/receipts/${receipt.id}?t=wrong`,
      `/receipts/${receipt.id}.json?t=${receipt.token}x`,
      `/receipts/R-20260101-00000000?t=${receipt.token}`,
      `/receipts/../../etc/passwd?t=${receipt.token}`,
    ]) {
      const res = await t.server.inject({ method: 'GET', url });
      expect(res.statusCode, url).toBe(404);
      expect(res.body).not.toContain(receipt.id);
    }
  });

  it('give a web session its own receipts by cookie, and nobody else', async () => {
    t = await startTestServer();
    const { cookie, receipt } = await finish(t.server);
    const list = await t.server.inject({ method: 'GET', url: '/api/receipts', headers: { cookie } });
    expect(list.json()).toEqual({
      receipts: [
        {
          id: receipt.id,
          createdAt: expect.any(String),
          html: `/receipts/${receipt.id}?t=${receipt.token}`,
          json: `/receipts/${receipt.id}.json?t=${receipt.token}`,
        },
      ],
    });
    // The listed link is the one handed out in the chat, and it opens without the session (another browser).
    const elsewhere = await t.server.inject({
      method: 'GET',
      url: `/receipts/${receipt.id}.json?t=${receipt.token}`,
    });
    expect(elsewhere.statusCode).toBe(200);
    expect(elsewhere.json().body.id).toBe(receipt.id);
    const own = await t.server.inject({
      method: 'GET',
      url: `/api/receipts/${receipt.id}.json`,
      headers: { cookie },
    });
    expect(own.statusCode).toBe(200);
    expect(own.json().body.id).toBe(receipt.id);

    const other = await postChat(t.server, { text: '/start', messageId: 'b1' });
    const otherCookie = sessionCookieOf(other);
    const stolen = await t.server.inject({
      method: 'GET',
      url: `/api/receipts/${receipt.id}`,
      headers: { cookie: otherCookie },
    });
    expect(stolen.statusCode).toBe(404);
    expect(
      (
        await t.server.inject({ method: 'GET', url: '/api/receipts', headers: { cookie: otherCookie } })
      ).json(),
    ).toEqual({
      receipts: [],
    });
    expect((await t.server.inject({ method: 'GET', url: `/api/receipts/${receipt.id}` })).statusCode).toBe(
      404,
    );
  });

  it('send the "my data" export inline as a file the page can offer for download', async () => {
    t = await startTestServer();
    const { cookie } = await finish(t.server);
    const res = await postChat(t.server, { text: '我的数据', messageId: 'd1' }, { cookie });
    const data = res.json().replies.at(-1);
    expect(data.text).toContain('这是我保存的关于你的全部数据');
    expect(data.files).toHaveLength(1);
    expect(data.files[0].filename).toBe('cancelmate-my-data.json');
    const exported = JSON.parse(data.files[0].content);
    expect(exported.receipts).toHaveLength(1);
    expect(exported.transcript.length).toBeGreaterThan(10);
    // Receipt replies carry links, never the files themselves.
    const receiptReply = (await postChat(t.server, { text: '收据', messageId: 'd2' }, { cookie }))
      .json()
      .replies.at(-1);
    expect(receiptReply.receipt).toBeDefined();
    expect(receiptReply.files).toBeUndefined();
  });
});
