import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import type { Reply } from '../../src/dialogue/types.ts';
import { createLogger } from '../../src/logger.ts';
import { publicKeyFromPem } from '../../src/receipts/keys.ts';
import { verifyChain } from '../../src/receipts/transcriptChain.ts';
import type { Receipt } from '../../src/receipts/types.ts';
import { verifyReceipt } from '../../src/receipts/verify.ts';
import { DB_FILE } from '../../src/store/sqlite/database.ts';
import { ROOT, type TestApp, testApp } from '../support/app.ts';

/**
 * What hostile testing found against the engine: nobody gets locked out by a stored state that no longer
 * reads, a "back" into a removed question, or odd input; nothing half-written; nothing secret kept for
 * de-duplication.
 */
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

async function setup(env: Record<string, string> = {}, dataDir?: string): Promise<TestApp> {
  const t = await testApp(env, dataDir ? { dataDir } : {});
  cleanups.push(t.cleanup);
  return t;
}

function chat(t: TestApp, userId = 'u1') {
  let n = 0;
  return async (text: string, messageId?: string): Promise<Reply[]> => {
    n += 1;
    const id = messageId ?? `m${n}`;
    return (await t.app.engine.handle({ channel: 'test', userId, messageId: id, text })).replies;
  };
}

/** Writes a conversation's stored state through a second connection (the engine's is idle between messages). */
function writeState(t: TestApp, userId: string, edit: (json: string) => string) {
  const id = t.app.engine.conversationOf('test', userId);
  const db = new Database(join(t.dataDir, DB_FILE));
  try {
    db.pragma('busy_timeout = 2000');
    const row = db.prepare('SELECT state FROM conversations WHERE id = ?').get(id) as { state: string };
    db.prepare('UPDATE conversations SET state = ? WHERE id = ?').run(edit(row.state), id);
  } finally {
    db.close();
  }
}

const choiceIds = (r: Reply[] | undefined) => (r?.at(-1)?.choices ?? []).map((c) => c.id);

describe('a stored state that no longer reads', () => {
  for (const [what, edit] of [
    ['not JSON', () => '{"state": "platform", "ctx": '],
    ['JSON of the wrong shape', () => '{"state": 42}'],
    ['null', () => 'null'],
    [
      'answers kept for later that are not text',
      (json: string) => JSON.stringify({ ...JSON.parse(json), understood: { notice: 5 } }),
    ],
  ] as const) {
    it(`(${what}) gets one line of notice and a fresh start, keeps the transcript, and later messages work`, async () => {
      const t = await setup();
      const say = chat(t);
      await say('/start');
      await say('1');
      const before = (await t.app.engine.history('test', 'u1')).entries;
      writeState(t, 'u1', edit);
      const first = await say('2');
      expect(first.at(-1)?.text).toMatch(/^抱歉，我读不出我们上次的进度了（对话记录还在）。我们从头开始：/);
      expect(first.at(-1)?.text).not.toContain('出了点问题');
      expect(choiceIds(first)).toEqual(['cancel', 'refund', 'redflag']);
      expect((await say('1')).at(-1)?.choices?.map((c) => c.id)).toContain('kamen');
      const after = (await t.app.engine.history('test', 'u1')).entries;
      expect(after.slice(0, before.length)).toEqual(before);
      expect(verifyChain(after).ok).toBe(true);
    });
  }

  it('also after a restart of the server', async () => {
    const t1 = await setup();
    await chat(t1)('/start');
    writeState(t1, 'u1', () => '{broken');
    await t1.app.close();
    const t2 = await setup({}, t1.dataDir);
    const r = await chat(t2)('/start', 'again-1');
    expect(r.at(-1)?.text).toContain('我读不出我们上次的进度了');
    expect(choiceIds(r)).toEqual(['cancel', 'refund', 'redflag']);
  });
});

describe('"back" into a question removed from the flows', () => {
  it('starts over with the flow-changed note instead of the apology', async () => {
    const t = await setup();
    const say = chat(t);
    await say('/start');
    await say('1');
    await say('1');
    writeState(t, 'u1', (json) => {
      const state = JSON.parse(json);
      state.history = state.history.map((h: { state: string }) => ({ ...h, state: 'removed_question' }));
      return JSON.stringify(state);
    });
    const back = await say('返回');
    expect(back.at(-1)?.text).toContain('指南已经更新过，我们从头开始');
    expect(back.at(-1)?.text).not.toContain('出了点问题');
    expect(choiceIds(back)).toEqual(['cancel', 'refund', 'redflag']);
    expect(choiceIds(await say('1'))).toContain('kamen');
  });
});

describe('odd input', () => {
  it('a message of only control characters is refused like empty text and stores nothing', async () => {
    const t = await setup();
    const say = chat(t);
    await say('/start');
    const before = (await t.app.engine.history('test', 'u1')).entries.length;
    const r = await say('\u0000\u0007\u001b\u007f');
    expect(r).toEqual([{ text: '这条消息是空的。请打字告诉我，或者回复选项前的数字。' }]);
    expect((await t.app.engine.history('test', 'u1')).entries.length).toBe(before);
  });

  it('a lone UTF-16 surrogate is stored as U+FFFD and leaves the receipt verifiable', async () => {
    const t = await setup();
    const say = chat(t);
    await say('/start');
    await say('refund \ud800 please \udfff');
    const replies = await say('收据');
    const receipt = JSON.parse(replies.find((r) => r.receipt)?.attachments?.[1]?.content ?? '') as Receipt;
    const typed = receipt.body.transcript.find((e) => e.text.startsWith('refund'));
    expect(typed?.text).toBe('refund \ufffd please \ufffd');
    expect(verifyReceipt(receipt, publicKeyFromPem(t.app.keys.publicKeyPem))).toMatchObject({ ok: true });
    const stored = t.sql<{ text: string }>("SELECT text FROM transcript WHERE text LIKE 'refund%'");
    expect(stored).toEqual([{ text: 'refund \ufffd please \ufffd' }]);
  });
});

describe('the de-duplication record', () => {
  it('keeps no link token and no file, yet a redelivery gets the same receipt, links and files', async () => {
    const t = await setup({ PUBLIC_URL: 'https://cancelmate.example.org' });
    const say = chat(t);
    await say('/start');
    const first = await say('收据', 'receipt-1');
    const withReceipt = first.find((r) => r.receipt);
    const token = withReceipt?.receipt?.token ?? '';
    expect(token).toMatch(/^[A-Za-z0-9_-]{24}$/);
    const rows = t.sql<{ record: string }>('SELECT record FROM processed');
    expect(rows.length).toBeGreaterThan(0);
    const all = rows.map((r) => r.record).join('\n');
    expect(all).not.toContain(token);
    expect(all).not.toContain('<html');
    expect(all).not.toContain('"signature"');
    expect(Math.max(...rows.map((r) => r.record.length))).toBeLessThan(4000);
    const again = await t.app.engine.handle({
      channel: 'test',
      userId: 'u1',
      messageId: 'receipt-1',
      text: '收据',
    });
    expect(again.duplicate).toBe(true);
    expect(again.replies).toEqual(first);
    expect(t.sql('SELECT count(*) AS n FROM receipts')).toEqual([{ n: 1 }]);
  });

  it('keeps the link token out of the transcript, so no table and no later receipt holds it', async () => {
    const t = await setup({ PUBLIC_URL: 'https://cancelmate.example.org' });
    const say = chat(t);
    await say('/start');
    const first = await say('收据', 'receipt-1');
    const token = first.find((r) => r.receipt)?.receipt?.token ?? '';
    expect(first.find((r) => r.receipt)?.text).toContain(`?t=${token}`);
    const said = t.sql<{ text: string }>("SELECT text FROM transcript WHERE text LIKE '%/receipts/%'");
    expect(said).toHaveLength(1);
    expect(said[0]?.text).toContain('?t=…');
    const tables = t.sql<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table'");
    for (const { name } of tables)
      expect(JSON.stringify(t.sql(`SELECT * FROM "${name}"`)), `table ${name}`).not.toContain(token);
    const second = await say('收据', 'receipt-2');
    const json = second.find((r) => r.receipt)?.attachments?.find((a) => a.filename.endsWith('.json'));
    expect(json?.content).toContain('?t=…');
    expect(json?.content).not.toContain(token);
  });
});

describe('a data directory in use', () => {
  it('refuses a second app on the same DATA_DIR with a message naming it', async () => {
    const t = await setup();
    const config = loadConfig({
      DATA_DIR: t.dataDir,
      FLOWS_DIR: join(ROOT, 'flows'),
      LOCALES_DIR: join(ROOT, 'locales'),
    });
    await expect(createApp(config, { logger: createLogger('silent') })).rejects.toThrow(
      `DATA_DIR=${t.dataDir} is already in use by another CancelMate process (pid ${process.pid}`,
    );
    expect((await chat(t)('/start')).at(-1)?.choices?.length).toBeGreaterThan(0);
  });
});
