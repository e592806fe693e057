import { afterEach, describe, expect, it } from 'vitest';
import type { Inbound, Reply } from '../../src/dialogue/types.ts';
import { publicKeyFromPem } from '../../src/receipts/keys.ts';
import type { Receipt } from '../../src/receipts/types.ts';
import { extractReceipt, verifyReceipt } from '../../src/receipts/verify.ts';
import { type TestApp, testApp } from '../support/app.ts';
import { FACTS_AS_KEPT, WRONGFUL_WITH_FACTS } from '../support/scripts.ts';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

async function run(
  app: TestApp['app'],
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
async function say(app: TestApp['app'], inbound: Inbound): Promise<Reply[]> {
  return (await app.engine.handle(inbound)).replies;
}

describe('receipts issued by the engine', () => {
  for (const lang of ['zh', 'en'] as const) {
    it(`the wrongful-deduction path with facts ends in a signed, verifiable receipt (${lang})`, async () => {
      const t = await testApp({ PUBLIC_URL: 'https://cancelmate.example.org' });
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
          '被投诉方：Shady Cards Ltd（网址：shady.example.com）',
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
      const stored = (await t.app.engine.history('test', 'u1')).entries;
      expect(b.transcript).toEqual(stored.slice(0, b.transcript.length));
      expect(b.chainHead).toBe(b.transcript.at(-1)?.hash);
      // Link to the receipt page with its secret token.
      expect(withReceipt?.text).toContain(
        `https://cancelmate.example.org/receipts/${b.id}?t=${withReceipt?.receipt?.token}`,
      );
      expect(await t.app.engine.receiptByToken(b.id, withReceipt?.receipt?.token ?? '')).toEqual(receipt);
      expect(await t.app.engine.receiptByToken(b.id, 'wrong-token')).toBeUndefined();
    });
  }

  it('issues a receipt on demand at any step, keeping the question and its choices last', async () => {
    const t = await testApp();
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
        // Compiled from public guides, not followed by anyone: the receipt must not call it checked.
        unverified: true,
      }),
    ]);
    expect(receipt.body.paths[0]?.verified).toBeUndefined();
    expect(receipt.body.chosen).toMatchObject({ platform: '爱奇艺 VIP', channel: 'App' });
    // A retry of the same message returns the same receipt, not a second one.
    const again = await say(t.app, { channel: 'test', userId: 'u1', messageId: 'r1', text: '收据' });
    expect(again).toEqual(replies);
    expect(t.sql('SELECT count(*) AS n FROM receipts')).toEqual([{ n: 1 }]);
  });
});
