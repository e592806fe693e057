import type { Lang } from '../i18n/lang.ts';
import type { Translator } from '../i18n/translator.ts';
import type { CaseFacts, RightExplained } from './types.ts';

/**
 * The case in legal terms and the texts that follow from it: which rights apply (only those in
 * shared/knowledge/rights.md, worded in locales/<lang>/receipt.json), a written demand to the merchant and a
 * 12315 complaint laid out as the form asks (被投诉方, 投诉问题/事实, 诉求, 依据). Missing facts become visible
 * placeholders, never invented values. Pure.
 *
 * @example
 * const kind = caseKind({ deduction: 'auto', notice: 'no' }); // 'wrongful'
 * const { demandLetter } = draftComplaint(tr, 'zh-CN', kind, { merchant: '某卡盟', amount: '39.00 CNY' }, '2026-11-25');
 */
export type CaseKind = 'wrongful' | 'notified' | 'fixed' | 'blocked' | 'redflag' | 'general';

/** The grounds each kind of case rests on, in the order they are explained (keys of `rights` in receipt.json). */
const GROUNDS: Record<CaseKind, string[]> = {
  wrongful: ['autoRenewNotice', 'cancelOption', 'unfairTerms', 'unjust', 'prepaid'],
  notified: ['cancelOption', 'unfairTerms', 'prepaid'],
  fixed: ['unfairTerms', 'prepaid', 'noSevenDay'],
  blocked: ['cancelOption', 'unfairTerms'],
  redflag: ['fraud'],
  general: ['cancelOption'],
};

/** Decides the kind of case from what the user chose (the flow's `set:` fields). */
export function caseKind(fields: Readonly<Record<string, string>>): CaseKind {
  if (fields.deduction === 'auto' || fields.notice !== undefined)
    return fields.notice === 'yes' ? 'notified' : 'wrongful';
  if (fields.deduction === 'oneoff' || fields.membership === 'fixed' || fields.membership === 'lifetime')
    return 'fixed';
  if (fields.outcome === 'blocked') return 'blocked';
  if (fields.goal === 'redflag') return 'redflag';
  return 'general';
}

/** The rights explained for a case (its grounds, then how complaints work), with citations, in `lang`. */
export function rightsFor(tr: Translator, lang: Lang, kind: CaseKind): RightExplained[] {
  return rightTexts(tr, lang, [...GROUNDS[kind], 'complaint']);
}

function rightTexts(tr: Translator, lang: Lang, keys: readonly string[]): RightExplained[] {
  return keys.map((key) => {
    const node = tr.tree(lang, 'receipt', `rights.${key}`) as { text?: unknown; citations?: unknown };
    const citations = Array.isArray(node.citations)
      ? node.citations.filter((c): c is string => typeof c === 'string')
      : [];
    return { text: typeof node.text === 'string' ? node.text : '', citations };
  });
}

/** The evidence checklist in `lang`. */
export function evidenceList(tr: Translator, lang: Lang): string[] {
  const v = tr.tree(lang, 'receipt', 'evidence');
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

/** The two complaint texts, filled from the facts. `today` is an ISO date. */
export function draftComplaint(
  tr: Translator,
  lang: Lang,
  kind: CaseKind,
  facts: CaseFacts,
  today: string,
): { demandLetter: string; complaint12315: string } {
  const fill = (key: keyof CaseFacts & string) => {
    const v = facts[key];
    return typeof v === 'string' && v
      ? v
      : tr.ns(lang, 'receipt', 'placeholder', { what: tr.ns(lang, 'receipt', `factNames.${key}`) });
  };
  const grounds = rightTexts(tr, lang, GROUNDS[kind === 'redflag' ? 'general' : kind]);
  const citations = [...new Set(grounds.flatMap((r) => r.citations))].join(lang === 'zh-CN' ? '；' : '; ');
  const vars = {
    merchant: fill('merchant'),
    url: fill('url'),
    order: fill('order'),
    amount: fill('amount'),
    date: fill('date'),
    ticket: fill('ticket'),
    notice: tr.ns(lang, 'receipt', `notice.${facts.noticeReceived ?? 'unsure'}`),
    problem: tr.ns(lang, 'receipt', `problem.${kind === 'redflag' ? 'general' : kind}`),
    citations,
    today,
  };
  return {
    demandLetter: tr.ns(lang, 'receipt', 'demandLetter', vars),
    complaint12315: tr.ns(lang, 'receipt', 'complaint12315', vars),
  };
}

/** The user's facts as kept in the dialogue context (`fact_<key>` fields, plus the notice answer). */
export function factsFromFields(fields: Readonly<Record<string, string>>): CaseFacts {
  const facts: CaseFacts = {};
  for (const key of ['merchant', 'url', 'order', 'amount', 'date', 'ticket'] as const) {
    const v = fields[`fact_${key}`];
    if (v) facts[key] = v;
  }
  const n = fields.notice;
  if (n === 'yes' || n === 'no' || n === 'unsure') facts.noticeReceived = n;
  return facts;
}
