import type { Update } from 'grammy/types';
import { afterEach, describe, expect, it } from 'vitest';
import { withHandle } from '../../../src/channels/kit/channelEngine.ts';
import type { GuideEngine } from '../../../src/channels/telegram/guide.ts';
import type { Engine } from '../../../src/dialogue/engine.ts';
import type { Reply } from '../../../src/dialogue/types.ts';
import { choiceIds, type Harness, startHarness } from './telegramHarness.ts';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const ZH = 'zh-hans';
const CHAT = 987_654_321;
const SECRET_TEXT = '我的订单号是 XY-778899';

/** Wraps the engine so that its next `flaky.failures` calls throw. */
function failing(flaky: { failures: number }) {
  return (engine: Engine): GuideEngine =>
    withHandle(engine, async (inbound) => {
      if (flaky.failures-- > 0) throw new Error('simulated engine failure');
      return engine.handle(inbound);
    });
}

function lines(logs: string[]): Array<Record<string, unknown>> {
  return logs.map((l) => JSON.parse(l) as Record<string, unknown>);
}

function media(chatId: number, kind: 'photo' | 'voice' | 'document', languageCode: string): Update {
  const base = { message_id: 900 + (chatId % 97), date: Math.floor(Date.now() / 1000) };
  const chat = { id: chatId, type: 'private' as const, first_name: 'Test' };
  const from = { id: chatId, is_bot: false, first_name: 'Test', language_code: languageCode };
  const file = { file_id: 'AgACFAKE', file_unique_id: 'AQADFAKE' };
  const content =
    kind === 'photo'
      ? { photo: [{ ...file, width: 90, height: 90 }] }
      : kind === 'voice'
        ? { voice: { ...file, duration: 3 } }
        : { document: { ...file, file_name: 'bill.pdf' } };
  return { update_id: 500_000 + (chatId % 1000) + kind.length, message: { ...base, chat, from, ...content } };
}

describe('grammY bot: what is not a plain private text', () => {
  it.each([
    ['sticker', ZH, '我只能读文字'],
    ['photo', ZH, '我只能读文字'],
    ['voice', 'en', 'I can only read text'],
    ['document', 'en', 'I can only read text'],
  ] as const)(
    'answers a %s (%s) with a short hint and leaves the dialogue alone',
    async (kind, lang, words) => {
      h = await startHarness();
      const update =
        kind === 'sticker' ? h.api.stickerUpdate(CHAT, { languageCode: lang }) : media(CHAT, kind, lang);
      await h.bot.handleUpdate(update);
      expect(h.api.sentTexts(CHAT)).toHaveLength(1);
      expect(h.api.sentTexts(CHAT)[0]).toContain(words);
      expect(h.lastSent(CHAT)?.reply_markup).toBeUndefined();
      expect(await h.transcriptLength(CHAT)).toBe(0);
    },
  );

  it('uses the language the user picked in the conversation, over Telegram’s language_code', async () => {
    h = await startHarness();
    await h.bot.handleUpdate(h.api.textUpdate(CHAT, '/start', { languageCode: ZH }));
    await h.bot.handleUpdate(h.api.textUpdate(CHAT, 'English', { languageCode: ZH }));
    await h.bot.handleUpdate(h.api.stickerUpdate(CHAT, { languageCode: ZH }));
    expect(h.api.sentTexts(CHAT).at(-1)).toContain('I can only read text');
  });

  it('says nothing to a service message (a pin) in a private chat', async () => {
    h = await startHarness();
    const chat = { id: CHAT, type: 'private' as const, first_name: 'Test' };
    const from = { id: CHAT, is_bot: false, first_name: 'Test' };
    const pinned = { message_id: 3, date: 1, chat, text: '置顶' };
    const date = Math.floor(Date.now() / 1000);
    await h.bot.handleUpdate({
      update_id: 9,
      message: { message_id: 4, date, chat, from, pinned_message: pinned },
    });
    expect(h.api.calls).toEqual([]);
  });

  it('answers an edited message in the user language, without touching the dialogue', async () => {
    h = await startHarness();
    await h.bot.handleUpdate(h.api.editedMessageUpdate(CHAT, '改一下', { languageCode: ZH }));
    await h.bot.handleUpdate(h.api.editedMessageUpdate(CHAT, 'edit', { languageCode: 'en' }));
    expect(h.api.sentTexts(CHAT)).toEqual([
      '修改过的消息我看不到。请把内容重新发一条新消息。',
      "I can't see edited messages. Please send it again as a new message.",
    ]);
    expect(await h.transcriptLength(CHAT)).toBe(0);
  });
});

describe('grammY bot in groups', () => {
  const GROUP = -100_777_001;
  const MEMBER = 5151;
  const group = { chatType: 'supergroup' as const, fromId: MEMBER };

  it('ignores group chatter, and points a mention or an addressed command to a private chat', async () => {
    h = await startHarness();
    const name = '@cancelmate_test_bot';
    await h.bot.handleUpdate(
      h.api.textUpdate(GROUP, '大家好，谁知道怎么退会员？', { ...group, languageCode: ZH }),
    );
    await h.bot.handleUpdate(
      h.api.textUpdate(GROUP, '@some_other_bot hi', {
        ...group,
        entities: [{ type: 'mention', offset: 0, length: 15 }],
      }),
    );
    await h.bot.handleUpdate(h.api.textUpdate(GROUP, '/start@some_other_bot', group));
    expect(h.api.calls).toHaveLength(0);

    await h.bot.handleUpdate(
      h.api.textUpdate(GROUP, `${name} 怎么取消会员？`, {
        ...group,
        languageCode: ZH,
        entities: [{ type: 'mention', offset: 0, length: name.length }],
      }),
    );
    await h.bot.handleUpdate(h.api.textUpdate(GROUP, `/help${name}`, { ...group, languageCode: 'en' }));
    expect(h.api.sentTexts(GROUP)).toEqual([
      '为了保护你的隐私，请在私聊里和我说：https://t.me/cancelmate_test_bot',
      'To keep your details private, please talk to me in a private chat: https://t.me/cancelmate_test_bot',
    ]);
    expect(await h.transcriptLength(MEMBER)).toBe(0);
  });

  it('answers a button press in a group without doing anything else', async () => {
    h = await startHarness();
    await h.bot.handleUpdate(h.api.callbackUpdate(GROUP, 'cancel|1', 7, group));
    expect(h.api.calls.map((c) => c.method)).toEqual(['answerCallbackQuery']);
  });
});

describe('grammY bot when things go wrong', () => {
  it('retries a 429 after retry_after (auto-retry) and then delivers', async () => {
    h = await startHarness();
    h.api.failNext('sendMessage', {
      error_code: 429,
      description: 'Too Many Requests: retry after 1',
      parameters: { retry_after: 1 },
    });
    await h.say(CHAT, '/start', ZH);
    const sends = h.api.calls.filter((c) => c.method === 'sendMessage');
    expect(sends.map((c) => c.status)).toEqual([429, 200]);
    expect((sends[1]?.at ?? 0) - (sends[0]?.at ?? 0)).toBeGreaterThanOrEqual(900);
    expect(h.lastSent(CHAT)?.text).toContain('会员取消助手');
  });

  it('logs a user who blocked the bot (403) without chat id or text, and carries on', async () => {
    h = await startHarness();
    h.api.blockChat(CHAT);
    await expect(h.say(CHAT, SECRET_TEXT, ZH)).resolves.toBeDefined();
    const log = h.logs.join('\n');
    expect(log).not.toContain(String(CHAT));
    expect(log).not.toContain('XY-778899');
    expect(log).not.toContain(h.api.token);
    const blocked = lines(h.logs).find((l) => String(l.msg).includes('blocked'));
    expect(blocked).toMatchObject({
      level: 40,
      channel: 'telegram',
      code: 403,
      conversation: h.app.engine.conversationOf('telegram', String(CHAT)),
    });
    // nothing else is tried towards the blocked chat, and another user is served
    expect(h.api.calls.filter((c) => c.method === 'sendMessage')).toHaveLength(1);
    await h.say(CHAT + 1, '/start', 'en');
    expect(h.lastSent(CHAT + 1)?.text).toContain('What would you like to do?');
  });

  it('apologises when handling fails (engine throws once), and the next message works', async () => {
    const flaky = { failures: 1 };
    h = await startHarness({ wrap: failing(flaky) });
    await h.say(CHAT, SECRET_TEXT, ZH);
    expect(h.api.sentTexts(CHAT)).toEqual([
      '抱歉，我这边出了点问题，刚才这条消息没有记下来（之前的进度都还在）。请把刚才的话再发一次。',
    ]);
    const failed = lines(h.logs).find((l) => l.level === 50);
    expect(failed).toMatchObject({ channel: 'telegram', error: { message: 'simulated engine failure' } });
    expect(h.logs.join('\n')).not.toContain('XY-778899');
    expect(h.logs.join('\n')).not.toContain(String(CHAT));

    await h.say(CHAT, '/start', ZH);
    expect(h.lastSent(CHAT)?.text).toContain('会员取消助手');
  });

  it('apologises in English to an English user whose button press fails, and still answers the press', async () => {
    const flaky = { failures: 0 };
    h = await startHarness({ wrap: failing(flaky) });
    await h.say(CHAT, '/start', 'en');
    flaky.failures = 1;
    await h.press(CHAT, 'cancel', 'en');
    expect(h.api.calls.filter((c) => c.method === 'answerCallbackQuery' && c.status === 200)).toHaveLength(1);
    expect(h.api.sentTexts(CHAT).at(-1)).toBe(
      'Sorry, something went wrong on my side and that message was not saved (everything before it is). Please send it again.',
    );
    // the press can be tried again (the welcome keyboard is still there) and goes through
    await h.press(CHAT, 'cancel', 'en');
    expect(h.lastSent(CHAT)?.text).toContain('Where did you buy');
  });

  it('splits a reply longer than 4096 characters at paragraphs, buttons on the last piece', async () => {
    const paragraph = `${'这是一段很长的说明文字，用来测试分段。'.repeat(30)}`;
    const text = Array.from({ length: 20 }, (_, i) => `${i + 1}. ${paragraph}`).join('\n\n');
    const long: Reply = { text, choices: [{ id: 'ok', label: '知道了' }], turn: 4 };
    const wrap = (engine: Engine): GuideEngine =>
      withHandle(engine, async () => ({ replies: [long], duplicate: false, lang: 'zh-CN' }));
    h = await startHarness({ wrap });
    expect(text.length).toBeGreaterThan(4096 * 2);
    await h.say(CHAT, '/help', ZH);
    const sent = h.sentTo(CHAT);
    expect(sent).toHaveLength(3);
    for (const m of sent) expect(m.text?.length).toBeLessThanOrEqual(4096);
    expect(sent.map((m) => m.text).join('\n\n')).toBe(text);
    expect(sent.slice(0, -1).every((m) => m.reply_markup === undefined)).toBe(true);
    expect(choiceIds(sent.at(-1))).toEqual(['ok']);
  });
});
