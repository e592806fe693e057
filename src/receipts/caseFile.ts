import type { GroundTopic, PlatformKind } from '../flows/schema.ts';
import type { Lang } from '../i18n/lang.ts';
import type { CaseFacts, ReceiptCaseKind } from './types.ts';

/**
 * The user's case as data, read from what the dialogue recorded (the flow's `set:` fields and typed facts):
 * which kind of case it is, the legal topics the guide explained on the way, the facts the user gave and
 * the answers that letters may state. Nothing here guesses: an answer the user did not give is absent.
 *
 * @example
 * const c = caseFromFields({ deduction: 'auto', notice: 'unsure', fact_amount: '39.90 CNY' });
 * c.kind; // 'unsureNotice'
 * c.topics; // ['no_notice']
 */
export type CaseKind = ReceiptCaseKind;

/**
 * Every kind of case, in the order {@link caseKindOf} tries them.
 *
 * @example
 * CASE_KINDS.includes('blocked'); // true
 */
export const CASE_KINDS: readonly CaseKind[] = [
  'notDelivered',
  'noNotice',
  'unsureNotice',
  'notified',
  'oneoff',
  'lifetime',
  'blocked',
  'redflag',
  'general',
];

/**
 * What the user reported as the obstacle when cancelling (each sets `stuck<Reason>: yes` in flows/blocked.yaml).
 *
 * @example
 * stuckField('fee'); // 'stuckFee'
 */
export const STUCK_REASONS = [
  'nobutton',
  'grey',
  'forced',
  'refuses',
  'noanswer',
  'norefund',
  'finalsay',
  'fee',
] as const;
/** One of {@link STUCK_REASONS}. */
export type StuckReason = (typeof STUCK_REASONS)[number];

/**
 * The context field a blocked-reason choice sets to `yes` (so several reported obstacles all count).
 *
 * @example
 * stuckField('nobutton'); // 'stuckNobutton'
 */
export function stuckField(reason: StuckReason): string {
  return `stuck${reason.charAt(0).toUpperCase()}${reason.slice(1)}`;
}

/**
 * The platform the user picked, with its name in both languages (a letter in Chinese is drafted for English users too).
 *
 * @example
 * const p: PlatformRef = { kind: 'service', name: { 'zh-CN': '爱奇艺 VIP', en: 'iQIYI VIP' } };
 */
export interface PlatformRef {
  kind: PlatformKind;
  name: Record<Lang, string>;
}

/**
 * One user's case as data for the letters: its kind, the legal topics the guide explained, the facts given
 * (a missing one becomes a 【请填写】 blank), where they were stuck, and whether it was bought to resell.
 *
 * @example
 * const c: LetterCase = { kind: 'blocked', topics: ['blocked_fee'], facts: {}, stuck: ['fee'], resale: false };
 */
export interface LetterCase {
  kind: CaseKind;
  /** The legal topics the guide explained (states with `grounds:`), in the order of the dialogue. */
  topics: GroundTopic[];
  facts: CaseFacts;
  /** Obstacles the user reported while cancelling. */
  stuck: StuckReason[];
  /** How the auto-renewal was switched on at purchase, when the user said. */
  optin?: 'preticked' | 'hidden' | 'chose' | 'unsure';
  /** Why a one-off purchase should be refunded, when the user said. */
  oneoffWhy?: 'notdelivered' | 'norefund' | 'other';
  /** The user said the membership was bought to resell or as an agent. */
  resale: boolean;
  /**
   * A blocked case whose membership the user called fixed-term or lifetime: they were checking for an
   * auto-renewal that may be hidden, so the letter speaks of a possible one, never of one as fact.
   */
  suspected?: true;
  platform?: PlatformRef;
}

const FACT_KEYS = ['merchant', 'url', 'order', 'amount', 'date', 'ticket'] as const;

/**
 * The user's facts as kept in the dialogue context (`fact_<key>` fields, plus the notice answer).
 *
 * @example
 * factsFromFields({ fact_order: 'A1', notice: 'no' }); // { order: 'A1', noticeReceived: 'no' }
 */
export function factsFromFields(fields: Readonly<Record<string, string>>): CaseFacts {
  const facts: CaseFacts = {};
  for (const key of FACT_KEYS) {
    const v = fields[`fact_${key}`];
    if (v) facts[key] = v;
  }
  const n = fields.notice;
  if (n === 'yes' || n === 'no' || n === 'unsure') facts.noticeReceived = n;
  return facts;
}

/**
 * The topics the guide explained, read from the answers that lead to each explaining state. Tests walk the
 * compiled flow to prove that every state with `grounds: T` is reached only when this returns T.
 *
 * @example
 * caseTopics({ optin: 'preticked', notice: 'no' }); // ['optin', 'no_notice']
 */
export function caseTopics(fields: Readonly<Record<string, string>>): GroundTopic[] {
  const topics: GroundTopic[] = [];
  if (fields.optin === 'preticked' || fields.optin === 'hidden') topics.push('optin');
  if (fields.notice === 'no' || fields.notice === 'unsure') topics.push('no_notice');
  if (fields.notice === 'yes') topics.push('notified');
  if (fields.deduction === 'oneoff' || fields.membership === 'fixed' || fields.membership === 'lifetime')
    topics.push('oneoff');
  if (fields.deduction === 'notdelivered') topics.push('not_delivered');
  for (const r of STUCK_REASONS) if (fields[stuckField(r)] === 'yes') topics.push(`blocked_${r}`);
  if (fields.redflag === 'gone' || fields.redflag === 'frozen') topics.push('redflag_gone');
  if (fields.redflag === 'fees' || fields.redflag === 'fakecs') topics.push('redflag_fees');
  return topics;
}

/**
 * The kind of case, first match wins: money paid for a service never delivered; an auto-renewal charge (by the
 * notice answer); a one-off purchase; a blocked cancellation; a red flag; otherwise general.
 *
 * @example
 * caseKindOf({ deduction: 'auto', notice: 'yes' }); // 'notified'
 * caseKindOf({ membership: 'lifetime' }); // 'lifetime'
 */
export function caseKindOf(fields: Readonly<Record<string, string>>): CaseKind {
  if (fields.deduction === 'notdelivered') return 'notDelivered';
  if (fields.notice === 'no') return 'noNotice';
  if (fields.notice === 'unsure') return 'unsureNotice';
  if (fields.notice === 'yes') return 'notified';
  if (fields.deduction === 'oneoff') return fields.membership === 'lifetime' ? 'lifetime' : 'oneoff';
  if (STUCK_REASONS.some((r) => fields[stuckField(r)] === 'yes')) return 'blocked';
  if (fields.membership === 'lifetime') return 'lifetime';
  if (fields.membership === 'fixed') return 'oneoff';
  if (fields.redflag !== undefined) return 'redflag';
  return 'general';
}

/**
 * Reads the whole case from the dialogue's fields. `platform` is the catalogue entry the user picked, if any.
 *
 * @example
 * caseFromFields(ctx.fields, { kind: 'kamen', name: { 'zh-CN': '卡盟网站', en: 'A 卡盟 site' } });
 */
export function caseFromFields(fields: Readonly<Record<string, string>>, platform?: PlatformRef): LetterCase {
  const optin = fields.optin;
  const why = fields.oneoffWhy;
  return {
    kind: caseKindOf(fields),
    topics: caseTopics(fields),
    facts: factsFromFields(fields),
    stuck: STUCK_REASONS.filter((r) => fields[stuckField(r)] === 'yes'),
    ...(optin === 'preticked' || optin === 'hidden' || optin === 'chose' || optin === 'unsure'
      ? { optin }
      : {}),
    ...(why === 'notdelivered' || why === 'norefund' || why === 'other' ? { oneoffWhy: why } : {}),
    resale: fields.use === 'resale',
    ...(caseKindOf(fields) === 'blocked' &&
    (fields.membership === 'fixed' || fields.membership === 'lifetime')
      ? { suspected: true as const }
      : {}),
    ...(platform ? { platform } : {}),
  };
}

/** Kinds whose letters ask for money back. */
const REFUND_KINDS: readonly CaseKind[] = [
  'noNotice',
  'unsureNotice',
  'notified',
  'oneoff',
  'lifetime',
  'notDelivered',
];

/**
 * What a case supports, as the conditions the grounds table and the letters test.
 *
 * @example
 * caseConditions(caseFromFields({ deduction: 'oneoff' })).cancelDemand; // false: nothing to cancel
 */
export function caseConditions(c: LetterCase): Record<GroundCondition, boolean> {
  return {
    always: true,
    never: false,
    cancelDemand:
      c.kind === 'noNotice' || c.kind === 'unsureNotice' || c.kind === 'notified' || c.kind === 'blocked',
    refundDemand: REFUND_KINDS.includes(c.kind),
    noRefundTerm: c.stuck.includes('norefund') || c.oneoffWhy === 'norefund',
    notDelivered: c.kind === 'notDelivered' || c.oneoffWhy === 'notdelivered',
  };
}

/**
 * When a ground shown by the guide also belongs in the letter: `always`; `never` (explained, but not a
 * ground for a demand); or only when the case has a cancel demand, a refund demand, a reported
 * 「概不退费」-type term, or a service not delivered.
 *
 * @example
 * caseConditions(c)['noRefundTerm'] // true when the user reported a "no refunds" term
 */
export type GroundCondition =
  | 'always'
  | 'never'
  | 'cancelDemand'
  | 'refundDemand'
  | 'noRefundTerm'
  | 'notDelivered';
