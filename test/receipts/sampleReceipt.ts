import type { Lang } from '../../src/i18n/lang.ts';
import {
  chainEntry,
  GENESIS,
  type TranscriptContent,
  type TranscriptEntry,
} from '../../src/receipts/transcriptChain.ts';
import type { ReceiptBody } from '../../src/receipts/types.ts';

/**
 * Links transcript contents into a hash chain, numbering them 1..n.
 *
 * @example
 * const entries = buildTranscript([{ at: '2026-11-25T01:00:00.000Z', dir: 'in', text: '你好' }]);
 */
export function buildTranscript(contents: Omit<TranscriptContent, 'seq'>[]): TranscriptEntry[] {
  const entries: TranscriptEntry[] = [];
  let prev = GENESIS;
  for (const [i, c] of contents.entries()) {
    const e = chainEntry(prev, { ...c, seq: i + 1 });
    entries.push(e);
    prev = e.hash;
  }
  return entries;
}

const at = (minute: number, second = 0) =>
  `2026-11-25T01:${String(minute).padStart(2, '0')}:${String(second).padStart(2, '0')}.000Z`;

const ZH_TURNS: Omit<TranscriptContent, 'seq'>[] = [
  { at: at(0), dir: 'in', text: '你好，我想取消卡盟网站上的自动续费会员' },
  {
    at: at(0, 2),
    dir: 'out',
    text: '您好，我是会员取消助手（不是商家），不会索要密码或支付密码。会员是在哪里买的？',
    choices: ['卡盟网站', '视频/音乐 App', '不确定'],
  },
  { at: at(1), dir: 'in', text: '1' },
  { at: at(1, 2), dir: 'out', text: '是哪种会员？', choices: ['自动续费', '固定期限', '终身', '不确定'] },
  { at: at(2), dir: 'in', text: '自动续费' },
  {
    at: at(2, 3),
    dir: 'out',
    text: '在网站上取消：\n1. 个人中心 → 我的订单\n2. 管理 → 续费设置\n3. 取消自动续费（可能需要短信验证）',
  },
  { at: at(6), dir: 'in', text: '按钮是灰的，点不了' },
  {
    at: at(6, 4),
    dir: 'out',
    text: '可以在支付渠道关闭扣费：微信 我 → 服务 → 钱包 → 支付设置 → 自动续费 → 关闭扣费服务。',
  },
  { at: at(9), dir: 'in', text: '订单号 KM20261101-8842，扣了 198 元，没收到提醒' },
  { at: at(9, 5), dir: 'out', text: '已记录。这是您的收据。' },
];

const EN_TURNS: Omit<TranscriptContent, 'seq'>[] = [
  { at: at(0), dir: 'in', text: 'Hi, I want to stop an auto-renewing membership from a card site' },
  {
    at: at(0, 2),
    dir: 'out',
    text: "I'm CancelMate (not the merchant) and I never ask for passwords. Where did you buy it?",
    choices: ['The card site', 'A video/music app', 'Not sure'],
  },
  { at: at(1), dir: 'in', text: '1' },
  {
    at: at(1, 3),
    dir: 'out',
    text: 'Open Account → My orders → Manage → Renewal settings → Cancel auto-renewal.',
  },
  { at: at(5), dir: 'in', text: 'It worked, order KM20261101-8842, 198 CNY' },
  { at: at(5, 2), dir: 'out', text: 'Noted. Here is your receipt.' },
];

/**
 * A realistic receipt body in `lang`, with a valid transcript chain and chain head. `overrides` replaces
 * top-level members (the chain head is recomputed only when `transcript` is overridden and `chainHead` is not).
 *
 * @example
 * const body = sampleBody('zh-CN', { facts: { merchant: '</script>' } });
 */
export function sampleBody(lang: Lang = 'zh-CN', overrides: Partial<ReceiptBody> = {}): ReceiptBody {
  const transcript = overrides.transcript ?? buildTranscript(lang === 'en' ? EN_TURNS : ZH_TURNS);
  const base: ReceiptBody = lang === 'en' ? enBody(transcript) : zhBody(transcript);
  return { ...base, ...overrides, chainHead: overrides.chainHead ?? transcript.at(-1)?.hash ?? GENESIS };
}

function zhBody(transcript: TranscriptEntry[]): ReceiptBody {
  return {
    v: 1,
    id: 'R-20261125-7Q2M',
    conversation: 'c6d1f0a9e3b24f7d8a1c5e9b0d2f4a6c',
    issuedAt: at(9, 6),
    flowVersion: 'cancel@2026-11-20.3',
    lang: 'zh-CN',
    chosen: { platform: '卡盟网站', membership: '自动续费会员', channel: '网站', payment: '微信支付' },
    paths: [
      {
        platform: '卡盟网站',
        channel: '网站',
        steps: [
          '个人中心/会员中心 → 我的订单/已购服务',
          '管理/续费设置',
          '取消自动续费（可能需要短信或密码二次验证）',
        ],
        source: 'flows/platforms/kamen.yaml',
        verified: '2026-11-01',
        unverified: false,
      },
      {
        platform: '微信支付',
        channel: '支付渠道',
        steps: ['我 → 服务 → 钱包 → 支付设置', '自动续费 → 选择项目', '关闭扣费服务'],
        source: 'shared/knowledge/rights.md',
        unverified: true,
      },
    ],
    outcome: { result: 'blocked', reason: '取消按钮是灰色的' },
    facts: {
      merchant: '某某卡盟',
      order: 'KM20261101-8842',
      amount: '198 元',
      date: '2026-11-01',
      noticeReceived: 'no',
    },
    rights: [
      {
        text: '经营者以自动续费方式提供服务的，应当在消费者接受服务前和自动续费日期前，以显著方式提请消费者注意。',
        citations: ['《消费者权益保护法实施条例》第十条第二款', '《网络交易监督管理办法》第十八条'],
      },
      {
        text: '排除或者限制消费者权利的格式条款（如"概不退费"）无效。',
        citations: ['《消费者权益保护法》第二十六条', '《民法典》第四百九十七条'],
      },
    ],
    evidence: [
      '账号 ID 和订单号',
      '支付记录（微信/支付宝/银行）',
      '自动续费设置和缺少提醒的截图',
      '聊天记录和工单号',
    ],
    complaint: {
      demandLetter:
        '某某卡盟：\n\n本人于 2026-11-01 被自动扣费 198 元（订单号 KM20261101-8842），扣费前未收到显著提醒。\n请退还该笔款项并解除自动续费协议。\n\n此致',
      complaint12315:
        '被投诉方：某某卡盟\n事实：2026-11-01 自动扣费 198 元，扣费前未收到提醒，网站取消按钮无法点击。\n诉求：退还 198 元，解除自动续费协议。',
    },
    transcript,
    chainHead: GENESIS,
  };
}

function enBody(transcript: TranscriptEntry[]): ReceiptBody {
  return {
    v: 1,
    id: 'R-20261125-K8WD',
    conversation: '0f4e2b7c9a1d3e5f6a8b0c2d4e6f8a1b',
    issuedAt: at(5, 3),
    flowVersion: 'cancel@2026-11-20.3',
    lang: 'en',
    chosen: { platform: 'Card site', membership: 'Auto-renewing', channel: 'Website' },
    paths: [
      {
        platform: 'Card site',
        channel: 'Website',
        steps: [
          'Account → My orders',
          'Manage → Renewal settings',
          'Cancel auto-renewal (may ask for SMS check)',
        ],
        source: 'flows/platforms/kamen.yaml',
        verified: '2026-11-01',
        unverified: false,
      },
    ],
    outcome: { result: 'worked' },
    facts: { order: 'KM20261101-8842', amount: '198 CNY' },
    rights: [],
    evidence: ['Screenshot of the cancelled renewal setting', 'Order number and payment record'],
    transcript,
    chainHead: GENESIS,
  };
}
