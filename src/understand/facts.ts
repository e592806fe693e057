import type { FactKey } from '../flows/schema.ts';

/**
 * Validates and normalises a fact the user typed (merchant, URL, order number, amount, date, ticket).
 * Returns the value to keep, or the reason it was refused (a key under `facts.invalid.*` in common.json).
 *
 * @example
 * parseFact('amount', '¥39.9', now); // { ok: true, value: '39.90 CNY' }
 * parseFact('date', '2099-01-01', now); // { ok: false, reason: 'future' }
 */
export type FactResult = { ok: true; value: string } | { ok: false; reason: string };

const CURRENCIES: [RegExp, string][] = [
  [/^(cny|rmb|元|块|人民币|¥|￥)$/i, 'CNY'],
  [/^(usd|\$|us\$|美元|dollars?)$/i, 'USD'],
  [/^(eur|€|欧元|euros?)$/i, 'EUR'],
  [/^(hkd|hk\$|港币|港元)$/i, 'HKD'],
];

/** See {@link FactResult}. `now` bounds dates (none in the future). */
export function parseFact(key: FactKey, input: string, now: Date): FactResult {
  const text = input.normalize('NFKC').trim().replace(/\s+/g, ' ');
  if (!text) return { ok: false, reason: 'empty' };
  switch (key) {
    case 'merchant':
      return [...text].length <= 100 ? { ok: true, value: text } : { ok: false, reason: 'tooLong' };
    case 'ticket':
      return [...text].length >= 2 && [...text].length <= 64
        ? { ok: true, value: text }
        : { ok: false, reason: 'ticket' };
    case 'url':
      return parseUrl(text);
    case 'order':
      return /^[A-Za-z0-9][A-Za-z0-9_-]{3,63}$/.test(text)
        ? { ok: true, value: text }
        : { ok: false, reason: 'order' };
    case 'amount':
      return parseAmount(text);
    case 'date':
      return parseDate(text, now);
  }
}

function parseUrl(text: string): FactResult {
  const withScheme = /^https?:\/\//i.test(text) ? text : `http://${text}`;
  try {
    const u = new URL(withScheme);
    if (!/^[a-z0-9.-]+\.[a-z]{2,}$/i.test(u.hostname) && !/^[\p{L}0-9.-]+\.[\p{L}]{2,}$/u.test(u.hostname))
      return { ok: false, reason: 'url' };
    return text.length <= 200 ? { ok: true, value: u.href } : { ok: false, reason: 'tooLong' };
  } catch {
    return { ok: false, reason: 'url' };
  }
}

function parseAmount(text: string): FactResult {
  const m = /^([^\d\s-]{0,4})\s*(\d{1,7}(?:[.,]\d{1,2})?)\s*([^\d\s]{0,8})$/.exec(
    text.replace(/,(?=\d{3}\b)/g, ''),
  );
  if (!m) return { ok: false, reason: 'amount' };
  const [, before = '', num = '', after = ''] = m;
  const value = Number(num.replace(',', '.'));
  if (!(value > 0) || value >= 1_000_000) return { ok: false, reason: 'amount' };
  const sign = before || after;
  let currency = 'CNY';
  if (sign) {
    const hit = CURRENCIES.find(([re]) => re.test(sign));
    if (!hit) return { ok: false, reason: 'amount' };
    currency = hit[1];
  }
  return { ok: true, value: `${value.toFixed(2)} ${currency}` };
}

function parseDate(text: string, now: Date): FactResult {
  const m =
    /^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*[日号]?$/.exec(text) ??
    /^(\d{4})(\d{2})(\d{2})$/.exec(text);
  if (!m) return { ok: false, reason: 'date' };
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d)
    return { ok: false, reason: 'date' };
  if (y < 2000) return { ok: false, reason: 'date' };
  // A date is "in the future" only once it is after today anywhere (UTC+14), so China's today is always fine.
  if (date.getTime() > now.getTime() + 14 * 3600_000) return { ok: false, reason: 'future' };
  return { ok: true, value: date.toISOString().slice(0, 10) };
}
