import { afterEach, describe, expect, it } from 'vitest';
import type { Reply } from '../../src/dialogue/types.ts';
import { testApp } from '../support/app.ts';
import { storedConversation } from '../support/storedConversation.ts';

// TIME_ZONE through the real app: one calendar for the user, whatever the server's own zone. At this
// instant it is Wednesday 2026-11-25, noon, in Shanghai, but still Tuesday 2026-11-24, 8 pm, in Los Angeles.
const NOW = new Date('2026-11-25T04:00:00Z');
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

// refund → the first platform → auto-renewal → not remembered how → no reminder → escalate → personal → yes
// → merchant → no site → no order → amount → 昨天
const TO_TICKET = ['/start', '2', '1', '1', '4', '1', '2', '1', '1', '某某卡盟', '无', '无', '30', '昨天'];

async function conversation(env: Record<string, string>) {
  const t = await testApp(env, { clock: () => NOW });
  cleanups.push(t.cleanup);
  let n = 0;
  const say = async (text: string): Promise<Reply[]> => {
    n += 1;
    return (await t.app.engine.handle({ channel: 'test', userId: 'u', messageId: `m${n}`, text })).replies;
  };
  return { say, state: () => storedConversation(t.app, 'test', 'u') };
}

describe('the installation time zone (TIME_ZONE)', () => {
  for (const [zone, yesterday, today] of [
    [undefined, '2026-11-24', '2026-11-25'],
    ['America/Los_Angeles', '2026-11-23', '2026-11-24'],
  ] as const) {
    it(`reads 「昨天」 and dates the letters and the receipt in ${zone ?? 'Asia/Shanghai (the default)'}`, async () => {
      const c = await conversation(zone ? { TIME_ZONE: zone } : {});
      for (const text of TO_TICKET) await c.say(text);
      expect(c.state()?.ctx.fields.fact_date).toBe(yesterday);
      const letters = await c.say('跳过');
      const demand = letters.find((r) => r.kind === 'letter');
      expect(demand?.text).toContain(`日期：${today}`);
      const receipt = (await c.say('/receipt')).find((r) => r.receipt);
      expect(receipt?.receipt?.id.startsWith(`R-${today.replaceAll('-', '')}-`)).toBe(true);
    });
  }
});
