import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTelegramBot } from '../../../src/channels/telegram/bot.ts';
import { choiceIds, findButton, type Harness, startHarness } from './telegramHarness.ts';

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.close();
});

const ZH = 'zh-hans';
const CHAT = 31_001;

/** Presses through the cancel path (kamen site, auto-renew, website) to the final "done" state. */
async function walkToDone(
  chatId: number,
  lang: string,
): Promise<{ pressed: string[]; messageIds: number[] }> {
  const pressed: string[] = [];
  const messageIds: number[] = [];
  const press = async (id: string) => {
    pressed.push(id);
    messageIds.push((await h.press(chatId, id, lang)).messageId);
  };
  for (const id of ['cancel', 'kamen', 'auto', 'website']) await press(id);
  for (let page = 0; page < 10 && !choiceIds(h.lastSent(chatId)).includes('worked'); page++)
    await press('next');
  await press('worked');
  await press('done');
  return { pressed, messageIds };
}

describe('grammY bot: the guide over the fake Bot API', () => {
  it('answers /start in Chinese (language_code zh-hans) with the welcome and an inline keyboard', async () => {
    await h.say(CHAT, '/start', ZH);
    const [welcome] = h.sentTo(CHAT);
    expect(h.sentTo(CHAT)).toHaveLength(1);
    expect(welcome?.text).toContain('会员取消助手');
    expect(welcome?.text).toContain('你想做什么？');
    const rows = welcome?.reply_markup?.inline_keyboard ?? [];
    expect(rows.every((row) => row.length === 1)).toBe(true);
    expect(rows.map((r) => r[0]?.text)).toEqual([
      '取消会员 / 自动续费',
      '钱已经被扣了，想要回来',
      '网站跑路了 / 要我先交钱才能退',
    ]);
    for (const button of rows.flat())
      expect('callback_data' in button && button.callback_data).toMatch(/^(cancel|refund|redflag)\|\d+$/);
    const call = h.api.calls.find((c) => c.method === 'sendMessage');
    expect(call?.params.parse_mode).toBeUndefined();
  });

  it('speaks English to an English user (language_code en)', async () => {
    await h.say(CHAT, '/start', 'en');
    const welcome = h.lastSent(CHAT);
    expect(welcome?.text).toContain('What would you like to do?');
    expect(welcome?.text).not.toContain('你想做什么');
    expect(choiceIds(welcome)).toEqual(['cancel', 'refund', 'redflag']);
  });

  it.each([
    [ZH, '好的！', '重新开始'],
    ['en', 'screenshot', 'Start over'],
  ])(
    'taps through a whole path to the final state (%s), answering every press and showing each choice',
    async (lang, doneWords, restartLabel) => {
      await h.say(CHAT, '/start', lang);
      const { pressed, messageIds } = await walkToDone(CHAT, lang);
      // every press answered, and the pressed question rewritten with the choice and without its keyboard
      const answers = h.api.calls.filter((c) => c.method === 'answerCallbackQuery' && c.status === 200);
      expect(answers).toHaveLength(pressed.length);
      const edits = h.api.calls.filter((c) => c.method === 'editMessageText');
      expect(edits.every((c) => c.status === 200 && c.params.reply_markup === undefined)).toBe(true);
      expect(edits.every((c) => String(c.params.text).includes('\n\n→ '))).toBe(true);
      expect(edits.map((c) => Number(c.params.message_id))).toEqual(messageIds);
      // the final state: the path ended, only "start over" is offered
      const withKeyboard = h.sentTo(CHAT).filter((m) => m.reply_markup);
      const last = withKeyboard.at(-1);
      expect(choiceIds(last)).toEqual(['_restart']);
      expect(last?.reply_markup?.inline_keyboard[0]?.[0]?.text).toBe(restartLabel);
      expect(h.sentTo(CHAT).some((m) => m.text?.includes(doneWords))).toBe(true);
      // reaching the end hands out the signed receipt: HTML and JSON documents after the text
      const docs = h.api.calls.filter((c) => c.method === 'sendDocument');
      expect(docs.map((c) => c.status)).toEqual([200, 200]);
      const files = docs.map((c) => c.files?.[0]);
      expect(files.map((f) => f?.filename.split('.').pop())).toEqual(['html', 'json']);
      expect(files[0]?.content.toString('utf8')).toMatch(/<html/i);
      expect(() => JSON.parse(files[1]?.content.toString('utf8') ?? '')).not.toThrow();
      expect(h.sent.at(-1)?.document?.file_name).toBe(files[1]?.filename);
      expect(await h.transcriptLength(CHAT)).toBeGreaterThanOrEqual(2 * (pressed.length + 1));
    },
  );

  it('says a pressed old button has moved on, shows the current question and does not advance', async () => {
    await h.say(CHAT, '/start', ZH);
    await h.say(CHAT, '1', ZH); // typed: the welcome keyboard stays on screen
    const platform = h.lastSent(CHAT);
    expect(platform?.text).toContain('会员是在哪里买的');
    const welcomeId = h.sentTo(CHAT)[0]?.message_id;
    await h.press(CHAT, 'refund', ZH); // the welcome's button, an older turn
    const reply = h.lastSent(CHAT);
    expect(reply?.text).toContain('那个按钮对应的问题已经过去了');
    expect(reply?.text).toContain('会员是在哪里买的');
    expect(choiceIds(reply)).toEqual(choiceIds(platform));
    const edit = h.api.calls.find((c) => c.method === 'editMessageReplyMarkup');
    expect(Number(edit?.params.message_id)).toBe(welcomeId);
    // the current buttons still work
    await h.press(CHAT, 'kamen', ZH);
    expect(h.lastSent(CHAT)?.text).toContain('是哪种会员');
  });

  it('answers a redelivered update (same update_id) once, and a repeated press once', async () => {
    const start = h.api.textUpdate(CHAT, '/start', { languageCode: ZH });
    await h.bot.handleUpdate(start);
    await h.bot.handleUpdate(start);
    expect(h.sentTo(CHAT)).toHaveLength(1);
    const { message, data } = findButton(h.sentTo(CHAT), 'cancel');
    const tap = h.api.callbackUpdate(CHAT, data, message.message_id, { languageCode: ZH });
    await h.bot.handleUpdate(tap);
    await h.bot.handleUpdate(tap);
    expect(h.sentTo(CHAT)).toHaveLength(2);
    // the spinner stops both times; the dialogue moves once
    expect(h.api.calls.filter((c) => c.method === 'answerCallbackQuery')).toHaveLength(2);
    expect(await h.transcriptLength(CHAT)).toBe(4);
  });

  it('does not resend a redelivery after a restart either (new bot, same engine: it knows the update)', async () => {
    const start = h.api.textUpdate(CHAT, '/start', { languageCode: ZH });
    await h.bot.handleUpdate(start);
    const before = await h.transcriptLength(CHAT);
    const restarted = createTelegramBot({
      engine: h.app.engine,
      token: h.api.token,
      apiRoot: h.api.apiRoot,
      logger: h.app.logger,
      botInfo: h.api.botInfo,
    });
    await restarted.handleUpdate(start);
    expect(h.api.sentTexts(CHAT)).toHaveLength(1);
    expect(await h.transcriptLength(CHAT)).toBe(before);
  });
});
