import { describe, expect, it } from 'vitest';
import { expectGroundsShown, groundLines, walk } from './walk.ts';

// Issue 8, continued from letters.test.ts: English letters with the Chinese 12315 text, one local date, and
// receipts whose title, claims and legal notes fit the case. Every walk runs through the real engine.

/** Facts typed in order: merchant, url, order, amount, date, ticket (`#skip` skips one). */
const NO_FACTS = ['#skip', '#skip', '#skip', '#skip', '#skip', '#skip'];
const TO_LETTERS = ['#personal', '#yes'];

function texts(w: Awaited<ReturnType<typeof walk>>) {
  const [demand, c12315, zh] = w.letters.map((l) => l.text);
  expect(demand, 'a demand letter').toBeDefined();
  expect(c12315, 'a 12315 text').toBeDefined();
  return { demand: demand ?? '', c12315: c12315 ?? '', zh, both: `${demand}\n${c12315}` };
}

describe('one date for the user', () => {
  it('dates the letters, the receipt id and the receipt in Beijing time, also just after midnight there', async () => {
    // 16:30 UTC on the 24th is 00:30 on the 25th in Beijing.
    const clock = () => new Date('2026-11-24T16:30:00Z');
    const w = await walk(
      'zh-CN',
      [
        '#refund',
        '#kamen',
        '#notdelivered',
        '#escalate',
        ...TO_LETTERS,
        ...NO_FACTS,
        '#go_on',
        '#go_on',
        '#go_on',
        '#go_on',
        '#done',
      ],
      {},
      clock,
    );
    const { demand } = texts(w);
    expect(demand).toMatch(/日期：2026-11-25$/);
    expect(w.receipt?.body.id).toMatch(/^R-20261125-[0-9A-F]{8}$/);
    expect(w.receipt?.body.complaint?.demandLetter).toMatch(/日期：2026-11-25$/);
    expect(w.receipt?.body.timeZone).toBe('Asia/Shanghai');
  });
});

describe('letters follow the case (English)', () => {
  it('English users get both texts in English and the 12315 text in Chinese, each from the same case', async () => {
    const w = await walk('en', [
      '#refund',
      '#kamen',
      '#autorenew',
      '#unsure',
      '#no',
      '#escalate',
      ...TO_LETTERS,
      'Shady Cards Ltd',
      'shady.example.com',
      '#skip',
      '$5',
      '2026-11-02',
      '#skip',
    ]);
    expect(w.letters.map((l) => l.title)).toEqual([
      'Written demand to the merchant',
      'Complaint text for 12315',
      'Complaint text for 12315, in Chinese (12315 takes Chinese: file this one)',
    ]);
    const { demand, c12315, zh } = texts(w);
    expect(demand).toContain('To Shady Cards Ltd (website: shady.example.com):');
    expect(demand).toContain('On 2026-11-02 you charged 5.00 USD to my account as an automatic renewal.');
    expect(demand).toContain('Before the charge I received no prominent renewal reminder');
    expect(demand).toContain('order number [fill in: order number]');
    expect(c12315).toContain('Respondent: Shady Cards Ltd');
    expect(c12315).toContain('Dealings with the merchant so far: [fill in:');
    expectGroundsShown(demand, w.guide);
    // The Chinese 12315 text: the same facts and blanks, in Chinese, with the Chinese citations.
    expect(zh).toContain('被投诉方：Shady Cards Ltd（网址：shady.example.com）');
    expect(zh).toContain('2026-11-02，该商家以自动续费方式从本人账户扣款 5.00 USD。');
    expect(zh).toContain('订单号 【请填写：订单号】');
    expect(zh).toContain('《消费者权益保护法实施条例》第十条第二款');
    expect(zh).toContain('与商家交涉的情况：【请填写：');
    expect(groundLines(zh ?? '')).toHaveLength(groundLines(c12315).length);
    for (const text of [demand, c12315, zh ?? '']) {
      expect(text).not.toMatch(/no refunds|概不退费|pre-ticked|默认勾选|ticket|工单号/);
      expect(text).not.toMatch(/I asked the merchant|已向商家提出/);
    }
  });
});

describe('receipts follow the case', () => {
  it('a red-flag receipt: the payment and bank-dispute routes were shown, no 12315 time limits, no letters', async () => {
    const w = await walk('zh-CN', [
      '#redflag',
      '#gone',
      '#money',
      '#payment',
      '#notlisted',
      '#evidence',
      '#done',
    ]);
    // The red-flag branch reaches the payment complaint and the route for a charge in no list.
    for (const route of ['投诉商户', '12363', '《电子商务法》第五十七条', '发卡行', '96110'])
      expect(w.guide, route).toContain(route);
    const b = w.receipt?.body;
    expect(b?.caseKind).toBe('redflag');
    expect(b?.complaint).toBeUndefined();
    const rights = JSON.stringify(b?.rights);
    expect(rights).toContain('提前 30 日公示');
    expect(rights).not.toContain('第四十六条');
    expect(rights).not.toContain('7 个工作日');
    expect(b?.evidence[0]).toContain('ICP 备案号');
    expect(w.receiptHtml).toContain('<h1>疑似诈骗求助收据</h1>');
    expect(w.receiptHtml).not.toContain('7 个工作日');
    expect(w.receiptHtml).not.toContain('起草好的投诉文本');
  });

  it('a cancellation receipt claims only what it holds, and 「先到这里」 says it ends with a receipt', async () => {
    const w = await walk('zh-CN', ['#cancel', '#tencent_video', '#auto', '#app', '#worked', '#done']);
    expect(w.labels).toContain('没有了，结束并生成收据');
    const html = w.receiptHtml ?? '';
    expect(html).toContain('<h1>会员取消收据</h1>');
    const intro = /<p class="muted">(本收据[^<]*)<\/p>/.exec(html)?.[1];
    expect(intro).toBe(
      '本收据记录你与会员取消助手的完整对话，以及助手给出的取消步骤及其来源，带有数字签名，可以核验是否被改动过。',
    );
    expect(w.receiptText).toContain('会员取消收据 R-');
    expect(w.receiptText).not.toMatch(/你提供的事实|投诉文本|回执|npm/);
    expect(w.receipt?.body.complaint).toBeUndefined();
    expect(w.receipt?.body.chosen.platform).toBe('腾讯视频 VIP');
  });

  it('the refund path names the platform in the receipt (no 「未记录」)', async () => {
    const w = await walk('zh-CN', ['#refund', '#iqiyi', '#autorenew', '#chose', '#no', '#done']);
    expect(w.labels).toContain('先到这里（结束并生成收据）');
    expect(w.receipt?.body.chosen.platform).toBe('爱奇艺 VIP');
    expect(w.receipt?.body.complaint?.demandLetter).toContain('所涉会员：爱奇艺 VIP。');
    expect(w.receiptText).toContain('平台：爱奇艺 VIP');
    expect(w.receiptText).not.toContain('未记录');
    expect(w.receiptHtml).toContain('<h1>退款交涉收据</h1>');
  });

  it('a charge in no payment list, escalated: the letters it showed (mostly blanks) are in the receipt too', async () => {
    const w = await walk('zh-CN', [
      '#cancel',
      '#kamen',
      '#auto',
      '#payment',
      '#notlisted',
      '#escalate',
      '#personal',
      '#yes',
      '某某卡盟',
      '#skip',
      '#skip',
      '¥12',
      '#skip',
      '#skip',
      '#go_on',
      '#go_on',
      '#go_on',
      '#go_on',
      '#done',
    ]);
    const [demand] = w.letters.map((l) => l.text);
    expect(demand).toContain('事由：【请填写：问题】');
    expect(demand).toContain('【请填写：日期】，本人账户被扣款 12.00 CNY。');
    expect(demand).toContain('1. 【请填写：你的要求】');
    expect(demand).not.toContain('依据：');
    expect(w.receipt?.body.caseKind).toBe('general');
    expect(w.receipt?.body.complaint?.demandLetter).toBe(demand);
  });
});
