/**
 * Child process for the web chat row's baseline: bare `node:http` answering every `POST /api/chat` with a
 * fixed JSON reply (after reading the body), on a loopback port — the floor any Node web chat stands on.
 * With BARE_ANY_PATH=1 it answers any POST (the WeChat row's floor).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serveChild } from '../lib/child.ts';

const REPLY = JSON.stringify({
  replies: [
    {
      text: '会员是在哪里买的，或者钱是从哪里扣的？',
      choices: [{ id: 'kamen', label: '卡盟网站' }],
      turn: 2,
    },
  ],
  lang: 'zh-CN',
});

const anyPath = process.env.BARE_ANY_PATH === '1';

const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const ok = req.method === 'POST' && (anyPath || req.url === '/api/chat');
    res.writeHead(ok ? 200 : 404, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(REPLY),
    });
    res.end(REPLY);
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  serveChild((server.address() as AddressInfo).port, () => new Promise((r) => server.close(() => r())));
});
