import type { Reply } from '../../dialogue/types.ts';
import type { WechatTexts } from './texts.ts';

/**
 * Engine replies adjusted for WeChat before they are composed: a passive reply cannot carry files, so a
 * receipt becomes its summary with a link to the receipt page (`PUBLIC_URL/receipts/<id>?t=<token>`, right
 * under the first paragraph so it is on the first page) or, without PUBLIC_URL, a note on how to get it
 * (never a local address); a reminder's calendar file asks the user to note the day (the reply's text gives
 * it); another reply that came with files says they cannot be sent here; and texts that
 * talk about buttons get the WeChat wording ({@link WechatTexts.reword}).
 *
 * @example
 * forWechat(handled.replies, wechatTexts(tr, handled.lang), 'https://cancelmate.example.org');
 * // a receipt reply: '收据已生成（编号 R-…）…\n\n打开收据（…）：https://cancelmate.example.org/receipts/R-…?t=…\n\n会员取消收据 …'
 */
export function forWechat(replies: readonly Reply[], say: WechatTexts, publicUrl?: string): Reply[] {
  return questionLast(replies).map((reply) => {
    const { attachments: _files, ...rest } = reply;
    const text = say.reword(reply.text);
    if (reply.receipt) return { ...rest, text: receiptText(text, reply.receipt, say, publicUrl) };
    if (reply.attachments?.some((a) => a.contentType.startsWith('text/calendar')))
      return { ...rest, text: `${text}\n\n${say.say('noCalendar')}` };
    if (reply.attachments?.length) return { ...rest, text: `${text}\n\n${say.say('noFiles')}` };
    return { ...rest, text };
  });
}

/**
 * The engine hands a receipt after the question it interrupted, with the question's choices moved onto it (chat
 * clients show buttons under the last message). WeChat numbers the options in the text, so the question goes
 * back beside them: receipt first, then the question with its choices.
 */
function questionLast(replies: readonly Reply[]): readonly Reply[] {
  const last = replies.at(-1);
  const question = replies.at(-2);
  if (!last?.receipt || !last.choices?.length || !question || question.choices?.length) return replies;
  const { choices, turn, ...receipt } = last;
  return [
    ...replies.slice(0, -2),
    receipt,
    { ...question, choices, ...(turn === undefined ? {} : { turn }) },
  ];
}

/**
 * The link that opens a receipt's page for whoever holds its token.
 *
 * @example
 * receiptUrl('https://cm.example.org/', { id: 'R-20261125-1A2B3C4D', token: 'abc' });
 * // 'https://cm.example.org/receipts/R-20261125-1A2B3C4D?t=abc'
 */
export function receiptUrl(publicUrl: string, receipt: { id: string; token: string }): string {
  const base = publicUrl.replace(/\/+$/, '');
  return `${base}/receipts/${encodeURIComponent(receipt.id)}?t=${encodeURIComponent(receipt.token)}`;
}

function receiptText(
  text: string,
  receipt: { id: string; token: string },
  say: WechatTexts,
  publicUrl: string | undefined,
): string {
  // The engine's own download line (HTML and JSON links) goes: WeChat gets one link, placed early.
  const marker = `/receipts/${encodeURIComponent(receipt.id)}`;
  const [issued = '', ...summary] = text.split('\n\n').filter((p) => !p.includes(marker));
  const link = publicUrl
    ? say.say('receiptLink', { url: receiptUrl(publicUrl, receipt) })
    : say.say('receiptNoLink', { id: receipt.id });
  return [issued, link, ...summary].filter((p) => p.length > 0).join('\n\n');
}
