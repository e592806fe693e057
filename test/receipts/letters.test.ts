import { describe, expect, it } from 'vitest';
import { expectGroundsShown, walk } from './walk.ts';

// Issue 8: for each kind of case, the letter and the 12315 text state the user's facts, leave blanks for what
// was not given, cite only grounds the guide showed for that case, and state nothing the user did not say.
// Every walk runs through the real engine and the real flows.

/** Facts typed in order: merchant, url, order, amount, date, ticket (`#skip` skips one). */
const SOME_FACTS = ['某某卡盟', '#skip', 'A20261103001', '¥39.9', '2026-11-03', '#skip'];
const NO_FACTS = ['#skip', '#skip', '#skip', '#skip', '#skip', '#skip'];
const TO_LETTERS = ['#personal', '#yes'];

function texts(w: Awaited<ReturnType<typeof walk>>) {
  const [demand, c12315, zh] = w.letters.map((l) => l.text);
  expect(demand, 'a demand letter').toBeDefined();
  expect(c12315, 'a 12315 text').toBeDefined();
  return { demand: demand ?? '', c12315: c12315 ?? '', zh, both: `${demand}\n${c12315}` };
}

describe('letters follow the case (Chinese)', () => {
  it('auto-renewal charged with no reminder: the facts, blanks, its grounds and both demands', async () => {
    const w = await walk('zh-CN', [
      '#refund',
      '#kamen',
      '#autorenew',
      '#chose',
      '#no',
      '#escalate',
      ...TO_LETTERS,
      ...SOME_FACTS,
    ]);
    const { demand, c12315, both } = texts(w);
    expect(w.letters.map((l) => l.title)).toEqual(['给商家的书面要求', '12315 投诉文本']);
    for (const fact of ['某某卡盟', 'A20261103001', '39.90 CNY', '2026-11-03'])
      expect(both, fact).toContain(fact);
    expect(demand).toContain('致 某某卡盟（网址：【请填写：网址】）');
    expect(demand).toContain('【请填写：账号 ID 或注册手机号】');
    expect(demand).toContain(
      '扣款前，本人没有收到贵方以显著方式（短信、App 推送、站内信或弹窗）发出的续费提醒。',
    );
    expect(demand).toContain('1. 立即取消本人账户的自动续费协议');
    expect(demand).toContain('2. 退还未经显著提醒扣走的 39.90 CNY。');
    expect(demand).toContain('《消费者权益保护法实施条例》第十条第二款');
    expect(demand).toContain('《民法典》第九百八十五条');
    expectGroundsShown(demand, w.guide);
    expectGroundsShown(c12315, w.guide);
    // Nothing the user did not report: no "no refunds" term, no pre-ticking, no ticket, no non-delivery.
    for (const unsaid of ['概不退费', '默认勾选', '工单号', '第五十三条', '第二十六条'])
      expect(both, unsaid).not.toContain(unsaid);
    // The merchant letter is the first step: the 12315 text leaves the dealings with the merchant blank.
    expect(c12315).toContain('与商家交涉的情况：【请填写：');
    expect(c12315).not.toMatch(/已向商家提出|未获解决/);
    expect(c12315).toContain('被投诉方：某某卡盟（网址：【请填写：网址】）');
    expect(c12315).toContain('投诉问题：未经显著提醒的自动续费扣款。');
    // Dated with the user's own calendar day.
    expect(demand).toMatch(/日期：\d{4}-\d{2}-\d{2}$/);
  });

  it('"不记得" is never turned into "no reminder": the letter asks for the reminder records instead', async () => {
    const w = await walk('zh-CN', [
      '#refund',
      '#kamen',
      '#autorenew',
      '#unsure',
      '#unsure',
      '#escalate',
      ...TO_LETTERS,
      ...SOME_FACTS,
    ]);
    const { demand, c12315, both } = texts(w);
    expect(demand).toContain('本人不记得扣款前收到过贵方以显著方式发出的续费提醒。');
    expect(demand).toContain(
      '提供扣款前以显著方式提醒本人的记录（发送时间、方式和内容）；不能提供的，退还该笔扣款 39.90 CNY。',
    );
    for (const unsaid of ['没有收到', '未以显著方式提醒', '擅自扣费', '未经显著提醒', '默认勾选'])
      expect(both, unsaid).not.toContain(unsaid);
    expectGroundsShown(demand, w.guide);
    expectGroundsShown(c12315, w.guide);
  });

  it('notified, but the renewal was pre-ticked: states the pre-ticking with its grounds, no notice claim', async () => {
    const w = await walk('zh-CN', [
      '#refund',
      '#kamen',
      '#autorenew',
      '#preticked',
      '#go_on',
      '#yes',
      '#escalate',
      ...TO_LETTERS,
      ...SOME_FACTS,
    ]);
    const { demand, c12315, both } = texts(w);
    expect(demand).toContain('开通时，自动续费选项是默认勾选的。');
    expect(demand).toContain('《电子商务法》第十九条；《网络交易监督管理办法》第十七条');
    expect(demand).toContain('就退还该笔扣款 39.90 CNY 与本人协商。');
    for (const unsaid of ['没有收到', '不记得', '未经显著提醒', '第九百八十五条'])
      expect(both, unsaid).not.toContain(unsaid);
    expectGroundsShown(demand, w.guide);
    expectGroundsShown(c12315, w.guide);
  });

  it('one-off purchase, "just want a refund": no auto-renewal demand, no grounds the user did not give', async () => {
    const w = await walk('zh-CN', [
      '#refund',
      '#kamen',
      '#oneoff',
      '#escalate',
      '#other',
      ...TO_LETTERS,
      ...SOME_FACTS,
    ]);
    const { demand, both } = texts(w);
    expect(demand).toContain('2026-11-03，本人向贵方支付 39.90 CNY，一次性购买了会员。');
    expect(demand).toContain('就退还 39.90 CNY，或者把剩余权益转换为其他等值的服务，与本人协商。');
    // The guide said the seven-day return does not apply: the letter does not cite it (nor anything unreported).
    for (const unsaid of ['自动续费', '第二十五条', '第十九条', '第五十三条', '第二十六条', '依据：'])
      expect(both, unsaid).not.toContain(unsaid);
    expect(w.guide).toContain('《消费者权益保护法》第二十五条');
  });

  it('one-off purchase refused under a "no refunds" term: cites the unfair-terms grounds the guide showed', async () => {
    const w = await walk('zh-CN', [
      '#refund',
      '#kamen',
      '#oneoff',
      '#escalate',
      '#norefund',
      ...TO_LETTERS,
      ...SOME_FACTS,
    ]);
    const { demand } = texts(w);
    expect(demand).toContain('本人要求退款，贵方以「概不退费」等条款拒绝。');
    expect(demand).toContain('《消费者权益保护法》第二十六条；《民法典》第四百九十七条');
    expect(demand).toContain('《民法典》第四百九十六条');
    expect(demand).toContain('退还 39.90 CNY，不以「概不退费」等条款拒绝。');
    expect(demand).not.toContain('自动续费');
    expectGroundsShown(demand, w.guide);
  });

  it('lifetime membership not delivered as agreed (from the cancel path): 消法第五十三条 and a blank for the details', async () => {
    const w = await walk('zh-CN', [
      '#cancel',
      '#kamen',
      '#lifetime',
      '#escalate',
      '#notdelivered',
      ...TO_LETTERS,
      ...SOME_FACTS,
    ]);
    const { demand, c12315, both } = texts(w);
    expect(demand).toContain('事由：永久会员退款');
    expect(demand).toContain('一次性购买了永久会员');
    expect(demand).toContain('服务没有按约定提供：【请填写：约定的服务内容和实际提供的情况】');
    expect(demand).toContain('按约定提供服务，或者退还预付款 39.90 CNY。');
    expect(demand).toContain('《消费者权益保护法》第五十三条');
    expect(both).not.toContain('自动续费');
    expectGroundsShown(demand, w.guide);
    expectGroundsShown(c12315, w.guide);
  });

  it('paid but not delivered: named as such, with the ground the guide had just cited', async () => {
    const w = await walk('zh-CN', [
      '#refund',
      '#tencent_video',
      '#notdelivered',
      '#escalate',
      ...TO_LETTERS,
      ...NO_FACTS,
    ]);
    const { demand, c12315, both } = texts(w);
    expect(c12315).toContain('投诉问题：已付款但未按约定提供服务。');
    expect(demand).toContain('所涉会员：腾讯视频 VIP。');
    expect(demand).toContain('《消费者权益保护法》第五十三条');
    // Nothing given: every fact is a blank.
    for (const blank of [
      '【请填写：商家名称】',
      '【请填写：网址】',
      '【请填写：订单号】',
      '【请填写：金额】',
      '【请填写：日期】',
    ])
      expect(demand, blank).toContain(blank);
    expect(both).not.toContain('自动续费');
    expect(both).not.toContain('会员取消和退款纠纷');
    expectGroundsShown(demand, w.guide);
  });

  it('cancellation blocked by a fee and a refusing support: states both obstacles, asks to cancel without the fee', async () => {
    const w = await walk('zh-CN', [
      '#cancel',
      '#kamen',
      '#auto',
      '#website',
      '#blocked',
      '#fee',
      '#other',
      '#support',
      '#blocked',
      '#refuses',
      '#escalate',
      ...TO_LETTERS,
      '某某卡盟',
      '#skip',
      '#skip',
      '#skip',
      '#skip',
      'T-7788',
    ]);
    const { demand, c12315, both } = texts(w);
    expect(demand).toContain('事由：无法取消自动续费');
    expect(demand).toContain('贵方要求本人先交违约金或补交优惠差价，才能取消自动续费。');
    expect(demand).toContain('本人联系客服要求取消，客服拒绝，或一直挽留而不予办理。');
    expect(demand).toContain('2. 不以交违约金或补交优惠差价作为取消的条件。');
    expect(demand).toContain('《网络交易监督管理办法》第十八条；《消费者权益保护法》第二十六条');
    expect(demand).toContain('此前联系客服的工单号：T-7788');
    expect(c12315).toContain('本人联系过该商家的客服，工单号 T-7788。');
    // No charge was reported, so none is stated, and no refund is demanded.
    for (const unsaid of ['账户被扣款', '退还', '第五十六条', '概不退费'])
      expect(both, unsaid).not.toContain(unsaid);
    expectGroundsShown(demand, w.guide);
    expectGroundsShown(c12315, w.guide);
    expect(w.guide).toContain('可以主张属于收取不合理费用');
  });

  it('fixed-term, checking for a hidden auto-renewal and blocked: speaks of a possible renewal, never of one as fact', async () => {
    const path = [
      '#cancel',
      '#kamen',
      '#fixed',
      '#check_renew',
      '#website',
      '#blocked',
      '#nobutton',
      '#escalate',
    ];
    const w = await walk('zh-CN', [...path, ...TO_LETTERS, ...NO_FACTS]);
    const { demand, c12315, both } = texts(w);
    expect(w.guide).toContain('没有自动续费可以「取消」');
    expect(demand).toContain('事由：无法确认和取消可能存在的自动续费');
    expect(both).toContain('本人购买的是一次付清的会员，想确认其中有没有暗藏的自动续费，并把它取消。');
    expect(demand).toContain('1. 书面说明本人账户有没有自动续费协议；有的，立即取消');
    expect(both).not.toContain('立即取消本人账户的自动续费协议');
    expect(demand).not.toContain('事由：无法取消自动续费');
    expectGroundsShown(demand, w.guide);
    expectGroundsShown(c12315, w.guide);
    const en = await walk('en', [...path, ...TO_LETTERS, ...NO_FACTS]);
    const [enDemand] = en.letters.map((l) => l.text);
    expect(enDemand).toContain('a possible auto-renewal cannot be checked or cancelled');
    expect(enDemand).toContain('State in writing whether my account has an auto-renewal agreement');
  });

  it('bought to resell: the 12315 text says so and warns, the demand letter does not threaten 12315', async () => {
    const w = await walk('zh-CN', [
      '#refund',
      '#kamen',
      '#autorenew',
      '#chose',
      '#no',
      '#escalate',
      '#resale',
      '#go_on',
      '#yes',
      ...SOME_FACTS,
    ]);
    const { demand, c12315 } = texts(w);
    expect(w.guide).toContain('12315 可能不予受理');
    expect(c12315).toContain('说明：本人购买该会员是为了转卖或做代理。');
    expect(c12315).toContain(
      '（提示：为转卖、经营购买的，可能不属于「为生活消费需要」，12315 可能不予受理。）',
    );
    expect(demand).toContain('逾期未获答复，本人将向支付渠道投诉，或依法另行主张权利。');
    expect(demand).not.toContain('12315');
    expect(demand).not.toContain('转卖');
  });
});

describe('letters follow the case (English mode: English letters, and the Chinese 12315 text to file)', () => {
  const EN_FACTS = ['Shady Cards Ltd', '#skip', 'A20261103001', '39.9', '2026-11-03', '#skip'];
  const ZH_SUBJECT: Record<string, string> = {
    unsureNotice: '投诉问题：自动续费扣款',
    notified: '投诉问题：自动续费扣款',
    oneoff: '一次性购买的会员退款',
    lifetime: '永久会员退款',
    blocked: '无法取消自动续费',
  };
  const cases: { kind: keyof typeof ZH_SUBJECT | 'resale'; path: string[]; re: string; unsaid: string[] }[] =
    [
      {
        kind: 'unsureNotice',
        path: ['#refund', '#kamen', '#autorenew', '#unsure', '#unsure', '#escalate', ...TO_LETTERS],
        re: 'Re: an auto-renewal charge',
        unsaid: ['without a prominent reminder', 'did not receive', 'pre-ticked'],
      },
      {
        kind: 'notified',
        path: ['#refund', '#kamen', '#autorenew', '#preticked', '#go_on', '#yes', '#escalate', ...TO_LETTERS],
        re: 'Re: an auto-renewal charge',
        unsaid: ['without a prominent reminder', 'do not remember'],
      },
      {
        kind: 'oneoff',
        path: ['#refund', '#kamen', '#oneoff', '#escalate', '#other', ...TO_LETTERS],
        re: 'Re: a refund for a membership bought once',
        unsaid: ['auto-renewal', 'Grounds:'],
      },
      {
        kind: 'lifetime',
        path: ['#cancel', '#kamen', '#lifetime', '#escalate', '#notdelivered', ...TO_LETTERS],
        re: 'Re: a refund for a lifetime membership',
        unsaid: ['auto-renewal'],
      },
      {
        kind: 'blocked',
        path: ['#cancel', '#kamen', '#auto', '#website', '#blocked', '#fee', '#escalate', ...TO_LETTERS],
        re: 'Re: the auto-renewal cannot be cancelled',
        unsaid: ['refund'],
      },
      {
        kind: 'resale',
        path: ['#refund', '#kamen', '#autorenew', '#chose', '#no', '#escalate', '#resale', '#go_on', '#yes'],
        re: 'Re: an auto-renewal charge taken without a prominent reminder',
        unsaid: [],
      },
    ];

  for (const c of cases)
    it(`${c.kind}: the facts given, blanks for the rest, the guide's grounds, and the Chinese text`, async () => {
      const w = await walk('en', [...c.path, ...EN_FACTS]);
      expect(w.letters.map((l) => l.title)).toEqual([
        'Written demand to the merchant',
        'Complaint text for 12315',
        'Complaint text for 12315, in Chinese (12315 takes Chinese: file this one)',
      ]);
      const { demand, c12315, zh } = texts(w);
      for (const text of [demand, c12315, zh ?? ''])
        for (const fact of ['Shady Cards Ltd', 'A20261103001', '2026-11-03'])
          expect(text, fact).toContain(fact);
      expect(demand).toContain(c.re);
      expect(demand).toContain('(website: [fill in: ');
      expect(zh).toContain('被投诉方：Shady Cards Ltd（网址：【请填写：网址】）');
      if (c.kind !== 'resale') expect(zh).toContain(ZH_SUBJECT[c.kind]);
      else expect(zh).toContain('说明：本人购买该会员是为了转卖或做代理。');
      for (const unsaid of c.unsaid) expect(demand, unsaid).not.toContain(unsaid);
      expect(zh).not.toMatch(/[A-Za-z]{4,} [a-z]{3,} [a-z]{3,}/u); // no English sentence in the Chinese text
      expectGroundsShown(demand, w.guide);
      expectGroundsShown(c12315, w.guide);
    });
});
