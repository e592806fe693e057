import type { Lang } from '../i18n/lang.ts';
import type { Translator } from '../i18n/translator.ts';
import { caseConditions, type LetterCase } from './caseFile.ts';
import { formatGround, groundText, letterGrounds } from './grounds.ts';
import type { CaseFacts, ComplaintTexts } from './types.ts';

/**
 * The letters a user copies and sends, drafted from the case as data (src/receipts/caseFile.ts): a written
 * demand to the merchant and a 12315 complaint laid out as the form asks (被投诉方, 投诉问题, 事实, 诉求, 依据).
 * They state only what the user told the guide; a missing fact is a visible 【请填写：…】 blank, never a
 * guess. They cite only grounds the guide showed for the case ({@link letterGrounds}) and ask for what fits
 * the case (no auto-renewal to cancel for a one-off purchase). English users get the 12315 text in Chinese as
 * well, since 12315 takes Chinese. Pure; wording in locales/<lang>/receipt.json under `letter`.
 *
 * @example
 * const c = caseFromFields({ deduction: 'auto', notice: 'no', fact_amount: '39.90 CNY' });
 * const texts = draftLetters(tr, 'zh-CN', c, '2026-11-25');
 * texts.demandLetter.includes('【请填写：订单号】'); // true: the order number was not given
 */
export function draftLetters(tr: Translator, lang: Lang, c: LetterCase, today: string): ComplaintTexts {
  const texts: ComplaintTexts = {
    demandLetter: draft(tr, lang, c, today, 'demand'),
    complaint12315: draft(tr, lang, c, today, 'c12315'),
  };
  if (lang !== 'zh-CN') texts.complaint12315Zh = draft(tr, 'zh-CN', c, today, 'c12315');
  return texts;
}

/**
 * The letters as the guide shows them, each with its title (receipt.json `letterTitles`).
 *
 * @example
 * letterMessages(tr, 'en', c, '2026-11-25').map((l) => l.title);
 * // ['Written demand to the merchant', 'Complaint text for 12315', 'Complaint text for 12315, in Chinese (file this one)']
 */
export function letterMessages(
  tr: Translator,
  lang: Lang,
  c: LetterCase,
  today: string,
): { title: string; text: string }[] {
  const texts = draftLetters(tr, lang, c, today);
  const out = [
    { title: tr.ns(lang, 'receipt', 'letterTitles.demandLetter'), text: texts.demandLetter },
    { title: tr.ns(lang, 'receipt', 'letterTitles.complaint12315'), text: texts.complaint12315 },
  ];
  if (texts.complaint12315Zh)
    out.push({
      title: tr.ns(lang, 'receipt', 'letterTitles.complaint12315Zh'),
      text: texts.complaint12315Zh,
    });
  return out;
}

/**
 * The evidence checklist in `lang`: the red-flag list for a suspected scam, the general one otherwise.
 *
 * @example
 * evidenceList(tr, 'zh-CN', 'redflag')[0]; // '网站网址、ICP 备案号和公司名称的截图'
 */
export function evidenceList(tr: Translator, lang: Lang, kind: LetterCase['kind'] = 'general'): string[] {
  const v = tr.tree(lang, 'receipt', kind === 'redflag' ? 'evidenceRedflag' : 'evidence');
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

type Doc = 'demand' | 'c12315';

function draft(tr: Translator, lang: Lang, c: LetterCase, today: string, doc: Doc): string {
  const t = (key: string, vars?: Record<string, string>) => tr.ns(lang, 'receipt', `letter.${key}`, vars);
  const blank = (what: string) =>
    tr.ns(lang, 'receipt', 'placeholder', { what: tr.ns(lang, 'receipt', `factNames.${what}`) });
  const fact = (key: keyof Omit<CaseFacts, 'noticeReceived'>) => c.facts[key] || blank(key);
  const them = t(`them.${doc}`);
  const vars = {
    them,
    their: t(`their.${doc}`),
    amount: fact('amount'),
    date: fact('date'),
    order: fact('order'),
  };
  const holds = caseConditions(c);

  const facts: string[] = [t('account', { ...vars, account: blank('account') })];
  const p = c.platform;
  if (p && (p.kind === 'service' || p.kind === 'payment'))
    facts.push(t(`platform.${p.kind}`, { name: p.name[lang] }));
  if (c.suspected) facts.push(t('suspected'));
  if (c.optin === 'preticked' || c.optin === 'hidden') facts.push(t(`optin.${c.optin}`, vars));
  const charge = chargeSentence(c);
  if (charge)
    facts.push(
      t(`charge.${charge}`, { ...vars, what: t(`what.${c.kind === 'lifetime' ? 'lifetime' : 'oneoff'}`) }),
    );
  if (c.kind === 'noNotice' || c.kind === 'unsureNotice') facts.push(t(`notice.${c.kind}`, vars));
  if (c.kind === 'notDelivered') facts.push(t('notDelivered', { ...vars, detail: blank('detail') }));
  else if (c.oneoffWhy === 'notdelivered' || c.oneoffWhy === 'norefund')
    facts.push(t(`oneoffWhy.${c.oneoffWhy}`, { ...vars, detail: blank('detail') }));
  for (const r of c.stuck) facts.push(t(`stuck.${r}`, vars));
  if (doc === 'c12315') {
    if (c.resale) facts.push(t('resale'));
    if (c.facts.ticket) facts.push(t('ticket12315', { ticket: c.facts.ticket }));
    facts.push(t('contact', { contact: blank('contact') }));
  }

  const demands = demandKeys(c).map((k, i) => `${i + 1}. ${t(`demands.${k}`, vars)}`);
  const grounds = letterGrounds(c).map(
    (id, i) => `${i + 1}. ${formatGround(groundText(tr, lang, id), lang)}`,
  );
  const joiner = lang === 'zh-CN' ? '' : ' ';
  const parts = {
    merchant: fact('merchant'),
    url: fact('url'),
    subject: t(`subject.${c.suspected ? 'blockedSuspected' : c.kind}`, { problem: blank('problem') }),
    facts: facts.join(joiner),
    demands: demands.join('\n'),
    grounds: grounds.length ? `${t('groundsTitle')}\n${grounds.join('\n')}\n\n` : '',
    next: holds.refundDemand || holds.cancelDemand ? t(c.resale ? 'nextResale' : 'next') : '',
    ticket: c.facts.ticket ? `${t('ticketLine', { ticket: c.facts.ticket })}\n` : '',
    note: c.resale ? `${t('resaleNote')}\n` : '',
    today,
  };
  return t(doc === 'demand' ? 'demandLetter' : 'complaint12315', parts);
}

/** Which sentence states the charge: an auto-renewal, a one-off purchase, a prepayment, or a charge the user reported. */
function chargeSentence(c: LetterCase): 'auto' | 'oneoff' | 'prepaid' | 'reported' | undefined {
  switch (c.kind) {
    case 'noNotice':
    case 'unsureNotice':
    case 'notified':
      return 'auto';
    case 'oneoff':
    case 'lifetime':
      return 'oneoff';
    case 'notDelivered':
      return 'prepaid';
    default:
      // A blocked cancellation states a charge only when the user gave its amount or date.
      return c.facts.amount || c.facts.date ? 'reported' : undefined;
  }
}

/** The demands that fit the case, in order (keys of `letter.demands`). */
function demandKeys(c: LetterCase): string[] {
  const out: string[] = [];
  const { cancelDemand } = caseConditions(c);
  if (cancelDemand) out.push(c.suspected ? 'cancelIfAny' : 'cancel');
  if (cancelDemand && c.stuck.includes('fee')) out.push('noCancelFee');
  switch (c.kind) {
    case 'noNotice':
      out.push('refundNoNotice');
      break;
    case 'unsureNotice':
      out.push('noticeRecords');
      break;
    case 'notified':
      out.push('refundNegotiate');
      break;
    case 'notDelivered':
      out.push('performOrRefund');
      break;
    case 'oneoff':
    case 'lifetime':
      out.push(
        c.oneoffWhy === 'notdelivered'
          ? 'performOrRefund'
          : caseConditions(c).noRefundTerm
            ? 'refundTermVoid'
            : 'refundOrConvert',
      );
      break;
    case 'general':
    case 'redflag':
      out.push('yourDemand');
      break;
    default:
      break;
  }
  return out;
}
