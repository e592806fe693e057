import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ChatResponse } from '../../../src/channels/web/chatRequest.ts';
import { WEB_CHANNEL } from '../../../src/channels/web/session.ts';
import { sqlRows } from '../../support/app.ts';
import {
  chat,
  nextId,
  postChat,
  press,
  sessionCookieOf,
  startTestServer,
  type TestServer,
} from './harness.ts';

let t: TestServer;
beforeEach(async () => {
  t = await startTestServer();
});
afterEach(async () => {
  await t.close();
});

/** Opens the page like a browser does: GET / for the cookie, then /start. */
async function open(headers: Record<string, string> = {}): Promise<{ cookie: string; first: ChatResponse }> {
  const page = await t.server.inject({ method: 'GET', url: '/', headers });
  const cookie = sessionCookieOf(page);
  const res = await postChat(t.server, { text: '/start', messageId: nextId() }, { cookie, ...headers });
  expect(res.statusCode).toBe(200);
  return { cookie, first: res.json() as ChatResponse };
}

function stateOf(cookie: string) {
  const id = cookie.split('=')[1] ?? '';
  const [row] = sqlRows<{ state: string }>(
    t.dataDir,
    'SELECT state FROM conversations WHERE id = ?',
    t.app.engine.conversationOf(WEB_CHANNEL, id),
  );
  const conv = row ? (JSON.parse(row.state) as { state: string; lang: string }) : undefined;
  return { conv, final: conv ? t.app.bundle.states[conv.state]?.final === true : false };
}

describe('GET /', () => {
  it('serves the page with an HttpOnly, SameSite=Lax session cookie (not Secure over http)', async () => {
    const res = await t.server.inject({ method: 'GET', url: '/' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.body).toContain('<html lang="zh-CN">');
    expect(res.body).toContain('name="viewport"');
    expect(res.body).not.toMatch(/https?:\/\//); // no CDN, no external anything
    const cookie = String(res.headers['set-cookie']);
    expect(cookie).toMatch(/^cm_session=[0-9a-f-]{36}; Path=\/; Max-Age=\d+; HttpOnly; SameSite=Lax$/);
  });

  it('reuses the cookie it was sent, and renders the page in the browser language for a new visitor', async () => {
    const { cookie } = await open();
    const again = await t.server.inject({ method: 'GET', url: '/', headers: { cookie } });
    expect(again.headers['set-cookie']).toBeUndefined();
    const en = await t.server.inject({
      method: 'GET',
      url: '/',
      headers: { 'accept-language': 'en-US,en;q=0.9' },
    });
    expect(en.body).toContain('<html lang="en">');
    expect(en.body).toContain('aria-pressed="true">English');
  });

  it('serves its script and stylesheet from this server', async () => {
    const page = await t.server.inject({ method: 'GET', url: '/' });
    const js = /src="(\/web\/page\.js\?v=[0-9a-f]+)"/.exec(page.body)?.[1];
    const css = /href="(\/web\/page\.css\?v=[0-9a-f]+)"/.exec(page.body)?.[1];
    expect(js && css).toBeTruthy();
    const script = await t.server.inject({ method: 'GET', url: js ?? '' });
    expect(script.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(script.body).not.toMatch(/\.(inner|outer)HTML\s*=|insertAdjacentHTML|document\.write/);
    const style = await t.server.inject({ method: 'GET', url: css ?? '' });
    expect(style.headers['content-type']).toBe('text/css; charset=utf-8');
  });
});

describe('POST /api/chat', () => {
  it('walks a whole conversation to a final state, by choice ids and by typed text', async () => {
    const { cookie, first } = await open();
    expect(first.lang).toBe('zh-CN');
    expect(first.replies[0]?.text).toContain('会员取消助手');
    let r = await press(t.server, cookie, first, /^取消会员/);
    r = await press(t.server, cookie, r, /^卡盟网站/);
    r = await press(t.server, cookie, r, /^自动续费/);
    r = await chat(t.server, cookie, { text: '网站' }); // typed label works too
    expect(r.replies[0]?.text).toContain('1/2');
    r = await press(t.server, cookie, r, /^下一页/);
    r = await press(t.server, cookie, r, /^成功了/);
    expect(stateOf(cookie).final).toBe(false);
    r = await press(t.server, cookie, r, /^没有了/);
    expect(stateOf(cookie).final).toBe(true);
    const last = r.replies.at(-1);
    expect(last?.choices.map((c) => c.id)).toEqual(['_restart']);
    expect(last?.turn).toEqual(expect.any(Number));
    // The engine hands out a receipt at the end; the API passes its id and token through for the links.
    const withReceipt = r.replies.find((reply) => reply.receipt);
    expect(withReceipt?.receipt).toEqual({ id: expect.any(String), token: expect.any(String) });
    expect(Object.keys(withReceipt ?? {})).not.toContain('attachments');
  });

  it('answers a retried messageId with the same replies and does not grow the transcript', async () => {
    const { cookie, first } = await open();
    const choice = first.replies[0]?.choices[0]?.id;
    const body = { choice, turn: first.replies[0]?.turn, messageId: 'retry-me_1' };
    const once = await postChat(t.server, body, { cookie });
    const session = cookie.split('=')[1] ?? '';
    const length = (await t.app.engine.history(WEB_CHANNEL, session)).entries.length;
    const twice = await postChat(t.server, body, { cookie });
    expect(twice.statusCode).toBe(200);
    expect(twice.body).toBe(once.body);
    expect((await t.app.engine.history(WEB_CHANNEL, session)).entries).toHaveLength(length);
  });

  it('gives a caller without a cookie a new session (cookie set) and a fresh conversation', async () => {
    const res = await postChat(t.server, { text: '/start', messageId: nextId() });
    expect(res.statusCode).toBe(200);
    const cookie = sessionCookieOf(res);
    const again = await postChat(t.server, { text: '/start', messageId: nextId() }, { cookie });
    expect(again.headers['set-cookie']).toBeUndefined();
    expect((again.json() as ChatResponse).replies[0]?.text).toContain('会员取消助手');
  });

  it('switches language with the text command and reports it in `lang`', async () => {
    const { cookie } = await open();
    const en = await chat(t.server, cookie, { text: 'English' });
    expect(en.lang).toBe('en');
    expect(en.replies[0]?.text).toContain('Switched to English');
    const zh = await chat(t.server, cookie, { text: '中文' });
    expect(zh.lang).toBe('zh-CN');
  });

  it('starts in the browser language when it is English', async () => {
    const { first } = await open({ 'accept-language': 'en-GB,en;q=0.8' });
    expect(first.lang).toBe('en');
    expect(first.replies[0]?.choices.length).toBeGreaterThan(0);
  });

  it('says a pressed button is stale when its turn has passed', async () => {
    const { cookie, first } = await open();
    const old = first.replies[0];
    await press(t.server, cookie, first, /^取消会员/);
    const stale = await chat(t.server, cookie, { choice: old?.choices[1]?.id, turn: old?.turn });
    expect(stale.replies[0]?.text).toContain('已经过去');
  });

  it.each([
    [{ text: 'hi' }, /messageId: required/],
    [{ text: 'hi', messageId: 'has space' }, /messageId/],
    [{ text: 'hi', messageId: 'x'.repeat(101) }, /messageId/],
    [{ messageId: 'm1' }, /exactly one of "text" or "choice"/],
    [{ text: 'a', choice: 'b', messageId: 'm1' }, /exactly one/],
    [{ text: '   ', messageId: 'm1' }, /text: must not be empty/],
    [{ text: 'x'.repeat(4001), messageId: 'm1' }, /text: must be at most 4000/],
    [{ choice: 'ok', turn: 1.5, messageId: 'm1' }, /turn: must be a whole number/],
    [{ text: 'hi', turn: 2, messageId: 'm1' }, /"turn" goes with "choice"/],
    [[1, 2], /body: the body must be a JSON object/],
  ])('rejects %j with 400 and a message naming the problem', async (body, detail) => {
    const res = await t.server.inject({ method: 'POST', url: '/api/chat', payload: body as object });
    expect(res.statusCode).toBe(400);
    const json = res.json() as { error: string; message: string; detail: string };
    expect(json.error).toBe('bad_request');
    expect(json.message).toMatch(/刷新页面/);
    expect(json.detail).toMatch(detail);
  });

  it('refuses requests a browser marks as cross-site', async () => {
    const res = await postChat(t.server, { text: 'hi', messageId: 'm1' }, { 'sec-fetch-site': 'cross-site' });
    expect(res.statusCode).toBe(403);
    expect((res.json() as { error: string }).error).toBe('forbidden');
  });
});

describe('GET /api/history', () => {
  it("returns this session's transcript, oldest first, and nothing for a stranger", async () => {
    const { cookie, first } = await open();
    await press(t.server, cookie, first, /^取消会员/);
    const res = await t.server.inject({ method: 'GET', url: '/api/history', headers: { cookie } });
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    const body = res.json() as { lang: string; entries: { seq: number; dir: string; text: string }[] };
    expect(body.lang).toBe('zh-CN');
    expect(body.entries.map((e) => e.dir)).toEqual(['in', 'out', 'in', 'out']);
    expect(body.entries.map((e) => e.seq)).toEqual([1, 2, 3, 4]);
    expect(body.entries[0]?.text).toBe('/start');
    expect(body.entries[2]?.text).toBe('[取消会员 / 自动续费]');
    expect(body.entries[3]).not.toHaveProperty('hash');
    const stranger = await t.server.inject({ method: 'GET', url: '/api/history' });
    expect(stranger.json()).toEqual({ lang: 'zh-CN', entries: [], receipts: [] });
  });
});
