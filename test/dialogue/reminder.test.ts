import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ICAL from 'ical.js';
import { afterEach, describe, expect, it } from 'vitest';
import { EXPORT_FILE } from '../../src/dialogue/effects.ts';
import type { Inbound, Reply } from '../../src/dialogue/types.ts';
import { DB_FILE } from '../../src/store/sqlite/database.ts';
import { type TestApp, testApp } from '../support/app.ts';
import { storedConversation } from '../support/storedConversation.ts';

/**
 * The reminder before the next deduction through the engine's door, over a real SQLite file: the day asked
 * (refused with a reason when gone), the calendar file (read back by ical.js), skip / back / restart, and — only
 * for a message from a channel that can write later — the message on that day: offered with what it keeps,
 * stored, shown in "my data", gone with "forget me" and once sent.
 */
const NOW = new Date('2026-11-25T04:00:00Z'); // Wednesday, noon in Shanghai
const CHAT = '9876543210123'; // distinctive, to search the database file for it
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

async function setup(): Promise<TestApp> {
  const t = await testApp({}, { clock: () => NOW });
  cleanups.push(t.cleanup);
  return t;
}

/** A user of one channel; `notify` makes it a channel that can write later (as the Telegram guide does). */
function user(t: TestApp, channel: string, userId: string, notify = false) {
  let n = 0;
  const send = async (input: Partial<Inbound>, messageId = `${userId}-${++n}`) =>
    t.app.engine.handle({
      channel,
      userId,
      messageId,
      ...input,
      ...(notify ? { notifyAddress: CHAT } : {}),
    });
  return {
    send,
    say: async (text: string) => (await send({ text })).replies,
    /** Presses a choice of the last reply by id. */
    press: async (replies: Reply[], id: string) => {
      const last = replies.at(-1);
      return (await send({ choice: id, ...(last?.turn === undefined ? {} : { turn: last.turn }) })).replies;
    },
  };
}

/** From the start to "it worked" (iQIYI, auto-renewal, the app path). */
async function toWorked(u: ReturnType<typeof user>, lang: 'zh-CN' | 'en' = 'zh-CN'): Promise<Reply[]> {
  const words =
    lang === 'en'
      ? ['/start', 'English', 'cancel a membership', 'iqiyi', 'auto-renewal', 'App']
      : ['/start', '取消会员', '爱奇艺', '自动续费', 'App'];
  let replies: Reply[] = [];
  for (const w of words) replies = await u.say(w);
  return u.press(replies, 'worked');
}

const ids = (replies: Reply[]) => (replies.at(-1)?.choices ?? []).map((c) => c.id);
const text = (replies: Reply[]) => replies.map((r) => r.text).join('\n');

function parseIcs(content: string) {
  const vevent = new ICAL.Component(ICAL.parse(content)).getFirstSubcomponent('vevent');
  if (!vevent) throw new Error('no VEVENT in the calendar file');
  return new ICAL.Event(vevent);
}

function onDisk(t: TestApp): string {
  return ['', '-wal']
    .map((suffix) => {
      try {
        return readFileSync(join(t.dataDir, `${DB_FILE}${suffix}`)).toString('latin1');
      } catch {
        return '';
      }
    })
    .join('');
}

describe('a reminder before the next deduction', () => {
  it('asks the day, refuses a day gone with the reason, and hands out a calendar file for the day given', async () => {
    const t = await setup();
    const u = user(t, 'terminal', 'cal');
    const worked = await toWorked(u);
    expect(ids(worked)).toEqual(['refund', 'remind', 'done', '_back']);
    const asked = await u.press(worked, 'remind');
    expect(text(asked)).toContain('想在哪一天提醒你？');
    expect(ids(asked)).toEqual(['_skip', '_back']);

    const gone = await u.say('昨天');
    expect(text(gone)).toContain('这一天已经过去了。请写今天或以后的日期');
    expect(gone.some((r) => r.attachments)).toBe(false);
    expect(text(await u.say('2099-01-01'))).toContain('这一天太远了');

    const set = await u.say('12月24日');
    const reply = set.find((r) => r.attachments?.length);
    expect(reply?.text).toContain('提醒日：2026年12月24日（星期四）');
    expect(reply?.text).toContain('cancelmate-reminder-2026-12-24.ics');
    const [file] = reply?.attachments ?? [];
    expect(file).toMatchObject({
      filename: 'cancelmate-reminder-2026-12-24.ics',
      contentType: 'text/calendar; charset=utf-8',
    });
    const event = parseIcs(file?.content ?? '');
    expect(event.startDate.toString()).toBe('2026-12-24');
    expect(event.startDate.isDate).toBe(true);
    expect(event.summary).toBe('检查「爱奇艺 VIP」的自动扣费是否已关闭');
    expect(event.description).toContain('自动扣费或自动续费列表');
    // No message offer where the channel cannot write later (the terminal).
    expect(ids(set)).toEqual(['refund', 'done', '_back']);
    expect(text(set)).not.toContain('聊天 ID');
    expect(storedConversation(t.app, 'terminal', 'cal')?.ctx.fields.fact_reminder).toBe('2026-12-24');
    expect(t.sql('SELECT * FROM reminders')).toEqual([]);
  });

  it('speaks English, with a date said the English way', async () => {
    const t = await setup();
    const u = user(t, 'terminal', 'en');
    const worked = await toWorked(u, 'en');
    await u.press(worked, 'remind');
    const set = await u.say('next friday');
    const reply = set.find((r) => r.attachments?.length);
    expect(reply?.text).toContain('Reminder day: Friday 27 November 2026.');
    const event = parseIcs(reply?.attachments?.[0]?.content ?? '');
    expect(event.summary).toBe('Check that the auto-deduction for iQIYI VIP is off');
    expect(event.startDate.toString()).toBe('2026-11-27');
  });

  it('can be skipped, gone back from and restarted like every question', async () => {
    const t = await setup();
    const u = user(t, 'terminal', 'skip');
    const asked = await u.press(await toWorked(u), 'remind');
    const skipped = await u.press(asked, '_skip');
    expect(text(skipped)).toContain('没有日期，就先不设提醒了');
    expect(skipped.some((r) => r.attachments)).toBe(false);
    const back = await u.say('返回');
    expect(text(back)).toContain('想在哪一天提醒你？');
    const set = await u.say('下个月15号');
    expect(set.find((r) => r.attachments)?.attachments?.[0]?.filename).toBe(
      'cancelmate-reminder-2026-12-15.ics',
    );
    const again = await u.say('重新开始');
    expect(text(again)).toContain('你想做什么？');
    expect(storedConversation(t.app, 'terminal', 'skip')?.ctx.fields.fact_reminder).toBeUndefined();
  });

  it('gives a redelivered message the same calendar file, and sends the file once, not with every note', async () => {
    const t = await setup();
    const u = user(t, 'terminal', 'dup');
    await u.press(await toWorked(u), 'remind');
    const first = await u.send({ text: '12月24日' }, 'the-day');
    const again = await u.send({ text: '12月24日' }, 'the-day');
    expect(again.duplicate).toBe(true);
    expect(again.replies).toEqual(first.replies);
    // The record keeps what the file was made from, not the file.
    const records = t.sql<{ record: string }>('SELECT record FROM processed').map((r) => r.record);
    expect(records.some((r) => r.includes('"calendars"'))).toBe(true);
    expect(records.join('\n')).not.toContain('BEGIN:VCALENDAR');
    const help = await u.say('帮助');
    expect(help.some((r) => r.attachments)).toBe(false);
  });
});

describe('a message on the reminder day (channels that can write later)', () => {
  it('is offered with what it keeps, stored when taken, and not offered again for that day', async () => {
    const t = await setup();
    const u = user(t, 'telegram', 'tg', true);
    await u.press(await toWorked(u), 'remind');
    const set = await u.say('12月24日');
    expect(ids(set)).toEqual(['refund', 'done', '_remind_me', '_back']);
    const last = set.at(-1);
    expect(last?.choices?.find((c) => c.id === '_remind_me')?.label).toBe('那天在这里发消息提醒我');
    expect(last?.text).toContain(
      '为了能给你发消息，我需要保存你的 Telegram 聊天 ID，直到提醒发出，或者你删除数据（发「删除我的数据」）为止。',
    );

    const taken = await u.press(set, '_remind_me');
    expect(text(taken)).toContain(
      '好的，2026年12月24日（星期四）上午 9 点左右我会在 Telegram 里给你发提醒。',
    );
    expect(taken.some((r) => r.attachments)).toBe(false);
    expect(ids(taken)).toEqual(['refund', 'done', '_back']);
    const conversation = t.app.engine.conversationOf('telegram', 'tg');
    expect(t.sql('SELECT conversation_id, channel, address, day, due_at, lang, text FROM reminders')).toEqual(
      [
        {
          conversation_id: conversation,
          channel: 'telegram',
          address: CHAT,
          day: '2026-12-24',
          due_at: '2026-12-24T01:00:00.000Z', // 09:00 in Shanghai
          lang: 'zh-CN',
          text: expect.stringContaining('⏰ 提醒：今天是你设的检查日（2026年12月24日（星期四））'),
        },
      ],
    );
    // The old button is stale now; nothing more is stored.
    const stale = await u.press(set, '_remind_me');
    expect(text(stale)).toContain('那个按钮对应的问题已经过去了');
    expect(t.sql('SELECT id FROM reminders')).toHaveLength(1);
  });

  it('is not taken from a channel that cannot write later, even by its id', async () => {
    const t = await setup();
    const u = user(t, 'web', 'w');
    await u.press(await toWorked(u), 'remind');
    const set = await u.say('12月24日');
    const pressed = await u.press(set, '_remind_me');
    expect(text(pressed)).toContain('那个按钮对应的问题已经过去了');
    expect(t.sql('SELECT id FROM reminders')).toEqual([]);
  });

  it('is due at 09:00 on the day, then sent once and deleted with the chat id it kept', async () => {
    const t = await setup();
    const u = user(t, 'telegram', 'due', true);
    await u.press(await toWorked(u), 'remind');
    await u.press(await u.say('12月24日'), '_remind_me');
    const engine = t.app.engine;
    expect(await engine.dueReminders('telegram')).toEqual([]); // the engine's clock: 25 November
    expect(await engine.dueReminders('telegram', new Date('2026-12-24T00:59:59Z'))).toEqual([]);
    expect(await engine.dueReminders('web', new Date('2026-12-25T00:00:00Z'))).toEqual([]);
    const [due] = await engine.dueReminders('telegram', new Date('2026-12-24T01:00:00Z'));
    expect(due).toMatchObject({
      address: CHAT,
      lang: 'zh-CN',
      conversation: engine.conversationOf('telegram', 'due'),
    });
    expect(due?.text).toContain('确认「爱奇艺 VIP」的扣费项目已经不见了');
    await engine.reminderSent(due?.id ?? '');
    expect(await engine.dueReminders('telegram', new Date('2026-12-25T00:00:00Z'))).toEqual([]);
    expect(onDisk(t)).not.toContain(CHAT);
  });

  it('shows in "my data" (with the chat id kept) and goes with "forget me", from the disk too', async () => {
    const t = await setup();
    const u = user(t, 'telegram', 'mine', true);
    await u.press(await toWorked(u), 'remind');
    await u.press(await u.say('12月24日'), '_remind_me');
    const mine = await u.say('我的数据');
    const exported = mine.find((r) => r.attachments?.some((a) => a.filename === EXPORT_FILE));
    expect(exported?.text).toContain('其中还有 1 条待发的提醒：为了按时发给你，保存了你的聊天 ID。');
    const data = JSON.parse(exported?.attachments?.[0]?.content ?? '{}') as { remindersToSend: unknown[] };
    expect(data.remindersToSend).toEqual([
      expect.objectContaining({ channel: 'telegram', address: CHAT, day: '2026-12-24' }),
    ]);

    const ask = await u.say('删除我的数据');
    expect(text(ask)).toContain('待发的提醒');
    await u.press(ask, '_forget_yes');
    expect(t.sql('SELECT id FROM reminders')).toEqual([]);
    expect(await t.app.engine.dueReminders('telegram', new Date('2027-01-01T00:00:00Z'))).toEqual([]);
    expect(onDisk(t)).not.toContain(CHAT);
  });

  it('keeps a conversation with a reminder to come past the retention time, until the reminder', async () => {
    const t = await setup();
    const u = user(t, 'telegram', 'kept', true);
    await u.press(await toWorked(u), 'remind');
    await u.press(await u.say('2027-11-01'), '_remind_me'); // 341 days ahead, past RETENTION_DAYS (180)
    const conversation = t.app.engine.conversationOf('telegram', 'kept');
    const count = () => t.sql('SELECT id FROM conversations WHERE id = ?', conversation).length;
    await t.app.purge(new Date('2027-06-01T00:00:00Z'));
    expect(count()).toBe(1);
    await t.app.purge(new Date('2028-06-01T00:00:00Z')); // never sent, and retention has passed it too
    expect(count()).toBe(0);
    expect(t.sql('SELECT id FROM reminders')).toEqual([]);
  });
});
