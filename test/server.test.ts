import type { AddressInfo } from 'node:net';
import { connect } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.ts';
import { createLogger } from '../src/logger.ts';
import { CONTENT_SECURITY_POLICY, rateLimitKey } from '../src/server.ts';
import {
  chat,
  nextId,
  postChat,
  sessionCookieOf,
  startTestServer,
  type TestServer,
} from './channels/web/harness.ts';

let t: TestServer | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

async function serve(
  env: Record<string, string> = {},
  opts: Parameters<typeof startTestServer>[1] = {},
): Promise<TestServer> {
  t = await startTestServer(env, opts);
  return t;
}

const json = { 'content-type': 'application/json' };

describe('/healthz', () => {
  it('is 200 with the flow version, uptime and a reachable database, and is never rate limited', async () => {
    const { server, app } = await serve({ RATE_LIMIT_PER_MINUTE: '1' });
    for (let i = 0; i < 3; i++) {
      const res = await server.inject({ method: 'GET', url: '/healthz' });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({
        status: 'ok',
        flowVersion: app.bundle.version,
        uptimeSeconds: expect.any(Number),
        database: 'ok',
      });
    }
  });

  it('is 503 when the database is closed', async () => {
    const { server, app } = await serve();
    await app.close();
    const res = await server.inject({ method: 'GET', url: '/healthz' });
    expect(res.statusCode).toBe(503);
    expect((res.json() as { status: string }).status).toBe('database_unreachable');
  });

  it('is 503 once the server starts closing, lets in-flight requests finish, then closes the database', async () => {
    let release = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    let entered = () => {};
    const inside = new Promise<void>((resolve) => {
      entered = resolve;
    });
    const slow = async (scope: FastifyInstance) => {
      scope.get('/slow', async () => {
        entered();
        await gate;
        return { done: true };
      });
    };
    const { server, app } = await serve({}, { routes: [{ name: 'slow', plugin: slow }] });
    await server.listen({ host: '127.0.0.1', port: 0 });
    const port = (server.addresses()[0] as AddressInfo).port;
    // One keep-alive connection: a slow request in flight, then (after close began) a health check on it.
    const socket = connect(port, '127.0.0.1');
    let received = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      received += chunk;
    });
    socket.write('GET /slow HTTP/1.1\r\nHost: test\r\n\r\n');
    await inside;
    const closing = server.close();
    await new Promise((resolve) => setTimeout(resolve, 50));
    socket.write('GET /healthz HTTP/1.1\r\nHost: test\r\n\r\n');
    await new Promise((resolve) => setTimeout(resolve, 50));
    await expect(app.engine.health()).resolves.toBeUndefined(); // a request is still in flight
    await expect(fetch(`http://127.0.0.1:${port}/healthz`)).rejects.toThrow(); // no new connections
    release();
    await closing;
    await new Promise((resolve) => socket.on('close', resolve));
    const [slowRes, healthRes] = received.split(/(?=HTTP\/1\.1 )/);
    expect(slowRes).toMatch(/^HTTP\/1\.1 200/);
    expect(slowRes).toContain('{"done":true}');
    expect(healthRes).toMatch(/^HTTP\/1\.1 503/);
    expect(healthRes).toMatch(/\r\nconnection: close\r\n/i);
    expect(healthRes).toMatch(/\r\nx-frame-options: DENY\r\n/i);
    expect(healthRes).toContain('"status":"shutting_down"');
    await expect(app.engine.health()).rejects.toThrow(); // the database was closed with the server
  });
});

describe('request guards', () => {
  it('answers an oversize body with 413 and a friendly JSON error', async () => {
    const { server } = await serve();
    const res = await server.inject({
      method: 'POST',
      url: '/api/chat',
      headers: json,
      payload: JSON.stringify({ text: '长'.repeat(6000), messageId: 'big' }),
    });
    expect(res.statusCode).toBe(413);
    expect(res.json()).toMatchObject({ error: 'too_large', message: expect.stringContaining('太长') });
  });

  it('answers malformed and aborted chunked bodies without an error in the log, and stays healthy', async () => {
    const lines: string[] = [];
    const { server } = await serve(
      {},
      { logger: createLogger('debug', { write: (l: string) => void lines.push(l) }) },
    );
    await server.listen({ host: '127.0.0.1', port: 0 });
    const port = (server.addresses()[0] as AddressInfo).port;
    const head =
      'POST /api/chat HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n';
    for (const [body, abortAfterWrite] of [
      [`${head}zz\r\n{"a":1}\r\n0\r\n\r\n`, false],
      [`${head}7;\u0000\r\n{"a":1}\r\n0\r\n\r\n`, false],
      [`${head}5\r\n{"a":`, true],
      [head, true],
    ] as const) {
      await new Promise<void>((resolve) => {
        const socket = connect(port, '127.0.0.1');
        const done = () => resolve();
        socket.on('error', done);
        socket.on('close', done);
        socket.write(body, () => {
          if (abortAfterWrite) socket.destroy();
        });
        setTimeout(() => socket.destroy(), 300);
      });
    }
    const health = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(health.status).toBe(200);
    const logged = lines.join('\n');
    expect(logged).toContain('"msg":"request done"');
    expect(logged).not.toContain('"stack"');
    expect(logged).not.toMatch(/"level":(50|60)/);
  });

  it('keys the rate limit on something even when the request has no address any more', () => {
    expect(rateLimitKey({ ip: '203.0.113.9' })).toBe('203.0.113.9');
    expect(rateLimitKey({ ip: undefined, socket: { remoteAddress: '198.51.100.1' } })).toBe('198.51.100.1');
    expect(rateLimitKey({ ip: undefined, socket: { remoteAddress: undefined } })).toBe('unknown');
    expect(rateLimitKey({})).toBe('unknown');
  });

  it('answers malformed JSON with 400 and a message saying what was wrong', async () => {
    const { server } = await serve();
    const res = await server.inject({
      method: 'POST',
      url: '/api/chat',
      headers: json,
      payload: '{"text": "hi",',
    });
    expect(res.statusCode).toBe(400);
    const body = res.json() as { error: string; message: string; detail: string };
    expect(body.error).toBe('bad_json');
    expect(body.message).toContain('JSON');
    expect(body.detail).toMatch(/not valid JSON/);
  });

  it.each([
    ['text/plain', 'hello'],
    ['application/x-www-form-urlencoded', 'text=hello&messageId=m1'],
    ['multipart/form-data; boundary=x', '--x--'],
    [undefined, undefined],
  ])('answers content type %s with 415', async (type, payload) => {
    const { server } = await serve();
    const res = await server.inject({
      method: 'POST',
      url: '/api/chat',
      ...(type ? { headers: { 'content-type': type } } : {}),
      ...(payload === undefined ? {} : { payload }),
    });
    expect(res.statusCode).toBe(415);
    expect(res.json()).toMatchObject({
      error: 'unsupported_media_type',
      message: expect.stringContaining('JSON'),
    });
  });

  it('rate-limits each client with a friendly 429 in the conversation language', async () => {
    const { server } = await serve({ RATE_LIMIT_PER_MINUTE: '3' });
    const page = await server.inject({ method: 'GET', url: '/' }); // 1
    const cookie = sessionCookieOf(page);
    await chat(server, cookie, { text: 'English' }); // 2
    await chat(server, cookie, { text: '/start' }); // 3
    const res = await postChat(server, { text: 'hi', messageId: nextId() }, { cookie }); // 4
    expect(res.statusCode).toBe(429);
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    const body = res.json() as { error: string; message: string; retryAfterSeconds: number };
    expect(body.error).toBe('too_many_requests');
    expect(body.retryAfterSeconds).toBeGreaterThan(0);
    expect(body.message).toMatch(/^You are sending messages very quickly\. Please wait \d+ seconds/);
    // A newcomer whose browser asks for Chinese, from the same address, is limited too, in Chinese.
    const zh = await postChat(server, { text: 'hi', messageId: nextId() }, { 'accept-language': 'zh-CN' });
    expect(zh.statusCode).toBe(429);
    expect((zh.json() as { message: string }).message).toMatch(/^你发得太快了/);
  });

  it('keys the rate limit per client address', async () => {
    const { server } = await serve({ RATE_LIMIT_PER_MINUTE: '1' });
    const a = await server.inject({ method: 'GET', url: '/', remoteAddress: '10.0.0.1' });
    const b = await server.inject({ method: 'GET', url: '/', remoteAddress: '10.0.0.2' });
    const a2 = await server.inject({ method: 'GET', url: '/', remoteAddress: '10.0.0.1' });
    expect([a.statusCode, b.statusCode, a2.statusCode]).toEqual([200, 200, 429]);
  });
});

describe('TRUST_PROXY', () => {
  it('ignores X-Forwarded-For by default, so a client cannot pick its own rate-limit key', async () => {
    const { server } = await serve({ RATE_LIMIT_PER_MINUTE: '1' });
    const codes: number[] = [];
    for (const ip of ['10.0.0.1', '10.0.0.2'])
      codes.push(
        (await server.inject({ method: 'GET', url: '/', headers: { 'x-forwarded-for': ip } })).statusCode,
      );
    expect(codes).toEqual([200, 429]);
  });

  it('keys on X-Forwarded-For when the request comes from a trusted proxy', async () => {
    const { server } = await serve({ RATE_LIMIT_PER_MINUTE: '1', TRUST_PROXY: 'loopback' });
    const codes: number[] = [];
    for (const ip of ['203.0.113.1', '203.0.113.2', '203.0.113.1'])
      codes.push(
        (await server.inject({ method: 'GET', url: '/', headers: { 'x-forwarded-for': ip } })).statusCode,
      );
    expect(codes).toEqual([200, 200, 429]);
  });

  it('is validated at start-up', () => {
    expect(() => loadConfig({ TRUST_PROXY: 'everyone' })).toThrow(/TRUST_PROXY="everyone" is not valid/);
    expect(loadConfig({ TRUST_PROXY: '127.0.0.1, 10.0.0.0/8' }).TRUST_PROXY).toBe('127.0.0.1, 10.0.0.0/8');
  });
});

describe('responses', () => {
  it.each([
    ['GET', '/'],
    ['GET', '/healthz'],
    ['GET', '/api/history'],
    ['GET', '/no/such/page'],
    ['POST', '/api/chat'],
  ])('%s %s carries the security headers', async (method, url) => {
    const { server } = await serve();
    const res = await server.inject({
      method: method as 'GET' | 'POST',
      url,
      ...(method === 'POST' ? { headers: json, payload: { text: '/start', messageId: nextId() } } : {}),
    });
    expect(res.headers['content-security-policy']).toBe(CONTENT_SECURITY_POLICY);
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/https?:|\*|unsafe/);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    expect(res.headers['x-frame-options']).toBe('DENY');
    expect(res.headers['cross-origin-opener-policy']).toBe('same-origin');
    expect(res.headers['permissions-policy']).toContain('camera=()');
    expect(res.headers['strict-transport-security']).toBeUndefined();
  });

  it('adds HSTS, upgrade-insecure-requests and a Secure cookie when PUBLIC_URL is https', async () => {
    const { server } = await serve({ PUBLIC_URL: 'https://cancelmate.example.org' });
    const res = await server.inject({ method: 'GET', url: '/' });
    expect(res.headers['strict-transport-security']).toMatch(/^max-age=\d+/);
    expect(res.headers['content-security-policy']).toContain('upgrade-insecure-requests');
    expect(String(res.headers['set-cookie'])).toMatch(/; HttpOnly; SameSite=Lax; Secure$/);
  });

  it('answers unknown paths with a JSON 404 in the browser language', async () => {
    const { server } = await serve();
    const res = await server.inject({ method: 'GET', url: '/nope', headers: { 'accept-language': 'en-US' } });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual({
      error: 'not_found',
      message: expect.stringMatching(/^There is no such page/),
    });
  });

  it('leaves the web chat out when WEB_CHAT=false', async () => {
    const { server } = await serve({ WEB_CHAT: 'false' });
    expect((await server.inject({ method: 'GET', url: '/' })).statusCode).toBe(404);
    expect((await server.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
  });
});
