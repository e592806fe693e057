import type { Lang } from '../i18n/lang.ts';
import { DEFAULT_TIME_ZONE, formatLocalTime } from './localTime.ts';
import type { CaseFacts, ReceiptBody } from './types.ts';

/**
 * The fixed words of a rendered receipt (HTML and text), in one language. Everything else on a receipt comes
 * from its signed body. These live in code, not in locales/, on purpose: a receipt page is checked by
 * rendering it again from its signed data and comparing (src/receipts/verifyHtml.ts), so the words must not
 * change under an issued page; change them together with {@link RECEIPT_RENDER_VERSION} in renderHtml.ts.
 * The one name is 收据 / receipt, as in the chat.
 *
 * @example
 * const l: ReceiptLabels = receiptLabels('en');
 * l.verifiedOn('2026-11-01') // 'last checked 2026-11-01'
 */
export interface ReceiptLabels {
  titles: Record<'cancelled' | 'refund' | 'blocked' | 'redflag' | 'general', string>;
  intro: (holds: string[]) => string;
  holds: Record<'paths' | 'facts' | 'rights' | 'complaint', string>;
  disclaimer: string;
  summary: string;
  receiptId: string;
  issuedAt: string;
  flowVersion: string;
  platform: string;
  membership: string;
  channel: string;
  payment: string;
  outcome: string;
  outcomes: { worked: string; blocked: string };
  reason: string;
  facts: string;
  factNames: Record<keyof CaseFacts, string>;
  notice: Record<NonNullable<CaseFacts['noticeReceived']>, string>;
  noFacts: string;
  paths: string;
  source: string;
  verifiedOn: (date: string) => string;
  unverified: string;
  /** For a path compiled from public guides on `date`, not followed by us. */
  compiledOn: (date: string) => string;
  rights: string;
  rightsNote: string;
  citations: string;
  evidence: string;
  complaint: string;
  demandLetter: string;
  complaint12315: string;
  complaint12315Zh: string;
  timeline: string;
  user: string;
  guide: string;
  choicesOffered: string;
  integrity: string;
  entries: string;
  chainHead: string;
  algorithm: string;
  keyId: string;
  signature: string;
  howToVerify: string;
  verifyScan: string;
  verifyUpload: (checker: string) => string;
  verifyNoAddress: string;
  qrLabel: string;
  publicKey: string;
  print: string;
  printHint: string;
  verifyWith: string;
  none: string;
  /** Separator between a label and its value in plain text. */
  colon: string;
  /** Joins a list in running text. */
  list: (items: string[]) => string;
}

const ZH: ReceiptLabels = {
  titles: {
    cancelled: '会员取消收据',
    refund: '退款交涉收据',
    blocked: '取消受阻收据',
    redflag: '疑似诈骗求助收据',
    general: '会员取消助手对话收据',
  },
  intro: (holds) =>
    `本收据记录你与会员取消助手的完整对话${holds.length ? `，以及${joinZh(holds)}` : ''}，带有数字签名，可以核验是否被改动过。`,
  holds: {
    paths: '助手给出的取消步骤及其来源',
    facts: '你提供的信息',
    rights: '助手说明的法律规定',
    complaint: '起草好的投诉文本',
  },
  disclaimer:
    '会员取消助手不是商家，也不代表任何商家；不会索要密码或支付密码。文中的法律说明属于法律分析，不是官方认定；菜单和页面会变化，以实际页面为准。',
  summary: '概要',
  receiptId: '收据编号',
  issuedAt: '生成时间',
  flowVersion: '对话流程版本',
  platform: '平台',
  membership: '会员类型',
  channel: '取消渠道',
  payment: '支付方式',
  outcome: '结果',
  outcomes: { worked: '已取消', blocked: '未能取消' },
  reason: '原因',
  facts: '你提供的信息',
  factNames: {
    merchant: '商家',
    url: '网址',
    order: '订单号',
    amount: '金额',
    date: '日期',
    ticket: '工单号',
    noticeReceived: '续费前是否收到提醒',
  },
  notice: { yes: '收到', no: '没有收到', unsure: '不记得' },
  noFacts: '（未提供）',
  paths: '助手给出的取消步骤',
  source: '来源',
  verifiedOn: (date) => `最后核实 ${date}`,
  unverified: '尚未核实，以实际页面为准',
  compiledOn: (date) => `根据公开教程整理（${date}），尚未核实，以实际页面为准`,
  rights: '法律规定',
  rightsNote: '以下为法律分析，不是官方认定。',
  citations: '依据',
  evidence: '证据清单',
  complaint: '投诉文本',
  demandLetter: '给商家的书面要求',
  complaint12315: '12315 投诉文本',
  complaint12315Zh: '12315 投诉文本（中文）',
  timeline: '对话记录',
  user: '用户',
  guide: '助手',
  choicesOffered: '选项',
  integrity: '完整性',
  entries: '记录条数',
  chainHead: '哈希链头（SHA-256）',
  algorithm: '签名算法',
  keyId: '密钥编号',
  signature: '签名',
  howToVerify: '如何核验',
  verifyScan: '用手机扫描二维码，或打开下面的链接，可以看到签发方保存的原件和核验结果：',
  verifyUpload: (checker) => `也可以打开 ${checker}，上传本收据的网页文件或 JSON 文件核验。`,
  verifyNoAddress:
    '把本收据的网页文件或 JSON 文件原样上传到签发它的服务的核验页面（地址以 /verify 结尾），即可核验；也可以用下面的公钥离线核验签名。',
  qrLabel: '扫码核验这份收据',
  publicKey: '签发方的公钥',
  print: '打印 / 存为 PDF',
  printHint: '手机上也可以在浏览器菜单里选「打印」，或者「分享」→「存储为 PDF」。',
  verifyWith: '核验',
  none: '—',
  colon: '：',
  list: joinZh,
};

const EN: ReceiptLabels = {
  titles: {
    cancelled: 'Cancellation receipt',
    refund: 'Receipt: refund claim',
    blocked: 'Receipt: cancellation blocked',
    redflag: 'Receipt: suspected scam',
    general: 'CancelMate conversation receipt',
  },
  intro: (holds) =>
    `This receipt records your whole conversation with CancelMate${holds.length ? `, ${joinEn(holds)}` : ''}. It is digitally signed, so any change to it can be detected.`,
  holds: {
    paths: 'the cancel steps it gave with their sources',
    facts: 'the facts you provided',
    rights: 'the legal rules it explained',
    complaint: 'the complaint texts it drafted',
  },
  disclaimer:
    'CancelMate is not the merchant and does not act for any merchant; it never asks for passwords or payment codes. The legal notes are legal analysis, not an official ruling. Menus and pages change: follow what the actual page shows.',
  summary: 'Summary',
  receiptId: 'Receipt ID',
  issuedAt: 'Issued',
  flowVersion: 'Flow version',
  platform: 'Platform',
  membership: 'Membership',
  channel: 'Cancel channel',
  payment: 'Payment',
  outcome: 'Outcome',
  outcomes: { worked: 'Cancelled', blocked: 'Blocked, not cancelled' },
  reason: 'Reason',
  facts: 'Facts you provided',
  factNames: {
    merchant: 'Merchant',
    url: 'Website',
    order: 'Order no.',
    amount: 'Amount',
    date: 'Date',
    ticket: 'Ticket no.',
    noticeReceived: 'Renewal notice received',
  },
  notice: { yes: 'Yes', no: 'No', unsure: "Don't remember" },
  noFacts: '(none provided)',
  paths: 'Cancel steps shown',
  source: 'Source',
  verifiedOn: (date) => `last checked ${date}`,
  unverified: 'Not yet checked; follow what the actual page shows',
  compiledOn: (date) =>
    `Compiled from public guides (${date}); not checked by us, follow what the actual page shows`,
  rights: 'The law',
  rightsNote: 'Legal analysis, not an official ruling.',
  citations: 'Citations',
  evidence: 'Evidence checklist',
  complaint: 'Complaint texts',
  demandLetter: 'Written demand to the merchant',
  complaint12315: '12315 complaint',
  complaint12315Zh: '12315 complaint, in Chinese',
  timeline: 'Conversation',
  user: 'You',
  guide: 'CancelMate',
  choicesOffered: 'Options',
  integrity: 'Integrity',
  entries: 'Entries',
  chainHead: 'Hash chain head (SHA-256)',
  algorithm: 'Algorithm',
  keyId: 'Key ID',
  signature: 'Signature',
  howToVerify: 'How to check this receipt',
  verifyScan:
    'Scan the QR code with a phone, or open the link below, to see the original kept by the issuer and the result of the check:',
  verifyUpload: (checker) => `You can also open ${checker} and upload this receipt's web page or JSON file.`,
  verifyNoAddress:
    "Upload this receipt's web page or JSON file, unchanged, to the check page (its address ends in /verify) of the service that issued it; or check the signature offline with the public key below.",
  qrLabel: 'Scan to check this receipt',
  publicKey: "The issuer's public key",
  print: 'Print / save as PDF',
  printHint: "On a phone you can also use the browser menu's Print, or Share → Save as PDF.",
  verifyWith: 'Check at',
  none: '—',
  colon: ': ',
  list: joinEn,
};

/**
 * The label table for a receipt language.
 *
 * @example
 * receiptLabels('zh-CN').unverified // '尚未核实，以实际页面为准'
 */
export function receiptLabels(lang: Lang): ReceiptLabels {
  return lang === 'en' ? EN : ZH;
}

/**
 * The title that fits what the receipt is about: a cancellation receipt only when something was cancelled.
 *
 * @example
 * receiptTitle({ outcome: { result: 'blocked' } }, receiptLabels('zh-CN')); // '取消受阻收据'
 */
export function receiptTitle(b: Pick<ReceiptBody, 'outcome' | 'caseKind'>, l: ReceiptLabels): string {
  const kind = b.caseKind;
  if (kind === 'redflag') return l.titles.redflag;
  if (kind && kind !== 'blocked' && kind !== 'general') return l.titles.refund;
  if (b.outcome?.result === 'worked') return l.titles.cancelled;
  if (kind === 'blocked' || b.outcome?.result === 'blocked') return l.titles.blocked;
  return l.titles.general;
}

/**
 * Formats an ISO timestamp for a receipt: wall-clock time in the receipt's time zone (Beijing time unless
 * the body names another), in either language. An unparsable input is returned as is.
 *
 * @example
 * formatReceiptTime('2026-11-25T01:00:00.000Z', 'zh-CN') // '2026-11-25 09:00:00（北京时间）'
 * formatReceiptTime('2026-11-25T01:00:00.000Z', 'en') // '2026-11-25 09:00:00 (Beijing time, UTC+8)'
 */
export function formatReceiptTime(iso: string, lang: Lang, timeZone: string = DEFAULT_TIME_ZONE): string {
  return formatLocalTime(iso, lang, timeZone);
}

function joinZh(items: string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join('、')}和${items.at(-1)}`;
}

function joinEn(items: string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}
