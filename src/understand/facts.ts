import type { FactKey } from '../flows/schema.ts';
import { findAmount, parseAmount } from './amount.ts';
import { isoOf } from './dateRules.ts';
import { DEFAULT_TIME_ZONE, findComingDate, findDate, todayIn } from './dates.ts';
import { prepareText, WEB_ADDRESS } from './text.ts';

/**
 * Validates and normalises a fact the user typed at a fact question (merchant, URL, order number, amount,
 * date, ticket, and the day of a reminder), and finds facts inside free text. Returns the value to keep, or the reason it was refused
 * (a key under `facts.invalid.*` in common.json). Pure: `now` and the time zone are passed in.
 *
 * @example
 * parseFact('amount', '¥39.9', now);        // { ok: true, value: '39.90 CNY' }
 * parseFact('amount', '十九块八', now);      // { ok: true, value: '19.80 CNY' }
 * parseFact('date', '昨天扣的', now);        // { ok: true, value: '2026-11-24' } (now = 2026-11-25)
 * parseFact('date', '2099-01-01', now);     // { ok: false, reason: 'future' }
 * parseFact('merchant', '1', now);          // { ok: false, reason: 'merchant' }
 * parseFact('reminder', '下个月15号', now);   // { ok: true, value: '2026-12-15' }
 * parseFact('reminder', '昨天', now);        // { ok: false, reason: 'past' }
 */
export type FactResult = { ok: true; value: string } | { ok: false; reason: string };

/**
 * See {@link FactResult}.
 *
 * @example
 * parseFact('order', '订单号是 E2026110312', now); // { ok: true, value: 'E2026110312' }
 */
export function parseFact(key: FactKey, input: string, now: Date, timeZone = DEFAULT_TIME_ZONE): FactResult {
  const { plain, lower } = prepareText(input);
  if (!plain) return { ok: false, reason: 'empty' };
  switch (key) {
    case 'merchant':
      return parseMerchant(plain);
    case 'ticket': {
      const ticket = findTicket(plain) ?? plain;
      return [...ticket].length >= 2 && [...ticket].length <= 64
        ? { ok: true, value: ticket }
        : { ok: false, reason: 'ticket' };
    }
    case 'url':
      return parseUrl(findUrl(plain) ?? plain);
    case 'order': {
      const order = ORDER_ALONE.test(plain) ? plain : findOrder(plain);
      return order ? { ok: true, value: order } : { ok: false, reason: 'order' };
    }
    case 'amount': {
      const value = parseAmount(lower);
      return value ? { ok: true, value } : { ok: false, reason: 'amount' };
    }
    case 'date': {
      const found = findDate(lower, now, timeZone);
      if (!found) return { ok: false, reason: 'date' };
      return found.future ? { ok: false, reason: 'future' } : { ok: true, value: found.value };
    }
    case 'reminder':
      return parseReminderDay(lower, now, timeZone);
  }
}

/**
 * How far ahead a reminder may be set, in days: a year's renewal and a little more.
 *
 * @example
 * parseFact('reminder', '2099-01-01', now); // { ok: false, reason: 'tooFar' }
 */
export const REMINDER_MAX_DAYS = 400;

/** A day to be reminded on: today or later (a month or weekday said alone is the next one), within a limit. */
function parseReminderDay(lower: string, now: Date, timeZone: string): FactResult {
  const found = findComingDate(lower, now, timeZone);
  if (!found) return { ok: false, reason: 'day' };
  if (found.past) return { ok: false, reason: 'past' };
  const today = todayIn(now, timeZone);
  const last = new Date(Date.UTC(today.y, today.m - 1, today.d + REMINDER_MAX_DAYS));
  return found.value > isoOf({ y: last.getUTCFullYear(), m: last.getUTCMonth() + 1, d: last.getUTCDate() })
    ? { ok: false, reason: 'tooFar' }
    : { ok: true, value: found.value };
}

/**
 * Facts found inside a sentence (only what is clearly marked: 订单号…, ¥30, 昨天, a web address …).
 *
 * @example
 * extractFacts('订单号A2026110301，11月15日扣了30元', now).facts;
 * // { amount: '30.00 CNY', date: '2026-11-15', order: 'A2026110301' }
 */
export function extractFacts(
  input: string,
  now: Date,
  timeZone = DEFAULT_TIME_ZONE,
): { facts: Partial<Record<FactKey, string>>; amountAfterVerb: boolean } {
  const { plain, lower } = prepareText(input);
  const facts: Partial<Record<FactKey, string>> = {};
  const amount = findAmount(lower.replace(WEB_ADDRESS, ' '));
  if (amount) facts.amount = amount.value;
  // The date fact is the day money was taken: a date said alone, or in a sentence about a payment. One in a
  // sentence about something else (「今天天气不错」, 「我昨天联系过客服」, 「去年开通的」) is not kept.
  const date = findDate(lower, now, timeZone);
  const rest = date ? (lower.slice(0, date.index) + lower.slice(date.end)).replace(DATE_FILLER, '') : '';
  const alone = date !== undefined && !/[\p{L}\p{N}]/u.test(rest);
  if (date && !date.future && (alone || date.nearVerb || amount || MONEY_MOVED.test(lower)))
    facts.date = date.value;
  const order = findOrder(plain);
  if (order) facts.order = order;
  const ticket = findTicket(plain);
  if (ticket) facts.ticket = ticket;
  const url = findUrl(plain);
  const parsedUrl = url ? parseUrl(url) : undefined;
  if (parsedUrl?.ok) facts.url = parsedUrl.value;
  const merchant = findMerchant(plain);
  if (merchant) facts.merchant = merchant;
  return { facts, amountAfterVerb: amount?.afterVerb === true };
}

/** Words of money taken or paid, which make a date in the sentence the day of the charge. */
const MONEY_MOVED =
  /扣|续费|续了|付了|付款|付的|支付了|花了|充了|交了|买|收费|charged|billed|took|deducted|renewed|paid|bought|charge/u;

/** Words that go with a date said alone (「今天早上」, "on the 15th", 「大概 11 月 3 号左右」). */
const DATE_FILLER =
  /早上|上午|中午|下午|晚上|夜里|半夜|凌晨|左右|大概|大约|那天|的时候|的|\b(?:on|the|around|about|in|morning|evening|night)\b/gu;

const ORDER_ALONE = /^[A-Za-z0-9][A-Za-z0-9_-]{3,63}$/;
const ID = '([A-Za-z0-9][A-Za-z0-9_-]{3,63})';
const ORDER_RE = new RegExp(
  `(?<!工|投诉|受理)(?:订单(?:号|编号)?|单号|order\\s*(?:no\\.?|number|id|#)?)\\s*(?:是|为|:|：|#)?\\s*${ID}`,
  'iu',
);
const TICKET_RE =
  /(?:工单(?:号|编号)?|投诉(?:单)?(?:号|编号)|受理(?:号|编号)|ticket\s*(?:no\.?|number|id|#)?|case\s*(?:no\.?|number|id|#))\s*(?:是|为|:|：|#)?\s*([A-Za-z0-9][A-Za-z0-9_-]{1,63})/iu;
const MERCHANT_RE =
  /(?:在|从|是|叫|商家|网站|平台)\s*[「“"]?([\p{L}\p{N}]{1,12}?(?:卡盟|发卡网|发卡平台|卡铺|卡网|商城|网店|小店|工作室|科技有限公司|有限公司|公司))/u;

function findOrder(plain: string): string | undefined {
  return ORDER_RE.exec(plain)?.[1];
}

function findTicket(plain: string): string | undefined {
  return TICKET_RE.exec(plain)?.[1];
}

function findUrl(plain: string): string | undefined {
  return new RegExp(WEB_ADDRESS.source, 'iu').exec(plain)?.[0];
}

/** A merchant named in a sentence: 「在某某卡盟买的」 → 某某卡盟 (never a bare 卡盟, which is the platform). */
function findMerchant(plain: string): string | undefined {
  const m = MERCHANT_RE.exec(plain);
  const name = m?.[1];
  if (
    !name ||
    /^(一个|这个|那个|某个|个)?(卡盟|发卡网|发卡平台|卡铺|卡网|商城|网店|小店|工作室|公司)$/u.test(name)
  )
    return undefined;
  return name.replace(/^(一个|这个|那个|叫|是|为)/u, '');
}

function parseMerchant(plain: string): FactResult {
  const name =
    findMerchant(plain) ?? plain.replace(/^(商家|网站|公司)?\s*(叫|是|名字是|名叫)\s*/u, '').trim();
  if (!name || /^[\d\s\p{P}\p{S}]+$/u.test(name)) return { ok: false, reason: 'merchant' };
  return [...name].length <= 100 ? { ok: true, value: name } : { ok: false, reason: 'tooLong' };
}

function parseUrl(text: string): FactResult {
  const withScheme = /^https?:\/\//i.test(text) ? text : `http://${text}`;
  try {
    const u = new URL(withScheme);
    if (!/^[a-z0-9.-]+\.[a-z]{2,}$/i.test(u.hostname) && !/^[\p{L}0-9.-]+\.[\p{L}]{2,}$/u.test(u.hostname))
      return { ok: false, reason: 'url' };
    // Kept as the user wrote it: a scheme they did not type (http:// or https://?) would be a guess.
    const value = withScheme === text ? u.href : text.replace(/[，。,.;；!！?？]+$/u, '');
    return text.length <= 200 ? { ok: true, value } : { ok: false, reason: 'tooLong' };
  } catch {
    return { ok: false, reason: 'url' };
  }
}
