import { encrypt as peerEncrypt } from '@wecom/crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { wechatSignature } from '../../../src/channels/wechat/signature.ts';
import { ACCOUNT, type WechatHarness, wechatHarness } from './harness.ts';

// Bad input never reaches the dialogue: 401 (signature, replay) or 400 (not a WeChat message), an empty
// body, no 5xx, no crash, and not one row changed in the database.
let h: WechatHarness;
beforeAll(async () => {
  h = await wechatHarness();
});
afterAll(async () => {
  await h?.close();
});

const rows = () =>
  ['conversations', 'transcript', 'processed', 'receipts'].map(
    (t) => h.sql<{ n: number }>(`SELECT COUNT(*) AS n FROM ${t}`)[0]?.n,
  );

const ts = () => String(Math.floor(Date.now() / 1000));
const signed = (extra: Record<string, string> = {}, timestamp = ts()) => {
  const nonce = '12345';
  const signature = wechatSignature([ACCOUNT.WECHAT_TOKEN, timestamp, nonce]);
  return new URLSearchParams({ signature, timestamp, nonce, openid: 'oBad', ...extra }).toString();
};
const message = (content = 'hello', from = 'oBad') =>
  `<xml><ToUserName><![CDATA[gh_1]]></ToUserName><FromUserName><![CDATA[${from}]]></FromUserName><CreateTime>${ts()}</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[${content}]]></Content><MsgId>1</MsgId></xml>`;

async function post(
  path: string,
  query: string,
  body: string | Uint8Array,
  type: string | null = 'text/xml',
) {
  const res = await fetch(`${h.url}${path}?${query}`, {
    method: 'POST',
    body: typeof body === 'string' ? body : Buffer.from(body),
    headers: type === null ? {} : { 'content-type': type },
  });
  return { status: res.status, body: await res.text() };
}

/** Encrypted request to /wechat in safe mode, for `receiver`, with a correct or given msg_signature. */
function safeRequest(inner: string, receiver: string = ACCOUNT.WECHAT_APP_ID, msgSignature?: string) {
  const timestamp = ts();
  const encrypt = peerEncrypt(ACCOUNT.WECHAT_ENCODING_AES_KEY, inner, receiver);
  const query = signed(
    {
      encrypt_type: 'aes',
      msg_signature: msgSignature ?? wechatSignature([ACCOUNT.WECHAT_TOKEN, timestamp, '12345', encrypt]),
    },
    timestamp,
  );
  return {
    query,
    body: `<xml><ToUserName><![CDATA[gh_1]]></ToUserName><Encrypt><![CDATA[${encrypt}]]></Encrypt></xml>`,
  };
}

const bomb = `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;"><!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">]><xml><ToUserName>gh</ToUserName><FromUserName>o</FromUserName><MsgType>text</MsgType><Content>&lol2;</Content></xml>`;

describe('refused requests change nothing', () => {
  const cases: [string, () => Promise<{ status: number; body: string }>, number][] = [
    [
      'forged signature',
      () => post('/wechat', signed().replace(/signature=[0-9a-f]{3}/, 'signature=000'), message()),
      401,
    ],
    ['stale timestamp', () => post('/wechat', signed({}, String(Number(ts()) - 600)), message()), 401],
    ['future timestamp', () => post('/wechat', signed({}, String(Number(ts()) + 600)), message()), 401],
    ['no query at all', () => post('/wechat', '', message()), 401],
    [
      'signature for another token',
      () =>
        post(
          '/wechat',
          signed().replace(/signature=\w+/, `signature=${wechatSignature(['x', ts(), '12345'])}`),
          message(),
        ),
      401,
    ],
    [
      'wrong msg_signature',
      () => {
        const r = safeRequest(message(), ACCOUNT.WECHAT_APP_ID, '0'.repeat(40));
        return post('/wechat', r.query, r.body);
      },
      401,
    ],
    [
      'encrypted for another AppID',
      () => {
        const r = safeRequest(message(), 'wx0000000000000000');
        return post('/wechat', r.query, r.body);
      },
      400,
    ],
    ['DOCTYPE entity bomb', () => post('/wechat', signed(), bomb), 400],
    [
      'ENTITY inside the encrypted message',
      () => {
        const r = safeRequest(bomb);
        return post('/wechat', r.query, r.body);
      },
      400,
    ],
    [
      'external entity',
      () =>
        post('/wechat', signed(), `<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>${message('&e;')}`),
      400,
    ],
    ['truncated XML', () => post('/wechat', signed(), message().slice(0, 80)), 400],
    ['not XML', () => post('/wechat', signed(), 'MsgType=text&Content=hello'), 400],
    ['JSON body as JSON', () => post('/wechat', signed(), '{"MsgType":"text"}', 'application/json'), 400],
    ['XML sent as text/plain', () => post('/wechat', signed(), message(), 'text/plain'), 400],
    [
      'XML sent as a form',
      () => post('/wechat', signed(), message(), 'application/x-www-form-urlencoded'),
      400,
    ],
    ['no content type', () => post('/wechat', signed(), message(), null), 400],
    [
      '1 MB body, signed',
      () => post('/wechat', signed(), `<xml><Content>${'a'.repeat(1024 * 1024)}</Content></xml>`),
      400,
    ],
    [
      '1 MB body, unsigned',
      () => post('/wechat', '', `<xml><Content>${'a'.repeat(1024 * 1024)}</Content></xml>`),
      401,
    ],
    ['unknown encrypt_type', () => post('/wechat', signed({ encrypt_type: 'rot13' }), message()), 400],
    [
      'aes mode without Encrypt',
      () => post('/wechat', signed({ encrypt_type: 'aes', msg_signature: '0' }), message()),
      400,
    ],
    [
      'message without sender',
      () => post('/wechat', signed(), message().replace(/<FromUserName>.*<\/FromUserName>/, '')),
      400,
    ],
    [
      'duplicated Content',
      () => post('/wechat', signed(), message().replace('</xml>', '<Content>b</Content></xml>')),
      400,
    ],
    ['wecom without signature', () => post('/wecom', `timestamp=${ts()}&nonce=1`, message()), 401],
    [
      'wecom plaintext body',
      () => post('/wecom', `msg_signature=${'0'.repeat(40)}&timestamp=${ts()}&nonce=1`, message()),
      400,
    ],
    [
      'wecom forged msg_signature',
      () =>
        post(
          '/wecom',
          `msg_signature=${'0'.repeat(40)}&timestamp=${ts()}&nonce=1`,
          '<xml><Encrypt>QUJD</Encrypt></xml>',
        ),
      401,
    ],
  ];

  for (const [name, send, status] of cases)
    it(`${name} → ${status}`, async () => {
      const before = rows();
      const res = await send();
      expect(res).toEqual({ status, body: '' });
      expect(rows()).toEqual(before);
    });

  it('WeCom URL check with a signed but undecryptable echostr → 400', async () => {
    const t = ts();
    const echostr = 'QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVphYmNkZWY=';
    const sig = wechatSignature([ACCOUNT.WECOM_TOKEN, t, '1', echostr]);
    const res = await fetch(
      `${h.url}/wecom?msg_signature=${sig}&timestamp=${t}&nonce=1&echostr=${encodeURIComponent(echostr)}`,
    );
    expect([res.status, await res.text()]).toEqual([400, '']);
  });
});

describe('random input (fast-check)', () => {
  it('random bytes as a signed body: never a 5xx, never a state change', async () => {
    const before = rows();
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ maxLength: 3000 }),
        fc.constantFrom('text/xml', 'application/xml', 'application/octet-stream'),
        async (bytes, type) => {
          const res = await post('/wechat', signed(), bytes, type);
          expect([400, 401]).toContain(res.status);
          expect(res.body).toBe('');
        },
      ),
      { numRuns: 60, seed: 7 },
    );
    expect(rows()).toEqual(before);
  });

  it('random XML-ish bodies and random query strings: never a 5xx, never a state change', async () => {
    const before = rows();
    const xmlish = fc
      .array(
        fc.constantFrom(
          '<xml>',
          '</xml>',
          '<Content>',
          '</Content>',
          '<![CDATA[',
          ']]>',
          '<!DOCTYPE',
          '&lol;',
          '<MsgType>text</MsgType>',
          '<FromUserName>o</FromUserName>',
          'x',
          '"',
          '\u0000',
          '你好',
        ),
        { maxLength: 30 },
      )
      .map((parts) => parts.join(''));
    const query = fc.dictionary(
      fc.constantFrom(
        'signature',
        'timestamp',
        'nonce',
        'echostr',
        'encrypt_type',
        'msg_signature',
        'openid',
        '__proto__',
        'x',
      ),
      fc.string({ maxLength: 50 }),
    );
    await fc.assert(
      fc.asyncProperty(
        xmlish,
        query,
        fc.constantFrom('/wechat', '/wecom'),
        fc.boolean(),
        async (body, q, path, isGet) => {
          const qs = new URLSearchParams(q).toString();
          const res = isGet
            ? await fetch(`${h.url}${path}?${qs}`).then(async (r) => ({
                status: r.status,
                body: await r.text(),
              }))
            : await post(path, qs, body);
          expect(res.status).toBeLessThan(500);
          expect([400, 401]).toContain(res.status);
        },
      ),
      { numRuns: 80, seed: 8 },
    );
    // The same XML-ish bodies with a valid signature reach the parser, which refuses them.
    await fc.assert(
      fc.asyncProperty(xmlish, async (body) => {
        const res = await post('/wechat', signed(), body);
        expect(res.status).toBeLessThan(500);
      }),
      { numRuns: 60, seed: 9 },
    );
    expect(rows()).toEqual(before);
  });

  it('still answers a good message afterwards', async () => {
    const reply = await h.tencent('plain', 'after-fuzz').send({ type: 'event', event: 'subscribe' });
    expect(reply.text).toContain('你想做什么？');
  });
});

describe('without an EncodingAESKey', () => {
  it('plaintext works; an encrypted message is refused (400) and changes nothing', async () => {
    const plainOnly = await wechatHarness({
      env: {
        WECHAT_ENCODING_AES_KEY: '',
        WECHAT_APP_ID: '',
        WECOM_TOKEN: '',
        WECOM_CORP_ID: '',
        WECOM_ENCODING_AES_KEY: '',
      },
    });
    try {
      expect((await plainOnly.tencent('plain', 'p').send({ type: 'text', content: 'hi' })).text).toContain(
        '你想做什么？',
      );
      const res = await plainOnly.tencent('safe', 's').send({ type: 'text', content: 'hi' });
      expect([res.status, res.raw]).toEqual([400, '']);
      expect(plainOnly.stored('wechat', 's')).toBeUndefined();
      const wecom = await fetch(`${plainOnly.url}/wecom`);
      expect(wecom.status).toBe(404);
    } finally {
      await plainOnly.close();
    }
  });
});
