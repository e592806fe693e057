import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { inlineKeyboard } from '../../../src/channels/telegram/render.ts';
import { choiceIds, type Harness, startHarness } from './telegramHarness.ts';

/**
 * Telegram on a phone: an answered question keeps showing what was chosen, "typing…" while the guide works,
 * the long platform list laid out two to a row, and failures that say what happened and what to do.
 */
let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.close();
});

const ZH = 'zh-hans';
const CHAT = 41_001;

describe('a tapped answer', () => {
  it('rewrites the question to show the choice (「→ …」) and removes its buttons', async () => {
    await h.say(CHAT, '/start', ZH);
    const welcome = h.lastSent(CHAT);
    await h.press(CHAT, 'cancel', ZH);
    const edit = h.api.calls.find((c) => c.method === 'editMessageText');
    expect(Number(edit?.params.message_id)).toBe(welcome?.message_id);
    expect(edit?.params.text).toBe(`${welcome?.text}\n\n→ 取消会员 / 自动续费`);
    expect(edit?.params.reply_markup).toBeUndefined();
    // Scrolling back, the chat shows the question with its answer (the last text that message was given).
    expect(h.api.sentTexts(CHAT)).toContain(`${welcome?.text}\n\n→ 取消会员 / 自动续费`);
    await h.press(CHAT, 'kamen', ZH);
    const edits = h.api.calls.filter((c) => c.method === 'editMessageText');
    expect(String(edits.at(-1)?.params.text)).toMatch(/\n\n→ 卡盟网站$/);
  });

  it('a stale press loses the old buttons but shows no arrow (it answered nothing)', async () => {
    await h.say(CHAT, '/start', ZH);
    await h.say(CHAT, '1', ZH);
    await h.press(CHAT, 'refund', ZH); // the welcome's button, an older turn
    expect(h.api.calls.filter((c) => c.method === 'editMessageText')).toEqual([]);
    expect(h.api.calls.filter((c) => c.method === 'editMessageReplyMarkup')).toHaveLength(1);
  });
});

describe('while working', () => {
  it('sends the typing action before the answer', async () => {
    await h.say(CHAT, '/start', 'en');
    const methods = h.api.calls.map((c) => c.method);
    const typing = methods.indexOf('sendChatAction');
    expect(typing).toBeGreaterThanOrEqual(0);
    expect(h.api.calls[typing]?.params.action).toBe('typing');
    expect(typing).toBeLessThan(methods.indexOf('sendMessage'));
  });
});

describe('the platform list', () => {
  for (const lang of [ZH, 'en']) {
    it(`(${lang}) lays out short names two to a row, long ones alone, "back" last on its own`, async () => {
      await h.say(CHAT, '/start', lang);
      await h.press(CHAT, 'cancel', lang);
      const list = h.lastSent(CHAT);
      const rows = (list?.reply_markup?.inline_keyboard ?? []) as { text: string }[][];
      const ids = choiceIds(list);
      expect(ids).toContain('kamen');
      expect(ids.at(-1)).toBe('_back');
      expect(rows.at(-1)).toHaveLength(1);
      expect(rows.filter((r) => r.length === 2).length).toBeGreaterThanOrEqual(3);
      expect(rows.length).toBeLessThanOrEqual(Math.ceil(ids.length / 2) + 3);
      expect(rows.every((r) => r.length <= 2)).toBe(true);
    });
  }

  it('keeps a short list one to a row', () => {
    const rows = inlineKeyboard(
      [
        { id: 'auto', label: '自动续费' },
        { id: 'fixed', label: '固定时长' },
        { id: '_back', label: '返回上一步' },
      ],
      3,
    ).inline_keyboard;
    expect(rows.map((r) => r.length)).toEqual([1, 1, 1]);
  });
});

describe('the receipt', () => {
  it('comes as HTML and JSON documents, and its text never points at a local address', async () => {
    await h.say(CHAT, '/start', ZH);
    await h.say(CHAT, '收据', ZH);
    const docs = h.api.calls.filter((c) => c.method === 'sendDocument' && c.status === 200);
    expect(docs.map((c) => c.files?.[0]?.filename.split('.').pop())).toEqual(['html', 'json']);
    const texts = h.api.sentTexts(CHAT).join('\n');
    expect(texts).toContain('收据已生成');
    expect(texts).not.toMatch(/127\.0\.0\.1|localhost/);
  });
});

describe('failures', () => {
  it('after a failed delivery, says the message was kept and how to see the question again', async () => {
    await h.say(CHAT, '/start', ZH);
    h.api.failNext('sendMessage', { error_code: 400, description: 'Bad Request: something unexpected' });
    await h.say(CHAT, '1', ZH);
    expect(h.api.sentTexts(CHAT).at(-1)).toBe(
      '你的消息我已经收到并记下了，但回复没能发出来。发 /start 就能看到我们现在在哪一步。',
    );
    await h.say(CHAT, '/start', ZH);
    expect(h.lastSent(CHAT)?.text).toContain('会员是在哪里买的');
  });
});
