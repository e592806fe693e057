import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Inbound } from '../../../src/dialogue/types.ts';
import { storedConversation } from '../../support/storedConversation.ts';
import { SAMPLE_NOW, UNDERSTAND_SAMPLES } from '../../support/understandSamples.ts';
import { choiceIds, type Harness, startHarness } from './telegramHarness.ts';

// Issue 11 through Telegram: the grammY bot against the fake Bot API on loopback, a real app and SQLite.
// The engine is wrapped only to stamp each message with the samples' "now" (Inbound.at); everything else
// is the engine's own (inherited).
let h: Harness;
beforeAll(async () => {
  h = await startHarness({
    wrap: (engine) =>
      Object.assign(Object.create(engine) as typeof engine, {
        handle: (inbound: Inbound) => engine.handle({ ...inbound, at: SAMPLE_NOW }),
      }),
  });
});
afterAll(async () => {
  await h.close();
});

const code = (lang: string) => (lang === 'en' ? 'en' : 'zh-hans');
const stateOf = (chatId: number) => storedConversation(h.app, 'telegram', String(chatId));

describe('Telegram: typed sentences land on the right step', () => {
  for (const [i, s] of UNDERSTAND_SAMPLES.entries()) {
    it(s.name, async () => {
      const chat = 41_000 + i;
      await h.say(chat, '/start', code(s.lang));
      const before = h.sentTo(chat).length;
      for (const text of s.say) await h.say(chat, text, code(s.lang));
      const after = h.sentTo(chat).slice(before);
      expect(after.at(-1)?.text).toContain(s.shows);
      const conv = stateOf(chat);
      expect(conv?.state).toBe(s.state);
      if (s.platform) expect(conv?.ctx.platform).toBe(s.platform);
      for (const [k, v] of Object.entries(s.fields ?? {})) expect(conv?.ctx.fields[k], k).toBe(v);
    });
  }

  it('the check is an inline keyboard: pressing "yes" jumps, pressing a candidate picks the platform', async () => {
    const chat = 41_900;
    await h.say(chat, '/start', 'zh-hans');
    await h.say(chat, '爱奇艺连续包月被扣了25块', 'zh-hans');
    expect(h.lastSent(chat)?.text).toBe(
      '我理解为：爱奇艺 VIP，自动续费，被扣了钱想要回来，金额 25.00 CNY——对吗？',
    );
    expect(choiceIds(h.lastSent(chat))).toEqual(['_yes', '_change']);
    await h.press(chat, '_yes', 'zh-hans');
    expect(h.lastSent(chat)?.text).toContain('自动续费是怎么选上的？');
    expect(stateOf(chat)?.state).toBe('optin_q');

    const other = 41_901;
    await h.say(other, '/start', 'zh-hans');
    await h.say(other, '腾讯家的被扣钱了', 'zh-hans');
    expect(choiceIds(h.lastSent(other))).toEqual(['tencent_video', 'qq', '_other']);
    await h.press(other, 'qq', 'zh-hans');
    expect(h.lastSent(other)?.text).toContain('好的：QQ 会员');
    expect(stateOf(other)?.ctx.platform).toBe('qq');
  });
});
