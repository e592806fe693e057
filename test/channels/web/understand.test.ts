import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatResponse } from '../../../src/channels/web/chatRequest.ts';
import { WEB_CHANNEL } from '../../../src/channels/web/session.ts';
import { buildServer } from '../../../src/server.ts';
import { testApp } from '../../support/app.ts';
import { storedConversation } from '../../support/storedConversation.ts';
import { SAMPLE_NOW, UNDERSTAND_SAMPLES } from '../../support/understandSamples.ts';
import { chat, nextId, postChat, press, sessionCookieOf } from './harness.ts';

// Issue 11 through the web channel: POST /api/chat on the real server (cookie session, JSON contract),
// with the clock fixed so that 昨天 and 上个月15号 have one answer.
const t = await testApp({ RATE_LIMIT_PER_MINUTE: '10000' }, { clock: () => SAMPLE_NOW });
let server: FastifyInstance;
beforeAll(async () => {
  server = buildServer(t.app);
  await server.ready();
});
afterAll(async () => {
  await server.close();
  await t.cleanup();
});

async function open(lang: string): Promise<{ cookie: string; first: ChatResponse }> {
  const headers = { 'accept-language': lang === 'en' ? 'en-US,en;q=0.9' : 'zh-CN,zh;q=0.9' };
  const page = await server.inject({ method: 'GET', url: '/', headers });
  const cookie = sessionCookieOf(page);
  const res = await postChat(server, { text: '/start', messageId: nextId() }, { cookie, ...headers });
  expect(res.statusCode).toBe(200);
  return { cookie, first: res.json() as ChatResponse };
}

const stateOf = (cookie: string) => storedConversation(t.app, WEB_CHANNEL, cookie.split('=')[1] ?? '');

describe('web: typed sentences land on the right step', () => {
  for (const s of UNDERSTAND_SAMPLES) {
    it(s.name, async () => {
      const { cookie } = await open(s.lang);
      let last: ChatResponse | undefined;
      for (const text of s.say) last = await chat(server, cookie, { text });
      expect(last?.replies.map((r) => r.text).join('\n')).toContain(s.shows);
      const conv = stateOf(cookie);
      expect(conv?.state).toBe(s.state);
      if (s.platform) expect(conv?.ctx.platform).toBe(s.platform);
      for (const [k, v] of Object.entries(s.fields ?? {})) expect(conv?.ctx.fields[k], k).toBe(v);
    });
  }

  it('the check comes as buttons: "yes" pressed jumps, a candidate pressed picks the platform', async () => {
    const { cookie } = await open('zh-CN');
    const check = await chat(server, cookie, { text: '爱奇艺连续包月被扣了25块' });
    const reply = check.replies.at(-1);
    expect(reply?.choices.map((c) => c.label)).toEqual(['对，继续', '不对，我自己选']);
    const yes = await press(server, cookie, check, /对，继续/);
    expect(yes.replies.at(-1)?.text).toContain('自动续费是怎么选上的？');
    expect(stateOf(cookie)?.state).toBe('optin_q');
    expect(stateOf(cookie)?.ctx.fields.fact_amount).toBe('25.00 CNY');

    const other = await open('zh-CN');
    const which = await chat(server, other.cookie, { text: '腾讯会员被扣钱了' });
    expect(which.replies.at(-1)?.choices.map((c) => c.id)).toEqual(['_yes', '_change']);
    const ask = await chat(server, other.cookie, { text: '腾讯家的被扣钱了' });
    expect(ask.replies.at(-1)?.choices.map((c) => c.label)).toEqual(['腾讯视频 VIP', 'QQ 会员', '都不是']);
    const picked = await press(server, other.cookie, ask, /QQ 会员/);
    expect(picked.replies.at(-1)?.text).toContain('好的：QQ 会员');
    expect(stateOf(other.cookie)?.ctx.platform).toBe('qq');
  });
});
