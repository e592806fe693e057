import type { GroundTopic } from '../flows/schema.ts';
import type { Lang } from '../i18n/lang.ts';
import type { Translator } from '../i18n/translator.ts';
import { caseConditions, type GroundCondition, type LetterCase } from './caseFile.ts';
import type { RightExplained } from './types.ts';

/**
 * The one table of legal grounds. A flow state with `grounds: <topic>` shows the topic's grounds (every one);
 * a drafted letter cites the grounds of the topics the user was shown whose condition holds for the case; the
 * receipt lists every ground shown. Wording and citations live in locales/<lang>/receipt.json under
 * `grounds.<id>` and may only state what shared/knowledge/rights.md supports.
 *
 * @example
 * groundsBlock(tr, 'zh-CN', 'blocked_fee'); // '相关法律规定（…）：\n• 要求先交违约金…（《网络交易监督管理办法》第十八条；…）'
 * letterGrounds(caseFromFields({ deduction: 'oneoff', oneoffWhy: 'other' })); // [] — nothing the user reported
 */
export const GROUND_IDS = [
  'autoRenewNotice',
  'renewalReminder',
  'newRule',
  'cancelOption',
  'cancelFee',
  'unfairTerms',
  'notFlagged',
  'finalSay',
  'unjust',
  'prepaid',
  'fraud',
  'noSevenDay',
  'bundling',
  'forcedChoice',
  'noExitTerms',
  'refundDelay',
  'stopBusiness',
] as const;
/** One of {@link GROUND_IDS}. */
export type GroundId = (typeof GROUND_IDS)[number];

/**
 * A ground as a topic uses it: shown by the guide always, cited in a letter when `letter` holds.
 *
 * @example
 * const u: GroundUse = { ground: 'prepaid', letter: 'notDelivered' };
 */
export interface GroundUse {
  ground: GroundId;
  letter: GroundCondition;
}

const use = (ground: GroundId, letter: GroundCondition = 'always'): GroundUse => ({ ground, letter });

/**
 * For each legal topic the guide can explain, the grounds it shows (and a letter may cite). Order is the order
 * of explanation.
 *
 * @example
 * TOPIC_GROUNDS.blocked_finalsay.map((u) => u.ground); // ['finalSay', 'unfairTerms']
 */
export const TOPIC_GROUNDS: Record<GroundTopic, readonly GroundUse[]> = {
  optin: [use('autoRenewNotice'), use('bundling')],
  no_notice: [
    use('autoRenewNotice'),
    use('renewalReminder'),
    use('newRule', 'never'),
    use('cancelOption', 'cancelDemand'),
    use('unfairTerms', 'noRefundTerm'),
    use('unjust'),
    use('prepaid', 'notDelivered'),
  ],
  notified: [
    use('cancelOption', 'cancelDemand'),
    use('unfairTerms', 'noRefundTerm'),
    use('prepaid', 'notDelivered'),
  ],
  oneoff: [
    use('unfairTerms', 'noRefundTerm'),
    use('notFlagged', 'noRefundTerm'),
    use('prepaid', 'notDelivered'),
    use('fraud', 'never'),
    use('noSevenDay', 'never'),
  ],
  not_delivered: [use('prepaid'), use('unfairTerms', 'noRefundTerm')],
  blocked_nobutton: [use('cancelOption')],
  blocked_grey: [use('cancelOption'), use('noExitTerms')],
  blocked_forced: [use('forcedChoice')],
  blocked_refuses: [use('cancelOption'), use('refundDelay', 'refundDemand')],
  blocked_noanswer: [use('cancelOption')],
  blocked_norefund: [use('unfairTerms')],
  blocked_finalsay: [use('finalSay'), use('unfairTerms')],
  blocked_fee: [use('cancelFee')],
  redflag_gone: [use('stopBusiness'), use('fraud', 'never')],
  redflag_fees: [use('fraud', 'never')],
};

/**
 * Every ground the guide showed for the case (its topics, in order, each ground once): what the receipt lists.
 *
 * @example
 * shownGrounds(caseFromFields({ stuckFee: 'yes' })); // ['cancelFee']
 */
export function shownGrounds(c: Pick<LetterCase, 'topics'>): GroundId[] {
  return unique(c.topics.flatMap((t) => TOPIC_GROUNDS[t].map((u) => u.ground)));
}

/**
 * The grounds a letter cites: of the grounds shown, those whose condition holds for this case.
 *
 * @example
 * letterGrounds(caseFromFields({ deduction: 'auto', notice: 'no' }));
 * // ['autoRenewNotice', 'renewalReminder', 'cancelOption', 'unjust']
 */
export function letterGrounds(c: LetterCase): GroundId[] {
  const holds = caseConditions(c);
  return unique(
    c.topics.flatMap((t) => TOPIC_GROUNDS[t].filter((u) => holds[u.letter]).map((u) => u.ground)),
  );
}

/**
 * A ground's text and citations in `lang` (locales/<lang>/receipt.json `grounds.<id>`).
 *
 * @example
 * groundText(tr, 'zh-CN', 'prepaid').citations; // ['《消费者权益保护法》第五十三条']
 */
export function groundText(tr: Translator, lang: Lang, id: GroundId): RightExplained {
  const node = tr.tree(lang, 'receipt', `grounds.${id}`) as { text?: unknown; citations?: unknown };
  const citations = Array.isArray(node.citations)
    ? node.citations.filter((c): c is string => typeof c === 'string')
    : [];
  return { text: typeof node.text === 'string' ? node.text : '', citations };
}

/**
 * One ground as a line: its text, then its citations in brackets.
 *
 * @example
 * formatGround({ text: '…无效。', citations: ['《消费者权益保护法》第二十六条'] }, 'zh-CN');
 * // '…无效。（《消费者权益保护法》第二十六条）'
 */
export function formatGround(r: RightExplained, lang: Lang): string {
  if (r.citations.length === 0) return r.text;
  return lang === 'zh-CN'
    ? `${r.text}（${r.citations.join('；')}）`
    : `${r.text} (${r.citations.join('; ')})`;
}

/**
 * What a state with `grounds: <topic>` shows after its `say:` texts: a heading and one bullet per ground.
 *
 * @example
 * groundsBlock(tr, 'en', 'blocked_norefund');
 * // 'What the law says (legal analysis, not an official ruling):\n• Standard terms … are void. (Consumer Rights Protection Law Art. 26; Civil Code Art. 497)'
 */
export function groundsBlock(tr: Translator, lang: Lang, topic: GroundTopic): string {
  const lines = TOPIC_GROUNDS[topic].map((u) => `• ${formatGround(groundText(tr, lang, u.ground), lang)}`);
  return [tr.ns(lang, 'receipt', 'groundsHeading'), ...lines].join('\n');
}

function unique<T>(xs: readonly T[]): T[] {
  return [...new Set(xs)];
}
