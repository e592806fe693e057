import { formatReceiptTime, receiptLabels, receiptTitle } from './receiptLabels.ts';
import type { CaseFacts, Receipt } from './types.ts';

/**
 * The most characters {@link renderReceiptText} returns.
 *
 * @example
 * renderReceiptText(receipt).length <= RECEIPT_TEXT_MAX // true
 */
export const RECEIPT_TEXT_MAX = 1500;

/** Longest value taken from the receipt body into one line of the summary. */
const VALUE_MAX = 80;

/**
 * The short plain-text summary a chat channel sends in-line with the receipt: its title (which fits what
 * happened) and id, time, platform, channel and outcome (when one was recorded), the user's key facts, the
 * number of transcript entries, the first 16 hex chars of the chain head, the key id and where to check it.
 * In the receipt's language; at most {@link RECEIPT_TEXT_MAX} characters (long user values are shortened
 * with "…", and fact lines are dropped before the id or the chain head).
 *
 * @example
 * await ctx.reply(renderReceiptText(receipt));
 * // 取消受阻收据 R-20261125-7Q2M
 * // 生成时间：2026-11-25 09:12:40（北京时间）
 * // …
 */
export function renderReceiptText(receipt: Receipt): string {
  const b = receipt.body;
  const l = receiptLabels(b.lang);
  const line = (label: string, value: string | undefined) =>
    value === undefined || value === '' ? undefined : `${label}${l.colon}${clip(value)}`;

  const reason = b.outcome?.reason ? clip(b.outcome.reason) : undefined;
  const outcome = b.outcome
    ? `${l.outcomes[b.outcome.result]}${reason === undefined ? '' : b.lang === 'en' ? ` (${reason})` : `（${reason}）`}`
    : undefined;
  const head = [
    `${receiptTitle(b, l)} ${clip(b.id)}`,
    line(l.issuedAt, formatReceiptTime(b.issuedAt, b.lang, b.timeZone)),
    line(l.platform, b.chosen.platform),
    line(l.membership, b.chosen.membership),
    line(l.channel, b.chosen.channel),
    line(l.payment, b.chosen.payment),
    line(l.outcome, outcome),
  ];
  const factKeys: (keyof CaseFacts)[] = [
    'merchant',
    'order',
    'amount',
    'date',
    'ticket',
    'url',
    'noticeReceived',
  ];
  const middle = factKeys.map((k) =>
    line(
      l.factNames[k],
      k === 'noticeReceived'
        ? b.facts.noticeReceived
          ? l.notice[b.facts.noticeReceived]
          : undefined
        : b.facts[k],
    ),
  );
  const tail = [
    `${l.entries}${l.colon}${b.transcript.length} · ${l.chainHead}${l.colon}${b.chainHead.slice(0, 16)}`,
    `${l.keyId}${l.colon}${receipt.signature.keyId}`,
    ...(b.verifyUrl && /^https?:\/\//i.test(b.verifyUrl)
      ? [`${l.verifyWith}${l.colon}${new URL(b.verifyUrl).origin}/verify`]
      : []),
  ];
  return fitLines(defined(head), defined(middle), tail, RECEIPT_TEXT_MAX);
}

function defined(lines: (string | undefined)[]): string[] {
  return lines.filter((s): s is string => s !== undefined);
}

function clip(value: string, max = VALUE_MAX): string {
  const flat = value.replace(/\s+/g, ' ').trim();
  const chars = Array.from(flat);
  return chars.length <= max ? flat : `${chars.slice(0, max - 1).join('')}…`;
}

/** Joins head, middle and tail lines, dropping middle lines from the end (then clipping) to stay within `max`. */
function fitLines(head: string[], middle: string[], tail: string[], max: number): string {
  const kept = [...middle];
  let text = [...head, ...kept, ...tail].join('\n');
  while (text.length > max && kept.length > 0) {
    kept.pop();
    text = [...head, ...kept, ...tail].join('\n');
  }
  if (text.length <= max) return text;
  const cut = /[\uD800-\uDBFF]/.test(text.charAt(max - 2)) ? max - 2 : max - 1; // don't split a surrogate pair
  return `${text.slice(0, cut)}…`;
}
