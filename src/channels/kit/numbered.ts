import { ENGINE_CHOICES } from '../../dialogue/choices.ts';
import type { Reply } from '../../dialogue/types.ts';

/**
 * Replies as plain text for channels without buttons (the terminal, WeChat): each reply's title and text,
 * then one numbered line per choice, worded by the channel ("[1] 取消会员" in the terminal, "回复 1：取消会员" in
 * WeChat). Whatever the user types back — the number, the label or free text — goes to the engine as text,
 * which accepts all three.
 *
 * @example
 * numberedText({ text: '你想做什么？', choices: [{ id: 'cancel', label: '取消会员' }] }, (n, l) => `[${n}] ${l}`);
 * // '你想做什么？\n[1] 取消会员'
 */
export type ChoiceLine = (n: number, label: string) => string;

/** The terminal's way of numbering choices: `[1] label`. */
export const BRACKETED: ChoiceLine = (n, label) => `[${n}] ${label}`;

/** A reply's readable body: its title (for a letter) above its text. */
export function replyBody(reply: Pick<Reply, 'title' | 'text'>): string {
  return reply.title ? `【${reply.title}】\n\n${reply.text}` : reply.text;
}

/**
 * See {@link ChoiceLine}: the body, then the numbered choices (none when the reply offers none). When
 * `byLabel` is given and the question takes typed text ({@link asksForText}), its options are shown by
 * label instead, since a number typed there is read as the answer itself (an order number, an amount).
 *
 * @example
 * numberedText(factQuestion, (n, l) => `回复 ${n}：${l}`, (l) => `回复「${l}」`);
 * // '商家叫什么名字？\n回复「跳过」\n回复「返回上一步」'
 */
export function numberedText(
  reply: Reply,
  line: ChoiceLine = BRACKETED,
  byLabel?: (label: string) => string,
): string {
  const typed = byLabel !== undefined && asksForText(reply);
  const lines = (reply.choices ?? []).map((c, i) => (typed ? byLabel(c.label) : line(i + 1, c.label)));
  return [replyBody(reply), ...lines].filter((s) => s.length > 0).join('\n');
}

/**
 * True when the reply's question takes typed text (a fact question: it offers "skip"), where the engine
 * reads a typed number as the answer rather than as an option's number.
 *
 * @example
 * asksForText({ text: '订单号是多少？', choices: [{ id: '_skip', label: '跳过' }] }); // true
 */
export function asksForText(reply: Pick<Reply, 'choices'>): boolean {
  return reply.choices?.some((c) => c.id === ENGINE_CHOICES.skip) ?? false;
}
