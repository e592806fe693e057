import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withHandle } from '../../../src/channels/kit/channelEngine.ts';
import type { TencentClient } from '../../../src/channels/wechat/sim/tencentClient.ts';
import { SAMPLE_NOW, UNDERSTAND_SAMPLES } from '../../support/understandSamples.ts';
import { type WechatHarness, wechatHarness } from './harness.ts';

// Issue 11 through WeChat, where there are no buttons at all: the Official Account (safe mode) and WeCom
// webhooks on the real server over loopback, Tencent's side simulated with an independent crypto
// (@wecom/crypto), a real app and SQLite. The engine is wrapped only to stamp each message with the samples'
// "now" (Inbound.at); everything else is the engine's own.
let h: WechatHarness;
beforeAll(async () => {
  h = await wechatHarness({
    wrap: (engine) => withHandle(engine, (inbound) => engine.handle({ ...inbound, at: SAMPLE_NOW })),
  });
});
afterAll(async () => {
  await h.close();
});

/** What the user reads after sending `content`: every page of the passive reply ("回复 n" for the next). */
async function send(tencent: TencentClient, content: string): Promise<string> {
  const pages: string[] = [];
  let reply = await tencent.send({ type: 'text', content });
  for (let i = 0; i < 10; i += 1) {
    expect(reply.status).toBe(200);
    expect(reply.sealOk).toBe(true);
    const text = reply.text ?? '';
    pages.push(text);
    if (!/回复 n 看下一页|reply n for the next page/.test(text)) break;
    reply = await tencent.send({ type: 'text', content: 'n' });
  }
  return pages.join('\n');
}

const modes = ['safe', 'wecom'] as const;

describe('WeChat: typed sentences land on the right step', () => {
  for (const [i, s] of UNDERSTAND_SAMPLES.entries()) {
    const mode = modes[i % modes.length] ?? 'safe';
    it(`${s.name} (${mode === 'wecom' ? 'WeCom' : 'Official Account'})`, async () => {
      const user = `o-understand-${i}`;
      const tencent = h.tencent(mode, user);
      // Following the account greets; English speakers tap the menu's English key (no language hint here).
      const welcome = await tencent.send({ type: 'event', event: 'subscribe' });
      expect(welcome.text).toContain('你想做什么？');
      if (s.lang === 'en') {
        const switched = await tencent.send({ type: 'event', event: 'CLICK', key: 'EN' });
        expect(switched.text).toContain('What would you like to do?');
      }
      let last = '';
      for (const text of s.say) last = await send(tencent, text);
      expect(last).toContain(s.shows);
      const conv = h.stored(mode === 'wecom' ? 'wecom' : 'wechat', user);
      expect(conv?.state).toBe(s.state);
      expect(conv?.lang).toBe(s.lang);
      if (s.platform) expect(conv?.ctx.platform).toBe(s.platform);
      for (const [k, v] of Object.entries(s.fields ?? {})) expect(conv?.ctx.fields[k], k).toBe(v);
    });
  }

  it('says the check with numbered yes / change lines, and 「1」 is yes', async () => {
    const tencent = h.tencent('safe', 'o-understand-check');
    await tencent.send({ type: 'event', event: 'subscribe' });
    const check = await send(tencent, '爱奇艺连续包月被扣了25块');
    expect(check).toContain('我理解为：爱奇艺 VIP，自动续费，被扣了钱想要回来，金额 25.00 CNY——对吗？');
    expect(check).toContain('回复 1：对，继续');
    expect(check).toContain('回复 2：不对，我自己选');
    expect(await send(tencent, '1')).toContain('自动续费是怎么选上的？');
    expect(h.stored('wechat', 'o-understand-check')?.state).toBe('optin_q');
  });

  it('asks which platform as numbered lines, and a number picks it', async () => {
    const tencent = h.tencent('wecom', 'o-understand-pick');
    await tencent.send({ type: 'event', event: 'subscribe' });
    const which = await send(tencent, '腾讯家的被扣钱了');
    expect(which).toContain('你说的是哪一个？');
    expect(which).toContain('回复 1：腾讯视频 VIP');
    expect(which).toContain('回复 2：QQ 会员');
    expect(which).toContain('回复 3：都不是');
    expect(await send(tencent, '2')).toContain('好的：QQ 会员');
    expect(h.stored('wecom', 'o-understand-pick')?.ctx.platform).toBe('qq');
  });
});
