import type { Lang } from '../i18n/lang.ts';
import type { CaseFacts } from './types.ts';

/**
 * The fixed words of a rendered receipt (HTML and text), in one language. Everything else on a receipt
 * comes from its signed body.
 *
 * @example
 * const l: ReceiptLabels = receiptLabels('en');
 * l.verifiedOn('2026-11-01') // 'last checked 2026-11-01'
 */
export interface ReceiptLabels {
  title: string;
  intro: string;
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
  outcomes: { worked: string; blocked: string; none: string };
  reason: string;
  facts: string;
  factNames: Record<keyof CaseFacts, string>;
  notice: Record<NonNullable<CaseFacts['noticeReceived']>, string>;
  noFacts: string;
  paths: string;
  source: string;
  verifiedOn: (date: string) => string;
  unverified: string;
  rights: string;
  rightsNote: string;
  citations: string;
  evidence: string;
  complaint: string;
  demandLetter: string;
  complaint12315: string;
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
  verifyIntro: string;
  publicKey: string;
  verifyOnline: string;
  verifyWith: string;
  none: string;
  /** Separator between a label and its value in plain text. */
  colon: string;
}

/**
 * The command that verifies a saved receipt; `FILE` is the .html or .json file.
 *
 * @example
 * `${VERIFY_COMMAND}` // 'npm run receipt -- verify FILE --pubkey receipt-key.pub.pem'
 */
export const VERIFY_COMMAND = 'npm run receipt -- verify FILE --pubkey receipt-key.pub.pem';

const ZH: ReceiptLabels = {
  title: '会员取消回执',
  intro:
    '本回执记录您与会员取消助手的完整对话、助手给出的取消步骤与说明，以及您提供的信息，并带有数字签名，可离线核验。',
  disclaimer:
    '会员取消助手不是商家，也不代表任何商家；不会索要密码或支付密码。文中的法律说明属于法律分析，不是官方认定；菜单和页面会变化，以实际页面为准。',
  summary: '概要',
  receiptId: '回执编号',
  issuedAt: '生成时间',
  flowVersion: '对话流程版本',
  platform: '平台',
  membership: '会员类型',
  channel: '取消渠道',
  payment: '支付方式',
  outcome: '结果',
  outcomes: { worked: '已取消', blocked: '未能取消', none: '未记录' },
  reason: '原因',
  facts: '您提供的信息',
  factNames: {
    merchant: '商家',
    url: '网址',
    order: '订单号',
    amount: '金额',
    date: '日期',
    ticket: '工单号',
    noticeReceived: '续费前是否收到提醒',
  },
  notice: { yes: '收到', no: '没有收到', unsure: '不确定' },
  noFacts: '（未提供）',
  paths: '助手给出的取消步骤',
  source: '来源',
  verifiedOn: (date) => `最后核实 ${date}`,
  unverified: '尚未核实，以实际页面为准',
  rights: '权利说明',
  rightsNote: '以下为法律分析，不是官方认定。',
  citations: '依据',
  evidence: '证据清单',
  complaint: '投诉文本',
  demandLetter: '致商家的书面要求',
  complaint12315: '12315 投诉内容',
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
  verifyIntro:
    '把本页（HTML）或 JSON 回执文件原样保存为 FILE，与下面的公钥（保存为 receipt-key.pub.pem）一起，在 CancelMate 项目目录中运行：',
  publicKey: '公钥',
  verifyOnline: '在线核验',
  verifyWith: '核验',
  none: '—',
  colon: '：',
};

const EN: ReceiptLabels = {
  title: 'Cancellation receipt',
  intro:
    'This receipt records your whole conversation with CancelMate, the cancel steps and explanations it gave, and the facts you provided. It is digitally signed and can be verified offline.',
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
  outcomes: { worked: 'Cancelled', blocked: 'Blocked, not cancelled', none: 'Not recorded' },
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
  notice: { yes: 'Yes', no: 'No', unsure: 'Not sure' },
  noFacts: '(none provided)',
  paths: 'Cancel steps shown',
  source: 'Source',
  verifiedOn: (date) => `last checked ${date}`,
  unverified: 'Not yet checked; follow what the actual page shows',
  rights: 'Your rights',
  rightsNote: 'Legal analysis, not an official ruling.',
  citations: 'Citations',
  evidence: 'Evidence checklist',
  complaint: 'Complaint texts',
  demandLetter: 'Written demand to the merchant',
  complaint12315: '12315 complaint',
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
  howToVerify: 'How to verify',
  verifyIntro:
    'Save this page (HTML) or the JSON receipt unchanged as FILE, save the public key below as receipt-key.pub.pem, and run in the CancelMate project directory:',
  publicKey: 'Public key',
  verifyOnline: 'Verify online',
  verifyWith: 'Verify with',
  none: '—',
  colon: ': ',
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
 * Formats an ISO timestamp for a receipt: Beijing time (UTC+8) in Chinese, UTC in English. The result does
 * not depend on the machine's locale or time zone; an unparsable input is returned as is.
 *
 * @example
 * formatReceiptTime('2026-11-25T01:00:00.000Z', 'zh-CN') // '2026-11-25 09:00:00（北京时间）'
 * formatReceiptTime('2026-11-25T01:00:00.000Z', 'en') // '2026-11-25 01:00:00 UTC'
 */
export function formatReceiptTime(iso: string, lang: Lang): string {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return iso;
  const offsetHours = lang === 'en' ? 0 : 8;
  const stamp = new Date(ms + offsetHours * 3_600_000).toISOString().slice(0, 19).replace('T', ' ');
  return lang === 'en' ? `${stamp} UTC` : `${stamp}（北京时间）`;
}
