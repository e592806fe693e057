import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { App } from '../../../src/app.ts';
import type { Inbound, Reply } from '../../../src/dialogue/types.ts';
import { verifyReceipt } from '../../../src/receipts/verify.ts';
import { testApp } from '../../support/app.ts';
import { WRONGFUL_WITH_FACTS } from '../../support/scripts.ts';
import { pgTestApp } from './pgApp.ts';
import { announceSkip, pgRows, TEST_DATABASE_URL } from './testDatabase.ts';

announceSkip('data export, forget me, redelivery and retention compared on SQLite and PostgreSQL');

/**
 * One script through the engine on each store, with the same clock and the same secrets: the same replies,
 * the same data export, the same forget-me tombstone, the same purge — only receipt ids (random) and the
 * hashes and signatures over them differ, and are masked.
 */
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

type Step = (last: Reply[]) => Omit<Inbound, 'channel' | 'userId'>;

const SCRIPT: Step[] = [
  ...WRONGFUL_WITH_FACTS.zh.map(
    (text, i): Step =>
      () => ({ messageId: `w${i}`, text }),
  ),
  () => ({ messageId: 'data', text: '我的数据' }),
  () => ({ messageId: 'w3', text: 'this redelivery is answered as before' }),
  () => ({ messageId: 'f1', text: '删除我的数据' }),
  (last) => ({ messageId: 'f2', choice: '_forget_yes', ...turnOf(last) }),
  (last) => ({ messageId: 'f2', choice: '_forget_yes', ...turnOf(last) }),
  () => ({ messageId: 'again', text: '/start' }),
];

function turnOf(replies: Reply[]): { turn?: number } {
  const turn = replies.findLast((r) => r.turn !== undefined)?.turn;
  return turn === undefined ? {} : { turn };
}

const mask = (s: string) => s.replace(/R-\d{8}-[0-9A-F]{8}/g, 'R-…');

/** A reply as compared: words, choices, files (the export without hashes, signatures and receipt ids). */
function comparable(reply: Reply) {
  return {
    text: mask(reply.text),
    choices: reply.choices?.map((c) => c.id),
    files: reply.attachments?.map((a) => {
      if (a.filename !== 'cancelmate-my-data.json') return mask(a.filename);
      const data = JSON.parse(a.content.toString()) as {
        transcript: { text: string; prev?: string; hash?: string }[];
        receipts: { id: string; receipt?: unknown }[];
      };
      return {
        ...data,
        transcript: data.transcript.map(({ prev: _p, hash: _h, ...e }) => ({ ...e, text: mask(e.text) })),
        receipts: data.receipts.map((r) => ({ ...r, id: mask(r.id), receipt: undefined })),
      };
    }),
  };
}

async function play(app: App, setClock: (d: Date) => void) {
  const t0 = Date.parse('2026-11-25T01:00:00.000Z');
  const seen: unknown[] = [];
  let last: Reply[] = [];
  for (const [i, step] of SCRIPT.entries()) {
    setClock(new Date(t0 + i * 60_000));
    const out = await app.engine.handle({ channel: 'web', userId: 'alice', ...step(last) });
    last = out.replies;
    seen.push({ duplicate: out.duplicate, lang: out.lang, replies: out.replies.map(comparable) });
    const receipt = out.replies
      .find((r) => r.receipt)
      ?.attachments?.find((a) => a.filename.endsWith('.json'));
    if (receipt)
      expect(verifyReceipt(JSON.parse(receipt.content.toString()), app.keys.publicKey).ok).toBe(true);
  }
  const history = await app.engine.history('web', 'alice');
  setClock(new Date(t0 + 400 * 86_400_000));
  const purged = await app.purge();
  const after = await app.engine.history('web', 'alice');
  return { seen, history: history.entries.map((e) => mask(e.text)), purged, after: after.entries.length };
}

describe.skipIf(!TEST_DATABASE_URL)('the same on SQLite and PostgreSQL', () => {
  it('replies, data export, forget me, redeliveries and the retention purge', async () => {
    const secrets = mkdtempSync(join(tmpdir(), 'cancelmate-secrets-'));
    cleanups.push(() => rmSync(secrets, { recursive: true, force: true }));
    const env = { RECEIPT_KEY_FILE: join(secrets, 'receipt-key.pem'), SALT_FILE: join(secrets, 'salt') };
    let now = new Date();
    const clock = () => now;
    const setClock = (d: Date) => {
      now = d;
    };

    const lite = await testApp(env, { clock });
    cleanups.push(lite.cleanup);
    const onSqlite = await play(lite.app, setClock);

    const pg = await pgTestApp(env, { clock });
    cleanups.push(pg.cleanup);
    const onPostgres = await play(pg.app, setClock);

    expect(onPostgres).toEqual(onSqlite);
    // The script did what it says: a receipt, an export, a duplicate, a deletion and a fresh start, then a purge.
    const steps = onSqlite.seen as { duplicate: boolean; replies: { text: string }[] }[];
    expect(steps.filter((s) => s.duplicate)).toHaveLength(2);
    expect(steps.at(-3)?.replies[0]?.text).toContain('已删除');
    expect(onSqlite.history.length).toBeGreaterThan(0);
    expect(JSON.stringify(onSqlite.seen)).toContain('R-….html'); // a receipt was issued (and verified)
    expect(JSON.stringify(onSqlite.seen)).toContain('"answersAndFacts"'); // the export came as a file
    expect(onSqlite.purged).toMatchObject({ conversations: 1 });
    expect(onSqlite.after).toBe(0);
    // Behind the door: only the tombstone's record is left once the purge ran... and it too is past its days.
    const left = await pgRows<{ n: string }>(pg.url, 'SELECT count(*) AS n FROM processed');
    expect(Number(left[0]?.n)).toBe(0);
  });

  it('a reminder message: taken, shown in my data, due, sent and deleted; another forgotten before its day', async () => {
    const secrets = mkdtempSync(join(tmpdir(), 'cancelmate-secrets-'));
    cleanups.push(() => rmSync(secrets, { recursive: true, force: true }));
    const env = { RECEIPT_KEY_FILE: join(secrets, 'receipt-key.pem'), SALT_FILE: join(secrets, 'salt') };
    const clock = () => new Date('2026-11-25T04:00:00.000Z');
    const lite = await testApp(env, { clock });
    cleanups.push(lite.cleanup);
    const pg = await pgTestApp(env, { clock });
    cleanups.push(pg.cleanup);

    const remind = async (app: App) => {
      const seen: unknown[] = [];
      for (const user of ['sent', 'forgotten']) {
        let last: Reply[] = [];
        const say = async (messageId: string, input: Partial<Inbound>) => {
          const out = await app.engine.handle({
            channel: 'telegram',
            userId: user,
            messageId,
            notifyAddress: `chat-${user}`,
            ...input,
          });
          last = out.replies;
          seen.push(out.replies.map(comparable));
        };
        for (const [i, text] of ['/start', '取消会员', '爱奇艺', '自动续费', 'App', '成功了'].entries())
          await say(`m${i}`, { text });
        await say('remind', { text: '提醒我在下次扣费日前检查' });
        await say('day', { text: '12月24日' });
        await say('yes', { choice: '_remind_me', ...turnOf(last) });
        await say('data', { text: '我的数据' });
      }
      const forget = async (messageId: string, input: Partial<Inbound>) =>
        app.engine.handle({ channel: 'telegram', userId: 'forgotten', messageId, ...input });
      const ask = await forget('f1', { text: '删除我的数据' });
      await forget('f2', { choice: '_forget_yes', ...turnOf(ask.replies) });
      const due = await app.engine.dueReminders('telegram', new Date('2026-12-24T01:00:00.000Z'));
      for (const r of due) await app.engine.reminderSent(r.id);
      const after = await app.engine.dueReminders('telegram', new Date('2027-01-01T00:00:00.000Z'));
      return { seen, due: due.map(({ id: _id, ...r }) => r), after };
    };

    const onSqlite = await remind(lite.app);
    const onPostgres = await remind(pg.app);
    expect(onPostgres).toEqual(onSqlite);
    expect(onSqlite.due).toEqual([
      expect.objectContaining({ address: 'chat-sent', text: expect.stringContaining('⏰ 提醒') }),
    ]);
    expect(onSqlite.after).toEqual([]);
    expect(JSON.stringify(onSqlite.seen)).toContain('cancelmate-reminder-2026-12-24.ics');
    expect(JSON.stringify(onSqlite.seen)).toContain('"address":"chat-sent"'); // my data shows the chat id
    expect(await pgRows(pg.url, 'SELECT id FROM reminders')).toEqual([]);
  });
});
