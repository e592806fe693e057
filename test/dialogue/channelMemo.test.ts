import { afterEach, describe, expect, it } from 'vitest';
import { MAX_MEMO_BYTES } from '../../src/dialogue/channelMemo.ts';
import type { Reply } from '../../src/dialogue/types.ts';
import { type TestApp, testApp } from '../support/app.ts';

// The channel memo through the engine's door: it lives with the conversation, edits are atomic, and the
// store never holds a receipt link token.
const apps: TestApp[] = [];
afterEach(async () => {
  for (const t of apps.splice(0)) await t.cleanup();
});
async function app() {
  const t = await testApp();
  apps.push(t);
  return t;
}

let n = 0;
async function say(t: TestApp, userId: string, text: string): Promise<Reply[]> {
  n += 1;
  return (await t.app.engine.handle({ channel: 'wechat', userId, messageId: `m${n}`, text })).replies;
}

function stored(t: TestApp, userId: string): string | undefined {
  const id = t.app.engine.conversationOf('wechat', userId);
  return t.sql<{ memo: string }>('SELECT memo FROM channel_memos WHERE conversation_id = ?', id)[0]?.memo;
}

describe('engine.channelMemo', () => {
  it('stores nothing for someone the engine has not met, but still answers', async () => {
    const t = await app();
    const memo = t.app.engine.channelMemo('wechat', 'stranger');
    expect(await memo.edit((m) => ({ value: `was ${m}`, memo: '{"x":1}' }))).toBe('was undefined');
    expect(await memo.read()).toBeUndefined();
    expect(t.sql('SELECT * FROM channel_memos')).toEqual([]);
  });

  it('reads back what was written, leaves it when the edit says nothing, deletes it on null', async () => {
    const t = await app();
    await say(t, 'u', '/start');
    const memo = t.app.engine.channelMemo('wechat', 'u');
    await memo.edit(() => ({ value: undefined, memo: '{"pages":["第 2 页"]}' }));
    expect(await memo.read()).toBe('{"pages":["第 2 页"]}');
    expect(await memo.edit((m) => ({ value: m }))).toBe('{"pages":["第 2 页"]}');
    expect(await memo.read()).toBe('{"pages":["第 2 页"]}');
    await memo.edit(() => ({ value: undefined, memo: null }));
    expect(await memo.read()).toBeUndefined();
    // Another user's or channel's memo is another memo.
    expect(await t.app.engine.channelMemo('wecom', 'u').read()).toBeUndefined();
  });

  it('edits one at a time: concurrent edits each see the one before', async () => {
    const t = await app();
    await say(t, 'u', '/start');
    const memo = t.app.engine.channelMemo('wechat', 'u');
    const bump = () =>
      memo.edit((m) => {
        const next = Number(m ?? '0') + 1;
        return { value: next, memo: String(next) };
      });
    const values = await Promise.all(Array.from({ length: 10 }, bump));
    expect(values.sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(await memo.read()).toBe('10');
  });

  it('refuses a memo over the limit and keeps the one before', async () => {
    const t = await app();
    await say(t, 'u', '/start');
    const memo = t.app.engine.channelMemo('wechat', 'u');
    await memo.edit(() => ({ value: undefined, memo: '"small"' }));
    await expect(
      memo.edit(() => ({ value: undefined, memo: 'x'.repeat(MAX_MEMO_BYTES + 1) })),
    ).rejects.toThrow(/over the 262144-byte limit: the channel must keep fewer pages or letters/);
    expect(await memo.read()).toBe('"small"');
  });

  it('keeps receipt link tokens out of the store and gives them back; another conversation’s stay hidden', async () => {
    const t = await app();
    for (const text of ['/start', '1', '1', '1', '1', '成功了']) await say(t, 'u', text);
    const receipt = (await say(t, 'u', '没有了，结束')).find((r) => r.receipt)?.receipt;
    if (!receipt) throw new Error('no receipt issued');
    const memo = t.app.engine.channelMemo('wechat', 'u');
    const text = JSON.stringify({ link: `https://cm.example.org/receipts/${receipt.id}?t=${receipt.token}` });
    await memo.edit(() => ({ value: undefined, memo: text }));
    expect(stored(t, 'u')).not.toContain(receipt.token);
    expect(stored(t, 'u')).toContain(`⟨receipt-token:${receipt.id}⟩`);
    expect(await memo.read()).toBe(text);
    // Someone else naming that receipt's marker in their memo (their words echoed back) gets no token.
    await say(t, 'other', '/start');
    const theirs = t.app.engine.channelMemo('wechat', 'other');
    await theirs.edit(() => ({ value: undefined, memo: `"⟨receipt-token:${receipt.id}⟩"` }));
    expect(await theirs.read()).toBe(`"⟨receipt-token:${receipt.id}⟩"`);
    expect(await theirs.edit((m) => ({ value: m }))).toBe(`"⟨receipt-token:${receipt.id}⟩"`);
  });
});
