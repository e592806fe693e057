import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import type { Inbound, Reply } from '../../src/dialogue/types.ts';
import { createLogger } from '../../src/logger.ts';
import { publicKeyFromPem } from '../../src/receipts/keys.ts';
import { verifyReceipt } from '../../src/receipts/verify.ts';
import { DB_FILE } from '../../src/store/sqlite/database.ts';
import { faultyStore, type TestApp, testApp } from '../support/app.ts';
import { WRONGFUL_WITH_FACTS } from '../support/scripts.ts';

/**
 * The user's data rights through the engine's door: "my data" (a summary line and a file), "forget me" (asked
 * once, everything deleted and overwritten on disk, a redelivery answered the same), the retention purge,
 * and logs that never hold what the user said.
 */
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

async function setup(...args: Parameters<typeof testApp>): Promise<TestApp> {
  const t = await testApp(...args);
  cleanups.push(t.cleanup);
  return t;
}

async function run(t: TestApp, inputs: readonly string[], userId = 'u1'): Promise<Reply[][]> {
  const out: Reply[][] = [];
  for (const [i, text] of inputs.entries())
    out.push(
      (await t.app.engine.handle({ channel: 'test', userId, messageId: `${userId}-${i}`, text })).replies,
    );
  return out;
}

const say = async (t: TestApp, inbound: Omit<Inbound, 'channel'>) =>
  (await t.app.engine.handle({ channel: 'test', ...inbound })).replies;

function rows(t: TestApp, conv: string) {
  const n = (table: string, column: string) =>
    t.sql<{ n: number }>(`SELECT count(*) AS n FROM ${table} WHERE ${column} = ?`, conv)[0]?.n;
  return {
    conversations: n('conversations', 'id'),
    transcript: n('transcript', 'conversation_id'),
    processed: n('processed', 'conversation_id'),
    receipts: n('receipts', 'conversation_id'),
  };
}

/** The database file and its WAL as bytes, for searching what is physically left. */
function onDisk(t: TestApp): string {
  const read = (name: string) => {
    try {
      return readFileSync(join(t.dataDir, name)).toString('utf8');
    } catch {
      return '';
    }
  };
  return read(DB_FILE) + read(`${DB_FILE}-wal`);
}

describe('my data', () => {
  it('gives one plain summary line in the chat and everything as a JSON file', async () => {
    const t = await setup();
    await run(t, WRONGFUL_WITH_FACTS.zh);
    const replies = await say(t, { userId: 'u1', messageId: 'd1', text: '我的数据' });
    const data = replies.at(-1);
    expect(data?.text).toMatch(/^这是我保存的关于你的全部数据：\d+ 条消息、6 项你提供的事实、1 份收据。/);
    expect(data?.text).not.toContain('{');
    expect(data?.text).not.toContain('"question"');
    const file = JSON.parse(data?.attachments?.[0]?.content ?? '{}');
    expect(data?.attachments?.[0]?.filename).toBe('cancelmate-my-data.json');
    expect(file.state.answersAndFacts).toMatchObject({
      fact_merchant: '某某卡盟',
      fact_order: 'A20261103001',
    });
    expect(file.transcript.length).toBeGreaterThan(30);
    expect(file.receipts).toHaveLength(1);
    expect(data?.choices?.map((c) => c.id)).toEqual(['_restart']);
    // A redelivery gets the same summary and the file again, without a second export in the transcript.
    const before = (await t.app.engine.history('test', 'u1')).entries.length;
    const again = await say(t, { userId: 'u1', messageId: 'd1', text: '我的数据' });
    expect(again.at(-1)?.text).toBe(data?.text);
    expect(again.at(-1)?.attachments?.[0]?.filename).toBe('cancelmate-my-data.json');
    expect((await t.app.engine.history('test', 'u1')).entries.length).toBe(before);
  });
});

describe('forget me', () => {
  it('asks once, deletes every row about the user, leaves others intact and the words gone from disk', async () => {
    const t = await setup();
    const phone = '13912345678';
    const all = await run(t, [...WRONGFUL_WITH_FACTS.zh.slice(0, 7), `某某卡盟 ${phone}`, '收据'], 'alice');
    await run(t, ['/start', '1', '1'], 'bob');
    const alice = t.app.engine.conversationOf('test', 'alice');
    const bob = t.app.engine.conversationOf('test', 'bob');
    const bobBefore = rows(t, bob);
    expect(onDisk(t)).toContain(phone);

    const ask = await say(t, { userId: 'alice', messageId: 'f1', text: '删除我的数据' });
    expect(ask[0]?.text).toContain('确定要删除');
    expect(ask[0]?.choices?.map((c) => c.id)).toEqual(['_forget_yes', '_forget_no']);
    const kept = await say(t, { userId: 'alice', messageId: 'f2', text: '算了' });
    expect(kept[0]?.text).toContain('什么都没有删除');
    expect(rows(t, alice)).toMatchObject({ conversations: 1, receipts: 1 });

    const ask2 = await say(t, { userId: 'alice', messageId: 'f3', text: '/forget' });
    const confirm = { userId: 'alice', messageId: 'f4', choice: '_forget_yes', turn: ask2[0]?.turn } as const;
    const done = await say(t, confirm);
    expect(done[0]?.text).toContain('已删除');
    // Only the answer to the confirming message is kept (no text of the user's), so a redelivery is answered.
    expect(rows(t, alice)).toEqual({ conversations: 0, transcript: 0, processed: 1, receipts: 0 });
    expect(t.sql('SELECT message_id, record FROM processed WHERE conversation_id = ?', alice)).toEqual([
      { message_id: 'f4', record: expect.stringContaining('已删除') },
    ]);
    expect(rows(t, bob)).toEqual(bobBefore);
    expect(onDisk(t)).not.toContain(phone);
    expect(onDisk(t)).not.toContain('某某卡盟');

    // The confirmation delivered again: the same answer, nothing re-created.
    const redelivered = await t.app.engine.handle({ channel: 'test', ...confirm });
    expect(redelivered).toMatchObject({ duplicate: true, replies: done });
    expect(rows(t, alice)).toEqual({ conversations: 0, transcript: 0, processed: 1, receipts: 0 });

    // The receipt handed out before stays verifiable offline.
    const file = all.at(-1)?.find((r) => r.receipt)?.attachments?.[1]?.content ?? '';
    expect(verifyReceipt(JSON.parse(file), publicKeyFromPem(t.app.keys.publicKeyPem))).toMatchObject({
      ok: true,
    });
    // A new message afterwards starts a new conversation.
    const fresh = await say(t, { userId: 'alice', messageId: 'f5', text: '/start' });
    expect(fresh.at(-1)?.choices?.map((c) => c.id)).toEqual(['cancel', 'refund', 'redflag']);
  });
});

describe('retention', () => {
  it('purges conversations untouched for RETENTION_DAYS, by the injected clock, from the file too', async () => {
    let now = new Date('2026-01-01T00:00:00Z');
    const t = await setup({ RETENTION_DAYS: '30' }, { clock: () => now });
    await run(t, ['/start', '1', '1', '1', '1', 'AB-123-old-words'], 'old');
    now = new Date('2026-01-25T00:00:00Z');
    await run(t, ['/start', '1'], 'recent');
    now = new Date('2026-02-05T00:00:00Z');
    expect(await t.app.purge()).toMatchObject({ conversations: 1 });
    expect(rows(t, t.app.engine.conversationOf('test', 'old'))).toEqual({
      conversations: 0,
      transcript: 0,
      processed: 0,
      receipts: 0,
    });
    expect(rows(t, t.app.engine.conversationOf('test', 'recent')).conversations).toBe(1);
    expect(onDisk(t)).not.toContain('AB-123-old-words');
    expect(await t.app.purge()).toEqual({ conversations: 0, processed: 0 });
  });
});

describe('logs', () => {
  it('never contain message text, facts, tokens or raw user ids', async () => {
    let log = '';
    const sink = new Writable({
      write(chunk, _enc, cb) {
        log += String(chunk);
        cb();
      },
    });
    let fail = false;
    const t = await setup(
      { PUBLIC_URL: 'https://cancelmate.example.org' },
      {
        logger: createLogger('trace', sink),
        wrapStore: (store) =>
          faultyStore(store, () =>
            fail
              ? {
                  append: () => {
                    throw new Error('disk full');
                  },
                }
              : {},
          ),
      },
    );
    const all: Reply[][] = [];
    for (const [i, text] of WRONGFUL_WITH_FACTS.zh.entries())
      all.push(
        (await t.app.engine.handle({ channel: 'telegram', userId: '987654321', messageId: `m${i}`, text }))
          .replies,
      );
    fail = true; // an error path too
    await t.app.engine.handle({
      channel: 'telegram',
      userId: '987654321',
      messageId: 'boom',
      text: '某某卡盟 A20261103001',
    });
    expect(log).toContain('message handled');
    expect(log).toContain('message failed');
    const token = all.at(-1)?.find((r) => r.receipt)?.receipt?.token ?? 'no-token';
    for (const secret of [
      '987654321',
      '某某卡盟',
      'A20261103001',
      '39.9',
      'kamen.example.com',
      'T-7788',
      token,
      '跳过',
      '自动续费',
    ])
      expect(log, `log contains ${secret}`).not.toContain(secret);
  });
});
