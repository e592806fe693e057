import { afterEach, describe, expect, it } from 'vitest';
import type { Reply } from '../../src/dialogue/types.ts';
import { testApp } from '../support/app.ts';
import { engineChat } from '../support/engineChat.ts';

// Facts the user typed are not thrown away by one stray "restart": the engine asks first. Fact questions say
// where they stand in the interview. Through the real engine and a real SQLite file.
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

async function conversation(langHint?: string) {
  const t = await testApp();
  cleanups.push(t.cleanup);
  const chat = engineChat(t, langHint);
  // Here every step looks at the last reply.
  const send = async (input: { text?: string; choice?: string }) => (await chat.send(input)).at(-1) as Reply;
  return { send, state: chat.state };
}
type Conversation = Awaited<ReturnType<typeof conversation>>;
const ids = (r: Reply) => (r.choices ?? []).map((c) => c.id);

/** Paid but not delivered → write to the merchant → personal use → "note my facts": the first fact question. */
async function toFirstFact(c: Conversation): Promise<Reply> {
  await c.send({ text: '/start' });
  let r: Reply | undefined;
  for (const choice of ['refund', 'kamen', 'notdelivered', 'escalate', 'personal', 'yes'])
    r = await c.send({ choice });
  expect(c.state()?.state).toBe('fact_merchant');
  return r as Reply;
}

describe('fact questions and restart', () => {
  it('numbers each fact question in its interview: 第 1/6 项, then 第 2/6 项', async () => {
    const c = await conversation();
    expect((await toFirstFact(c)).text).toContain('（第 1/6 项）');
    expect((await c.send({ text: 'XX卡盟' })).text).toContain('（第 2/6 项）');
  });

  it('before any fact is typed, restart starts over at once', async () => {
    const c = await conversation();
    await toFirstFact(c);
    await c.send({ text: '/restart' });
    expect(c.state()?.state).toBe('welcome');
  });

  it('with facts kept, restart asks first; "no" keeps every answer and the question', async () => {
    const c = await conversation();
    await toFirstFact(c);
    await c.send({ text: 'XX卡盟' });
    const ask = await c.send({ text: '/restart' });
    expect(ask.text).toContain('你已经填了 1 项信息');
    expect(ids(ask)).toEqual(['_restart_yes', '_restart_no']);
    expect(c.state()?.state).toBe('fact_url');
    const kept = await c.send({ choice: '_restart_no' });
    expect(c.state()?.state).toBe('fact_url');
    expect(c.state()?.ctx.fields.fact_merchant).toBe('XX卡盟');
    expect(c.state()?.confirmRestart).toBeUndefined();
    expect(kept.text).toContain('（第 2/6 项）');
    // The next typed answer is a fact again, not an answer to the confirmation.
    await c.send({ text: 'https://xx.example.com' });
    expect(c.state()?.state).toBe('fact_order');
  });

  it('"yes" (or restart typed again) starts over and forgets the facts', async () => {
    for (const confirm of [{ choice: '_restart_yes' }, { text: '/restart' }, { text: '确定，重新开始' }]) {
      const c = await conversation();
      await toFirstFact(c);
      await c.send({ text: 'XX卡盟' });
      await c.send({ text: '/restart' });
      await c.send(confirm);
      expect(c.state()?.state).toBe('welcome');
      expect(c.state()?.ctx.fields.fact_merchant).toBeUndefined();
    }
  });

  it('in English the question says "(Question 1 of 6)" and the confirmation is English', async () => {
    const c = await conversation('en');
    expect((await toFirstFact(c)).text).toContain('(Question 1 of 6) ');
    await c.send({ text: 'XX shop' });
    const ask = await c.send({ text: '/restart' });
    expect(ask.choices?.map((x) => x.label)).toEqual(['Yes, start over', 'No, carry on']);
  });
});
