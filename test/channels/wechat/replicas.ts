import { expect, vi } from 'vitest';
import { withHandle } from '../../../src/channels/kit/channelEngine.ts';
import { WechatGuide } from '../../../src/channels/wechat/guide.ts';
import type { WechatInbound } from '../../../src/channels/wechat/inbound.ts';
import type { Engine } from '../../../src/dialogue/engine.ts';
import { createLogger } from '../../../src/logger.ts';
import { TO_TICKET_QUESTION_ZH } from '../../support/scripts.ts';
import { withMemo } from './harness.ts';

/**
 * Two WeChat replicas for tests: a guide on each engine (one engine twice = two guides on one store; two
 * engines = two processes' engines on one PostgreSQL), and a look at the memo as stored.
 *
 * @example
 * const r = replicas(app.engine, app.engine, (id) => rawMemoOf(id));
 * await r.say('a', 'u1', '/start');
 */
export interface Replicas {
  engines: { a: Engine; b: Engine };
  guides: { a: WechatGuide; b: WechatGuide };
  /** Sends `text` as a new message (or `msg` again, a retry) through replica `on`; the passive reply's text. */
  say(on: 'a' | 'b', user: string, text: string): Promise<string>;
  send(on: 'a' | 'b', msg: WechatInbound): Promise<string>;
  /** A new message, not yet sent. */
  message(user: string, text: string): WechatInbound;
  /** The memo row as the database holds it (undefined when there is none). */
  rawMemo(user: string): Promise<string | undefined>;
}

let counter = 0;

/**
 * See {@link Replicas}.
 *
 * @example
 * const r = replicas(engineA, engineB, async (id) => (await pgRows(url, 'SELECT memo …', [id]))[0]?.memo);
 */
export function replicas(
  a: Engine,
  b: Engine,
  rawMemo: (conversationId: string) => Promise<string | undefined>,
): Replicas {
  const guide = (engine: Engine) =>
    new WechatGuide({
      engine,
      defaultLang: 'zh-CN',
      publicUrl: 'https://cancelmate.example.org',
      logger: createLogger('silent'),
    });
  const guides = { a: guide(a), b: guide(b) };
  const message = (user: string, text: string): WechatInbound => {
    counter += 1;
    return { kind: 'text', user, account: 'gh_test', messageId: `msg:${Date.now()}${counter}`, text };
  };
  const send = (on: 'a' | 'b', msg: WechatInbound) => guides[on].answer('wechat', msg, Date.now());
  return {
    engines: { a, b },
    guides,
    message,
    send,
    say: (on, user, text) => send(on, message(user, text)),
    rawMemo: (user) => rawMemo(a.conversationOf('wechat', user)),
  };
}

/** The answers to the fact questions after the 12315 offer, up to the demand letter and complaint. */
export const TO_LETTERS = ['/start', ...TO_TICKET_QUESTION_ZH, '跳过'];

/**
 * The cross-replica cases, run on SQLite (two guides, one engine) and PostgreSQL (two engines, one database).
 *
 * @example
 * const cases = crossReplicaCases(() => setUp());
 * it('pages', cases.pages);
 */
export function crossReplicaCases(setUp: () => Promise<Replicas>) {
  return {
    /** Pages, letters and a retried 「n」 continue on the other replica. */
    async pages() {
      const r = await setUp();
      const user = 'pager';
      let page1 = '';
      // Alternating replicas; the long reply (page 1) comes from b.
      for (const [i, text] of TO_LETTERS.entries()) page1 = await r.say(i % 2 ? 'b' : 'a', user, text);
      expect(page1).toContain('【给商家的书面要求】');
      expect(page1).toMatch(/（第 1\/(\d) 页 · 回复 n 看下一页）$/);
      const total = Number(/第 1\/(\d) 页/.exec(page1)?.[1]);
      // 「n」 on the other replica: page 2, not 「没太明白」.
      const next = r.message(user, 'n');
      const page2 = await r.send('a', next);
      expect(page2).toMatch(new RegExp(`（第 2/${total} 页`));
      expect(page2).not.toContain('没太明白');
      // Tencent retries that 「n」 on the first replica: the same page, and no page is skipped.
      expect(await r.send('b', next)).toBe(page2);
      expect(await r.send('a', next)).toBe(page2);
      // A letter alone, asked on b after a gave page 2.
      const letter = await r.say('b', user, '信1');
      expect(letter.startsWith('致 某某卡盟（网址：')).toBe(true);
      expect(await r.say('b', user, 'n')).toMatch(new RegExp(`（第 3/${total} 页`));
      expect(JSON.parse((await r.rawMemo(user)) ?? '{}').view.letters).toHaveLength(2);
      // A dialogue message retried on the other replica: the same text, one advance.
      const answer = r.message(user, '1');
      const first = await r.send('a', answer);
      expect(first).not.toContain('没太明白');
      expect(await r.send('b', answer)).toBe(first);
    },

    /** A reply that missed the deadline on one replica goes out first with the next message on the other. */
    async late() {
      const r = await setUp();
      const user = 'late';
      await r.say('a', user, '/start');
      let release = () => {};
      const gate = new Promise<void>((resolve) => {
        release = resolve;
      });
      const engine = r.engines.a;
      const slowDoor = withHandle(engine, async (inbound) => {
        await gate;
        return engine.handle(inbound);
      });
      const slow = new WechatGuide({
        engine: withMemo(slowDoor, engine),
        defaultLang: 'zh-CN',
        logger: createLogger('silent'),
        deadlineMs: 20,
      });
      const slowMessage = r.message(user, '1');
      expect(await slow.answer('wechat', slowMessage, Date.now())).toBe('');
      release();
      await vi.waitFor(async () => expect(JSON.parse((await r.rawMemo(user)) ?? '{}').late).toHaveLength(1), {
        timeout: 10_000,
      });
      const next = await r.say('b', user, '帮助');
      expect(next).toContain('你上一条消息的回复刚才来晚了');
      expect(next.indexOf('会员是在哪里买的')).toBeGreaterThan(next.indexOf('刚才来晚了'));
      // The slow message retried on the other replica: nothing new (it went out), nothing changed.
      expect(await r.send('b', slowMessage)).toBe('');
      expect(await r.send('a', slowMessage)).toBe('');
      expect(await r.say('a', user, '帮助')).not.toContain('刚才来晚了');
    },

    /** "Forget me" deletes the memo with the conversation. */
    async forget() {
      const r = await setUp();
      const user = 'forgetter';
      for (const text of TO_LETTERS) await r.say('a', user, text);
      expect(await r.rawMemo(user)).toContain('某某卡盟');
      expect(await r.say('b', user, '删除我的数据')).toContain('确定要删除');
      expect(await r.say('a', user, '1')).toContain('已删除');
      expect(await r.rawMemo(user)).toBeUndefined();
    },

    /** The receipt link's token goes out, and comes back on a retry on the other replica, but is not stored. */
    async receiptToken() {
      const r = await setUp();
      const user = 'receipt';
      for (const text of ['/start', '1', '1', '1', '1', '成功了']) await r.say('a', user, text);
      const last = r.message(user, '没有了，结束');
      const text = await r.send('a', last);
      const token = /\/receipts\/R-\d{8}-[0-9A-F]{8}\?t=([\w-]+)/.exec(text)?.[1];
      expect(token, text).toBeDefined();
      // A one-page answer of the dialogue is not kept (the engine's de-duplication answers its retries); where
      // a memo is kept, a token in it is a marker (test/dialogue/channelMemo.test.ts).
      const raw = (await r.rawMemo(user)) ?? '';
      expect(raw).not.toContain(token ?? 'missing');
      expect(await r.send('b', last)).toBe(text);
    },
  };
}
