import { join } from 'node:path';
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import type { Reply } from '../../src/dialogue/types.ts';
import { verifyChain } from '../../src/receipts/transcriptChain.ts';
import type { StorePort } from '../../src/store/port.ts';
import { DB_FILE } from '../../src/store/sqlite/database.ts';
import { faultyStore, type TestApp, testApp } from '../support/app.ts';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});
async function setup(
  env: Record<string, string> = {},
  dataDir?: string,
  wrapStore?: (store: StorePort) => StorePort,
) {
  const t = await testApp(env, { ...(dataDir ? { dataDir } : {}), ...(wrapStore ? { wrapStore } : {}) });
  cleanups.push(t.cleanup);
  return t;
}

const transcriptOf = async (t: TestApp, userId = 'u1', channel = 'test') =>
  (await t.app.engine.history(channel, userId)).entries;

function chat(t: TestApp, userId = 'u1', channel = 'test') {
  let n = 0;
  const send = async (input: {
    text?: string;
    choice?: string;
    turn?: number;
    messageId?: string;
  }): Promise<Reply> => {
    n += 1;
    const { replies } = await t.app.engine.handle({
      channel,
      userId,
      messageId: input.messageId ?? `m${n}-${Math.random()}`,
      ...input,
    });
    expect(replies.length).toBeGreaterThanOrEqual(1);
    // The last reply carries the question's choices (a receipt or data export may come before it).
    return replies.at(-1) as Reply;
  };
  return { send, text: (text: string) => send({ text }) };
}

const ids = (r: Reply) => (r.choices ?? []).map((c) => c.id);

describe('engine', () => {
  it('greets a new user with the disclaimer and the first question', async () => {
    const t = await setup();
    const r = await chat(t).text('/start');
    expect(r.text).toContain('我不是任何商家或平台的客服');
    expect(r.text).toContain('绝不会向你要密码');
    expect(ids(r)).toEqual(['cancel', 'refund', 'redflag']);
  });

  it('answers a duplicate message id with the same replies and changes nothing', async () => {
    const t = await setup();
    const c = chat(t);
    await c.text('/start');
    const first = await c.send({ text: '1', messageId: 'dup-1' });
    const before = (await transcriptOf(t)).length;
    const again = await c.send({ text: '1', messageId: 'dup-1' });
    expect(again).toEqual(first);
    expect((await transcriptOf(t)).length).toBe(before);
    // The dialogue did not advance twice: we are still at the platform question.
    expect(ids(await c.text('/help'))).toContain('kamen');
  });

  it('resumes exactly where it was after the process restarts (real SQLite file)', async () => {
    const t1 = await setup();
    const c1 = chat(t1);
    await c1.text('/start');
    await c1.text('1'); // cancel
    await c1.text('爱奇艺'); // platform by alias
    const at = await c1.text('1'); // auto-renew → channel question
    expect(ids(at)).toEqual(['app', 'support', 'payment', '_back']);
    await t1.app.close();

    const t2 = await setup({}, t1.dataDir);
    const c2 = chat(t2);
    const resumed = await c2.text('/start');
    expect(resumed.text).toContain('欢迎回来');
    expect(ids(resumed)).toEqual(['app', 'support', 'payment', '_back']);
    const steps = await c2.text('App');
    expect(steps.text).toContain('【爱奇艺 VIP · App】第 1/2 页');
    expect(steps.text).toContain('根据公开教程整理（2026-11-25）');
  });

  it('keeps a hash chain that verifies after a long conversation', async () => {
    const t = await setup();
    const c = chat(t);
    await c.text('/start');
    for (let i = 0; i < 60; i += 1) {
      await c.text('1');
      await c.text('返回');
      await c.text('无意义的输入');
    }
    const entries = await transcriptOf(t);
    expect(entries.length).toBe(2 * (1 + 180));
    const check = verifyChain(entries);
    expect(check.ok).toBe(true);
    const tampered = entries.map((e, i) => (i === 100 ? { ...e, text: `${e.text}!` } : e));
    expect(verifyChain(tampered)).toMatchObject({ ok: false, seq: 101 });
  });

  it('treats a press from an older question as stale and does not advance', async () => {
    const t = await setup();
    const c = chat(t);
    const welcome = await c.text('/start');
    const platform = await c.send({ choice: 'cancel', turn: welcome.turn });
    expect(ids(platform)).toContain('kamen');
    const stale = await c.send({ choice: 'refund', turn: welcome.turn });
    expect(stale.text).toContain('那个按钮对应的问题已经过去了');
    expect(ids(stale)).toContain('kamen');
    const unknownId = await c.send({ choice: 'no_such_choice', turn: platform.turn });
    expect(unknownId.text).toContain('已经过去了');
    expect(unknownId.turn).toBe(platform.turn);
  });

  it('goes back one question at a time and says so at the first one', async () => {
    const t = await setup();
    const c = chat(t);
    await c.text('/start');
    expect((await c.text('back')).text).toContain('已经是第一步了');
    await c.text('1');
    await c.text('1');
    const back1 = await c.text('返回');
    expect(ids(back1)).toContain('kamen');
    const back2 = await c.send({ choice: '_back', turn: back1.turn });
    expect(ids(back2)).toEqual(['cancel', 'refund', 'redflag']);
  });

  it('switches language at any step without losing progress', async () => {
    const t = await setup();
    const c = chat(t);
    await c.text('/start');
    await c.text('1');
    await c.text('1');
    const en = await c.text('English');
    expect(en.text).toContain('Switched to English');
    expect(en.text).toContain('What kind of membership is it?');
    expect(en.choices?.[0]?.label).toBe('Auto-renewing (charged every month or year)');
    // Typing the other language's label still works.
    const ch = await c.text('自动续费（按月或按年自动扣钱）');
    expect(ch.text).toContain('Which way do you want to try first?');
    expect((await c.text('中文')).text).toContain('你想先试哪种方式？');
  });

  it('re-asks with a hint and the choices on input it does not understand', async () => {
    const t = await setup();
    const c = chat(t);
    await c.text('/start');
    await c.text('1');
    const r = await c.text('我也不知道在哪买的啊');
    expect(r.text).toContain('没太明白');
    expect(r.text).toContain('不在列表里就选「其他 / 不在列表中」');
    expect(ids(r)).toContain('other');
  });

  it('jumps to the refund talk from anywhere and to scam advice with its words', async () => {
    const t = await setup();
    const c = chat(t);
    await c.text('/start');
    await c.text('1');
    const r = await c.text('退款');
    expect(r.text).toContain('会员是在哪里买的，或者钱是从哪里扣的？');
    const s = await c.text('scam');
    expect(s.text).toContain('遇到了哪种情况？');
  });

  it('ends in a final state that offers a restart, and restarts', async () => {
    const t = await setup();
    const c = chat(t);
    await c.text('/start');
    for (const input of ['1', '1', '1', '1', '成功了']) await c.text(input);
    const end = await c.text('没有了，结束');
    expect(end.text).toContain('收据已生成');
    expect(end.receipt?.id).toMatch(/^R-\d{8}-[0-9A-F]{8}$/);
    expect(ids(end)).toEqual(['_restart']);
    const done = await c.text('hello');
    expect(done.text).toContain('这次对话已经结束了');
    expect(ids(done)).toEqual(['_restart']);
    const again = await c.text('1');
    expect(again.text).toContain('好的，从头开始');
    expect(ids(again)).toEqual(['cancel', 'refund', 'redflag']);
  });

  it('starts over, with a note, when the stored state no longer exists in the flows', async () => {
    const t = await setup();
    const c = chat(t);
    await c.text('/start');
    await c.text('1');
    await editStoredState(t, (state) => ({ ...state, state: 'removed_state' }));
    const r = await c.text('1');
    expect(r.text).toContain('指南已经更新过');
    expect(ids(r)).toEqual(['cancel', 'refund', 'redflag']);
  });

  it('a failure inside the transaction changes nothing, apologises, and a retry succeeds', async () => {
    let fail = false;
    const t = await setup({}, undefined, (store) =>
      faultyStore(store, () =>
        fail
          ? {
              append: () => {
                fail = false;
                throw new Error('disk full');
              },
            }
          : {},
      ),
    );
    const c = chat(t);
    await c.text('/start');
    const before = (await transcriptOf(t)).length;
    fail = true;
    const sorry = await c.send({ text: '1', messageId: 'retry-me' });
    expect(sorry.text).toContain('出了点问题');
    expect((await transcriptOf(t)).length).toBe(before);
    const ok = await c.send({ text: '1', messageId: 'retry-me' });
    expect(ids(ok)).toContain('kamen');
  });

  it('never stores the raw user id', async () => {
    const t = await setup();
    await chat(t, 'user-4242424242').text('/start');
    const dump = JSON.stringify(t.sql('SELECT * FROM conversations'));
    expect(dump).not.toContain('4242424242');
  });

  it('answers any input at all (empty, huge, emoji, control characters) without throwing', async () => {
    const t = await setup();
    const c = chat(t, 'fuzz');
    await c.text('/start');
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.string(),
          fc.string({ unit: 'grapheme', maxLength: 50 }),
          fc.string({ unit: 'binary', maxLength: 200 }),
          fc.constantFrom(
            '',
            ' ',
            '\u0000\u0007\u001b[2J',
            '🙂🙃'.repeat(500),
            'x'.repeat(10_000),
            '1'.repeat(30),
            '/unknown',
          ),
        ),
        async (input) => {
          const { replies } = await t.app.engine.handle({
            channel: 'test',
            userId: 'fuzz',
            messageId: `f-${Math.random()}`,
            text: input,
          });
          expect(replies.length).toBeGreaterThan(0);
          for (const r of replies) {
            expect(r.text.length).toBeGreaterThan(0);
            expect(r.text).not.toContain('出了点问题');
          }
        },
      ),
      { numRuns: 300 },
    );
    expect(verifyChain(await transcriptOf(t, 'fuzz')).ok).toBe(true);
  });
});

/** Rewrites the stored state of user u1 on channel test behind the engine's back (a flow edit, a bad row). */
async function editStoredState(t: TestApp, edit: (state: Record<string, unknown>) => unknown, userId = 'u1') {
  const id = t.app.engine.conversationOf('test', userId);
  const [row] = t.sql<{ state: string }>('SELECT state FROM conversations WHERE id = ?', id);
  expect(row).toBeDefined();
  const next = edit(JSON.parse(row?.state ?? '{}') as Record<string, unknown>);
  writeState(t, id, typeof next === 'string' ? next : JSON.stringify(next));
}

/** Writes a conversation's stored state through a second connection (the engine's is idle between messages). */
function writeState(t: TestApp, id: string, state: string) {
  const db = new Database(join(t.dataDir, DB_FILE));
  try {
    db.pragma('busy_timeout = 2000');
    db.prepare('UPDATE conversations SET state = ? WHERE id = ?').run(state, id);
  } finally {
    db.close();
  }
}
