import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type RunWhenLeader,
  type TelegramChannel,
  telegramChannel,
} from '../../../src/channels/telegram/channel.ts';
import { sqlRows, type TestApp, testApp } from '../../support/app.ts';
import { type Call, type FakeBotApi, startFakeBotApi } from '../../support/fakeBotApi.ts';
import { captureLogger } from './telegramHarness.ts';

/**
 * Message reminders over Telegram as `npm start` runs them: the channel (grammY, long polling against the
 * loopback fake Bot API) over a real SQLite data directory. The user opts in at the calendar step; the app is
 * stopped and started again on the same data directory with its clock moved to the day; the channel's check
 * sends the message once. "Forget me" before the day leaves nothing to send and no row; a user who blocked
 * the bot loses the reminder (logged without the chat id); a failure on Telegram's side is tried again.
 */
const CHAT = 424_242_001;
const WALK = ['/start', '取消会员', '爱奇艺', '自动续费', 'App', '成功了', '提醒我在下次扣费日前检查'];
const BEFORE = new Date('2026-11-25T04:00:00Z');
const DAY_EARLY = new Date('2026-12-24T00:59:00Z'); // 08:59 in Shanghai
const DAY_DUE = new Date('2026-12-24T01:00:00Z'); // 09:00 in Shanghai

type Button = { text: string; callback_data: string };
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** A fake Bot API and a data directory that outlive the app runs of one test. */
async function world() {
  const api = await startFakeBotApi();
  const dataDir = mkdtempSync(join(tmpdir(), 'cancelmate-tg-reminders-'));
  cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
  cleanups.push(() => api.close());
  const clock = { now: BEFORE };
  const captured = captureLogger();
  /** Starts the app and the Telegram channel (polling) on the data directory; `stop` ends both. */
  const run = async (runWhenLeader?: RunWhenLeader) => {
    const t: TestApp = await testApp({}, { dataDir, clock: () => clock.now, logger: captured.logger });
    const channel: TelegramChannel = telegramChannel({
      settings: { token: api.token, mode: 'polling', apiRoot: api.apiRoot },
      engine: t.app.engine,
      logger: captured.logger,
      ...(runWhenLeader ? { runWhenLeader } : {}),
    });
    await channel.start({ baseUrl: 'http://127.0.0.1:3000/' });
    const stop = async () => {
      await channel.stop();
      await t.cleanup();
    };
    cleanups.push(stop);
    return { t, channel, stop };
  };
  const reminders = () => sqlRows<{ address: string; day: string }>(dataDir, 'SELECT * FROM reminders');
  return { api, clock, run, reminders, logs: captured.lines };
}

const keyboards = (api: FakeBotApi) =>
  api.calls.filter(
    (c) =>
      c.method === 'sendMessage' &&
      c.status === 200 &&
      String(c.params.chat_id) === String(CHAT) &&
      c.params.reply_markup !== undefined,
  );

/** Sends one update and waits for the guide's next question (a message with buttons). */
async function deliver(api: FakeBotApi, update: ReturnType<FakeBotApi['textUpdate']>): Promise<Call> {
  const seen = keyboards(api).length;
  api.pushUpdate(update);
  const calls = await api.waitForCalls((c) => keyboards(api).includes(c), seen + 1, 15_000);
  return calls.at(-1) as Call;
}

const buttons = (call: Call) =>
  (call.params.reply_markup as { inline_keyboard: Button[][] }).inline_keyboard.flat();

/** From /start to the calendar step by typing, then the day. */
async function toCalendar(api: FakeBotApi): Promise<Call> {
  for (const text of WALK) await deliver(api, api.textUpdate(CHAT, text, { languageCode: 'zh-hans' }));
  const set = await deliver(api, api.textUpdate(CHAT, '12月24日', { languageCode: 'zh-hans' }));
  const [doc] = await api.waitForCalls((c) => c.method === 'sendDocument' && c.status === 200);
  expect(doc?.files?.[0]?.filename).toBe('cancelmate-reminder-2026-12-24.ics');
  expect(doc?.files?.[0]?.content.toString('utf8')).toContain('DTSTART;VALUE=DATE:20261224');
  return set;
}

/** Presses the "message me on that day" button of the calendar step. */
async function optIn(api: FakeBotApi, set: Call): Promise<Call> {
  expect(String(set.params.text)).toContain('我需要保存你的 Telegram 聊天 ID，直到提醒发出');
  const remind = buttons(set).find((b) => b.callback_data.startsWith('_remind_me|'));
  expect(remind?.text).toBe('那天在这里发消息提醒我');
  return deliver(
    api,
    api.callbackUpdate(CHAT, remind?.callback_data ?? '', 9001, { languageCode: 'zh-hans' }),
  );
}

const reminderTexts = (api: FakeBotApi) => api.sentTexts(CHAT).filter((t) => t.startsWith('⏰ 提醒'));

describe('Telegram: a message on the reminder day', () => {
  it('is kept across a restart and sent once when its time comes; then no row remains', async () => {
    const w = await world();
    const first = await w.run();
    const taken = await optIn(w.api, await toCalendar(w.api));
    expect(String(taken.params.text)).toContain(
      '2026年12月24日（星期四）上午 9 点左右我会在 Telegram 里给你发提醒',
    );
    expect(w.reminders()).toMatchObject([{ address: String(CHAT), day: '2026-12-24' }]);
    await first.stop();

    // The next morning of the day, before 09:00: started again on the same data directory.
    w.clock.now = DAY_EARLY;
    const second = await w.run();
    expect(await second.channel.checkReminders()).toBe(0);
    expect(reminderTexts(w.api)).toEqual([]);
    w.clock.now = DAY_DUE;
    expect(await second.channel.checkReminders()).toBe(1);
    expect(await second.channel.checkReminders()).toBe(0);
    expect(reminderTexts(w.api)).toEqual([
      expect.stringContaining('今天是你设的检查日（2026年12月24日（星期四））'),
    ]);
    expect(w.reminders()).toEqual([]);
    // The logs name the conversation's salted id, never the chat.
    expect(w.logs.join('\n')).toContain('telegram reminders checked');
    expect(w.logs.join('\n')).not.toContain(String(CHAT));
  });

  it('sends nothing after "forget me", and no row remains', async () => {
    const w = await world();
    const first = await w.run();
    await optIn(w.api, await toCalendar(w.api));
    const ask = await deliver(w.api, w.api.textUpdate(CHAT, '删除我的数据', { languageCode: 'zh-hans' }));
    const yes = buttons(ask).find((b) => b.callback_data.startsWith('_forget_yes|'));
    w.api.pushUpdate(w.api.callbackUpdate(CHAT, yes?.callback_data ?? '', 9002, { languageCode: 'zh-hans' }));
    await w.api.waitForCalls((c) => c.method === 'sendMessage' && String(c.params.text).startsWith('已删除'));
    expect(w.reminders()).toEqual([]);
    await first.stop();

    w.clock.now = DAY_DUE;
    const second = await w.run();
    expect(await second.channel.checkReminders()).toBe(0);
    expect(reminderTexts(w.api)).toEqual([]);
  });

  it('drops the reminder of a user who blocked the bot (logged without the chat id) and retries other failures', async () => {
    const w = await world();
    const run = await w.run();
    await optIn(w.api, await toCalendar(w.api));
    w.clock.now = DAY_DUE;

    // Telegram refuses for now (flood control beyond what the bot waits for): the reminder stays for the next check.
    w.api.failNext('sendMessage', {
      error_code: 429,
      description: 'Too Many Requests: retry after 120',
      parameters: { retry_after: 120 },
    });
    expect(await run.channel.checkReminders()).toBe(0);
    expect(w.reminders()).toHaveLength(1);
    expect(w.logs.join('\n')).toContain('telegram reminder not sent; trying again in a minute');

    // Blocked: dropped, nothing more is tried.
    w.api.blockChat(CHAT);
    expect(await run.channel.checkReminders()).toBe(0);
    expect(w.reminders()).toEqual([]);
    const dropped = w.logs.find((l) => l.includes('telegram reminder dropped: the user blocked the bot'));
    expect(JSON.parse(dropped ?? '{}')).toMatchObject({ channel: 'telegram', code: 403 });
    expect(w.logs.join('\n')).not.toContain(String(CHAT));
    expect(reminderTexts(w.api)).toEqual([]);
  });

  it('goes out from the replica that holds the reminder job only (several replicas on one database)', async () => {
    const w = await world();
    const grants: Record<string, () => Promise<void>> = {};
    // This replica polls at once but is not (yet) the one that sends reminders.
    const run = await w.run(async (job, start) => {
      let stop: (() => Promise<void>) | undefined;
      grants[job] = async () => {
        stop = await start();
      };
      if (job === 'telegram-polling') await grants[job]?.();
      return { stop: async () => stop?.() };
    });
    expect(Object.keys(grants).sort()).toEqual(['telegram-polling', 'telegram-reminders']);
    await optIn(w.api, await toCalendar(w.api));
    w.clock.now = DAY_DUE;
    expect(await run.channel.checkReminders()).toBe(0);
    expect(reminderTexts(w.api)).toEqual([]);
    // Granted: the job checks at once (joined here, or done already), and sends it.
    await grants['telegram-reminders']?.();
    await run.channel.checkReminders();
    expect(reminderTexts(w.api)).toHaveLength(1);
    expect(await run.channel.checkReminders()).toBe(0);
  });
});
