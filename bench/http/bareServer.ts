/**
 * Child process for the web chat row's baseline: bare `node:http` answering every `POST /api/chat` with a
 * fixed JSON reply (after reading the body), on a loopback port — the floor any Node web chat stands on.
 * With BARE_WECHAT=1 it answers any POST with a fixed safe-mode WeChat reply (encrypted and signed once, at
 * start: no per-request crypto) — the WeChat row's floor.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { serveChild } from '../lib/child.ts';
import { WECHAT_PEER } from '../lib/wechatRequests.ts';

const wechat = process.env.BARE_WECHAT === '1';

const JSON_REPLY = JSON.stringify({
  replies: [
    {
      text: '会员是在哪里买的，或者钱是从哪里扣的？',
      choices: [{ id: 'kamen', label: '卡盟网站' }],
      turn: 2,
    },
  ],
  lang: 'zh-CN',
});

/** One safe-mode reply envelope, sealed once with wechat-crypto. */
function fixedWechatReply(): string {
  const Crypt = createRequire(import.meta.url)('wechat-crypto') as new (
    token: string,
    key: string,
    id: string,
  ) => { encrypt(text: string): string };
  const encrypt = new Crypt(WECHAT_PEER.token, WECHAT_PEER.encodingAESKey, WECHAT_PEER.appid).encrypt(
    '<xml><ToUserName><![CDATA[o_user]]></ToUserName><FromUserName><![CDATA[gh_bench]]></FromUserName><CreateTime>1714037059</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[会员是在哪里买的，或者钱是从哪里扣的？\n回复 1：卡盟网站]]></Content></xml>',
  );
  const timestamp = String(Math.floor(Date.now() / 1000));
  const nonce = String(randomBytes(4).readUInt32BE(0));
  const signature = createHash('sha1')
    .update([WECHAT_PEER.token, timestamp, nonce, encrypt].sort().join(''))
    .digest('hex');
  return `<xml><Encrypt><![CDATA[${encrypt}]]></Encrypt><MsgSignature><![CDATA[${signature}]]></MsgSignature><TimeStamp>${timestamp}</TimeStamp><Nonce><![CDATA[${nonce}]]></Nonce></xml>`;
}

const REPLY = wechat ? fixedWechatReply() : JSON_REPLY;
const TYPE = wechat ? 'application/xml; charset=utf-8' : 'application/json; charset=utf-8';

const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const ok = req.method === 'POST' && (wechat || req.url === '/api/chat');
    res.writeHead(ok ? 200 : 404, { 'content-type': TYPE, 'content-length': Buffer.byteLength(REPLY) });
    res.end(REPLY);
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  serveChild((server.address() as AddressInfo).port, () => new Promise((r) => server.close(() => r())));
});
