import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import type { Inbound, Reply } from '../../src/dialogue/types.ts';
import { createLogger } from '../../src/logger.ts';
import { publicKeyFromPem } from '../../src/receipts/keys.ts';
import type { Receipt } from '../../src/receipts/types.ts';
import { extractReceipt, verifyReceipt } from '../../src/receipts/verify.ts';
import { ROOT, testApp } from '../support/app.ts';
import { FACTS_AS_KEPT, WRONGFUL_WITH_FACTS } from '../support/scripts.ts';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

async function run(
  app: ReturnType<typeof testApp>['app'],
  inputs: readonly string[],
  userId = 'u1',
  lang = 'zh-CN',
): Promise<Reply[][]> {
  const out: Reply[][] = [];
  for (const [i, text] of inputs.entries()) {
    const { replies } = await app.engine.handle({
      channel: 'test',
      userId,
      messageId: `${userId}-${i}`,
      text,
      langHint: lang,
    });
    out.push(replies);
  }
  return out;
}

/** The replies to one message. */
async function say(app: ReturnType<typeof testApp>['app'], inbound: Inbound): Promise<Reply[]> {
  return (await app.engine.handle(inbound)).replies;
}

const rows = (app: ReturnType<typeof testApp>['app'], conv: string) => ({
  conversations: app.db.prepare('SELECT count(*) AS n FROM conversations WHERE id = ?').get(conv),
  transcript: app.db.prepare('SELECT count(*) AS n FROM transcript WHERE conversation_id = ?').get(conv),
  processed: app.db.prepare('SELECT count(*) AS n FROM processed WHERE conversation_id = ?').get(conv),
  receipts: app.db.prepare('SELECT count(*) AS n FROM receipts WHERE conversation_id = ?').get(conv),
});

describe('receipts issued by the engine', () => {
  for (const lang of ['zh', 'en'] as const) {
    it(`the wrongful-deduction path with facts ends in a signed, verifiable receipt (${lang})`, async () => {
      const t = testApp({ PUBLIC_URL: 'https://cancelmate.example.org' });
      cleanups.push(t.cleanup);
      const all = await run(t.app, WRONGFUL_WITH_FACTS[lang], 'u1', lang === 'zh' ? 'zh-CN' : 'en');
      const last = all.at(-1) ?? [];
      const withReceipt = last.find((r) => r.receipt);
      expect(withReceipt, 'a receipt at the end of the path').toBeDefined();
      const files = withReceipt?.attachments ?? [];
      expect(files.map((f) => f.filename.replace(/R-\d{8}-[0-9A-F]{8}/, 'R'))).toEqual(['R.html', 'R.json']);
      const receipt = JSON.parse(files[1]?.content ?? '') as Receipt;
      const key = publicKeyFromPem(t.app.keys.publicKeyPem);
      expect(verifyReceipt(receipt, key)).toMatchObject({ ok: true });
      expect(verifyReceipt(extractReceipt(files[0]?.content ?? ''), key)).toMatchObject({ ok: true });

      const b = receipt.body;
      expect(b.facts).toMatchObject(FACTS_AS_KEPT[lang]);
      expect(b.facts.noticeReceived).toBe('no');
      expect(b.conversation).toBe(t.app.engine.conversationOf('test', 'u1'));
      expect(JSON.stringify(b)).not.toContain('"u1"');
      expect(b.flowVersion).toBe(t.app.bundle.version);
      const cites = b.rights.flatMap((r) => r.citations).join(' ');
      for (const c of lang === 'zh'
        ? [
            '《消费者权益保护法实施条例》第十条第二款',
            '《网络交易监督管理办法》第十八条',
            '《消费者权益保护法》第二十六条',
            '《民法典》第九百八十五条',
          ]
        : [
            '《消费者权益保护法实施条例》 Art. 10(2)',
            '《网络交易监督管理办法》 Art. 18',
            'Consumer Rights Protection Law Art. 26',
            'Civil Code Art. 985',
          ])
        expect(cites).toContain(c);
      expect(JSON.stringify(b)).not.toContain('规范促销行为暂行规定');
      expect(b.evidence.length).toBeGreaterThan(4);
      expect(b.complaint?.demandLetter).toContain(FACTS_AS_KEPT[lang].merchant);
      expect(b.complaint?.demandLetter).toContain(FACTS_AS_KEPT[lang].amount);
      expect(b.complaint?.complaint12315).toContain(
        lang === 'zh' ? '被投诉方：某某卡盟' : 'Respondent: Shady Cards Ltd',
      );
      // Rights are the grounds the guide showed; 12315's time limits were explained in the chat, not as a ground.
      expect(cites).not.toContain('第四十六条');
      if (lang === 'en') {
        // The ticket was skipped: no ticket line and no blank for it (the user may have none).
        expect(b.complaint?.demandLetter).not.toContain('ticket');
        expect(b.complaint?.complaint12315Zh).toContain(
          '被投诉方：Shady Cards Ltd（网址：http://shady.example.com/）',
        );
        expect(b.complaint?.complaint12315Zh).toContain('5.00 USD');
      } else {
        expect(b.complaint?.demandLetter).toContain('此前联系客服的工单号：T-7788');
        expect(b.complaint?.complaint12315Zh).toBeUndefined();
      }
      expect(b.caseKind).toBe('noNotice');
      expect(b.timeZone).toBe('Asia/Shanghai');
      expect(b.verifyUrl).toBe(`https://cancelmate.example.org/v/${b.id}`);
      // The receipt covers the whole transcript up to the final message, and its chain head is the stored one.
      const stored = t.app.store.transcript(b.conversation);
      expect(b.transcript).toEqual(stored.slice(0, b.transcript.length));
      expect(b.chainHead).toBe(b.transcript.at(-1)?.hash);
      // Link to the receipt page with its secret token.
      expect(withReceipt?.text).toContain(
        `https://cancelmate.example.org/receipts/${b.id}?t=${withReceipt?.receipt?.token}`,
      );
      expect(t.app.receipts.find(b.id, withReceipt?.receipt?.token ?? '')).toEqual(receipt);
      expect(t.app.receipts.find(b.id, 'wrong-token')).toBeUndefined();
    });
  }

  it('issues a receipt on demand at any step, keeping the question and its choices last', async () => {
    const t = testApp();
    cleanups.push(t.cleanup);
    await run(t.app, ['/start', '1', '爱奇艺', '1', 'App']);
    const replies = await say(t.app, { channel: 'test', userId: 'u1', messageId: 'r1', text: '收据' });
    expect(replies).toHaveLength(2);
    expect(replies[0]?.text).toContain('【爱奇艺 VIP · App】');
    expect(replies[0]?.choices).toBeUndefined();
    expect(replies[1]?.receipt).toBeDefined();
    expect(replies[1]?.choices?.map((c) => c.id)).toContain('blocked');
    const receipt = JSON.parse(replies[1]?.attachments?.[1]?.content ?? '') as Receipt;
    expect(receipt.body.paths).toEqual([
      expect.objectContaining({
        platform: '爱奇艺 VIP',
        channel: 'App',
        verified: '2026-11-25',
        unverified: false,
      }),
    ]);
    expect(receipt.body.chosen).toMatchObject({ platform: '爱奇艺 VIP', channel: 'App' });
    // A retry of the same message returns the same receipt, not a second one.
    const again = await say(t.app, { channel: 'test', userId: 'u1', messageId: 'r1', text: '收据' });
    expect(again).toEqual(replies);
    expect(t.app.db.prepare('SELECT count(*) AS n FROM receipts').get()).toEqual({ n: 1 });
  });
});

describe('the user’s data', () => {
  it('"my data" returns everything stored, as JSON in the chat and as a file', async () => {
    const t = testApp();
    cleanups.push(t.cleanup);
    await run(t.app, WRONGFUL_WITH_FACTS.zh);
    const replies = await say(t.app, { channel: 'test', userId: 'u1', messageId: 'd1', text: '我的数据' });
    const data = replies.at(-1);
    expect(data?.text).toContain('这是我保存的关于你的全部数据');
    const file = JSON.parse(data?.attachments?.[0]?.content ?? '{}');
    expect(file.state.answersAndFacts).toMatchObject({
      fact_merchant: '某某卡盟',
      fact_order: 'A20261103001',
    });
    expect(file.transcript.length).toBeGreaterThan(30);
    expect(file.receipts).toHaveLength(1);
    expect(data?.choices?.map((c) => c.id)).toEqual(['_restart']);
  });

  it('"forget me" asks once, then deletes every row about the user and leaves others intact', async () => {
    const t = testApp();
    cleanups.push(t.cleanup);
    const all = await run(t.app, WRONGFUL_WITH_FACTS.zh, 'alice');
    await run(t.app, ['/start', '1', '1'], 'bob');
    const alice = t.app.engine.conversationOf('test', 'alice');
    const bob = t.app.engine.conversationOf('test', 'bob');
    const bobBefore = rows(t.app, bob);

    const ask = await say(t.app, {
      channel: 'test',
      userId: 'alice',
      messageId: 'f1',
      text: '删除我的数据',
    });
    expect(ask[0]?.text).toContain('确定要删除');
    expect(ask[0]?.choices?.map((c) => c.id)).toEqual(['_forget_yes', '_forget_no']);
    // Anything but "yes" keeps everything.
    const kept = await say(t.app, { channel: 'test', userId: 'alice', messageId: 'f2', text: '算了' });
    expect(kept[0]?.text).toContain('什么都没有删除');
    expect(rows(t.app, alice).conversations).toEqual({ n: 1 });

    const ask2 = await say(t.app, { channel: 'test', userId: 'alice', messageId: 'f3', text: '/forget' });
    const done = await say(t.app, {
      channel: 'test',
      userId: 'alice',
      messageId: 'f4',
      choice: '_forget_yes',
      turn: ask2[0]?.turn,
    });
    expect(done[0]?.text).toContain('已删除');
    expect(rows(t.app, alice)).toEqual({
      conversations: { n: 0 },
      transcript: { n: 0 },
      processed: { n: 0 },
      receipts: { n: 0 },
    });
    expect(rows(t.app, bob)).toEqual(bobBefore);

    // The receipt handed out before stays verifiable offline.
    const file = all.at(-1)?.find((r) => r.receipt)?.attachments?.[1]?.content ?? '';
    expect(verifyReceipt(JSON.parse(file), publicKeyFromPem(t.app.keys.publicKeyPem))).toMatchObject({
      ok: true,
    });
  });

  it('purges conversations untouched for RETENTION_DAYS, by the injected clock', async () => {
    let now = new Date('2026-01-01T00:00:00Z');
    const t = testApp({ RETENTION_DAYS: '30' }, { clock: () => now });
    cleanups.push(t.cleanup);
    await run(t.app, ['/start', '1'], 'old');
    now = new Date('2026-01-25T00:00:00Z');
    await run(t.app, ['/start', '1'], 'recent');
    now = new Date('2026-02-05T00:00:00Z');
    expect(t.app.purge()).toMatchObject({ conversations: 1 });
    expect(rows(t.app, t.app.engine.conversationOf('test', 'old')).conversations).toEqual({ n: 0 });
    expect(rows(t.app, t.app.engine.conversationOf('test', 'recent')).conversations).toEqual({ n: 1 });
    expect(t.app.purge()).toEqual({ conversations: 0, processed: 0 });
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
    const t = testApp();
    cleanups.push(t.cleanup);
    const config = loadConfig({
      DATA_DIR: t.dataDir,
      FLOWS_DIR: join(ROOT, 'flows'),
      LOCALES_DIR: join(ROOT, 'locales'),
      PUBLIC_URL: 'https://cancelmate.example.org',
    });
    t.app.close();
    const app = createApp(config, { logger: createLogger('trace', sink) });
    cleanups.push(() => app.close());
    const all: Reply[][] = [];
    for (const [i, text] of WRONGFUL_WITH_FACTS.zh.entries())
      all.push(await say(app, { channel: 'telegram', userId: '987654321', messageId: `m${i}`, text }));
    // Force an error path too.
    const original = app.store.append.bind(app.store);
    app.store.append = () => {
      throw new Error('disk full');
    };
    await say(app, {
      channel: 'telegram',
      userId: '987654321',
      messageId: 'boom',
      text: '某某卡盟 A20261103001',
    });
    app.store.append = original;

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
