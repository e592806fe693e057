/**
 * The WeChat webhook's peer, ready for the WeChat row (which waits for CancelMate's WeChat channel on main):
 * node-webot's `wechat` middleware (bench/peers) in safe mode — it checks the signature, decrypts the
 * message, and encrypts a text reply — behind bare `node:http`, as a child process for the load generator.
 * Run directly (`node --import tsx bench/peers/wechatPeer.ts`) it reports its port like the other servers.
 */
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { serveChild } from '../lib/child.ts';
import { WECHAT_PEER } from '../lib/wechatRequests.ts';

type Handler = (req: unknown, res: unknown, next: () => void) => void;
const wechat = createRequire(import.meta.url)('wechat') as (
  config: { token: string; appid: string; encodingAESKey: string },
  handle: (req: { weixin: { Content?: string } }, res: { reply(text: string): void }) => void,
) => Handler;

const middleware = wechat(WECHAT_PEER, (req, res) => {
  res.reply(`收到：${req.weixin.Content ?? ''}。请回复选项前的数字。\n1. 取消会员\n2. 退款`);
});

const server = createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  (req as unknown as { query: Record<string, string> }).query = Object.fromEntries(url.searchParams);
  middleware(req, res, () => {
    res.statusCode = 404;
    res.end();
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  serveChild((server.address() as AddressInfo).port, () => new Promise((r) => server.close(() => r())));
});
