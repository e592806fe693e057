import { afterAll, describe, expect, it } from 'vitest';
import { testApp } from '../../support/app.ts';
import { storedConversation } from '../../support/storedConversation.ts';
import { terminalRun } from '../../support/terminalRun.ts';
import { SAMPLE_NOW, UNDERSTAND_SAMPLES } from '../../support/understandSamples.ts';

// Issue 11 through the terminal channel: its real chat loop (the one `npm run chat` runs) over a real
// SQLite file, each sample conversation typed line by line.
const t = await testApp({}, { clock: () => SAMPLE_NOW });
afterAll(async () => {
  await t.cleanup();
});

/** Types each line after the previous reply arrived; returns every reply block and the last one. */
async function run(user: string, lang: string, lines: string[]): Promise<{ all: string; last: string }> {
  const blocks = await terminalRun(t.app.engine, user, lang, lines);
  return { all: blocks.join(''), last: blocks.at(-1) ?? '' };
}

describe('terminal: typed sentences land on the right step', () => {
  for (const [i, s] of UNDERSTAND_SAMPLES.entries()) {
    it(s.name, async () => {
      const user = `terminal-${i}`;
      const { last } = await run(user, s.lang, s.say);
      expect(last).toContain(s.shows);
      const conv = storedConversation(t.app, 'terminal', user);
      expect(conv?.state).toBe(s.state);
      if (s.platform) expect(conv?.ctx.platform).toBe(s.platform);
      for (const [k, v] of Object.entries(s.fields ?? {})) expect(conv?.ctx.fields[k], k).toBe(v);
    });
  }

  it('shows the check and its yes / change choices as numbered lines', async () => {
    const { last } = await run('terminal-lines', 'zh-CN', ['爱奇艺连续包月被扣了25块']);
    expect(last).toBe(
      '我理解为：爱奇艺 VIP，自动续费，被扣了钱想要回来，金额 25.00 CNY——对吗？\n[1] 对，继续\n[2] 不对，我自己选\n\n',
    );
  });
});
