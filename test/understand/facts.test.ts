import { describe, expect, it } from 'vitest';
import { findAmount } from '../../src/understand/amount.ts';
import { findDate, todayIn } from '../../src/understand/dates.ts';
import { extractFacts, parseFact } from '../../src/understand/facts.ts';
import { parseChineseNumber } from '../../src/understand/numbers.ts';

// Wednesday 2026-11-25, noon in Shanghai.
const NOW = new Date('2026-11-25T04:00:00Z');

describe('Chinese numerals', () => {
  it.each([
    ['三十', 30],
    ['十九', 19],
    ['一百二十八', 128],
    ['两百', 200],
    ['一千二', 1200],
    ['一百零五', 105],
    ['一万五', 15000],
    ['3千', 3000],
  ])('%s = %d', (s, n) => {
    expect(parseChineseNumber(s)).toBe(n);
  });

  it('refuses what is not one number', () => {
    for (const s of ['三五', '百', '', 'abc', '十九块']) expect(parseChineseNumber(s)).toBeUndefined();
  });
});

describe('amounts', () => {
  it.each([
    ['30元', '30.00 CNY'],
    ['¥30', '30.00 CNY'],
    ['三十块', '30.00 CNY'],
    ['十九块八', '19.80 CNY'],
    ['被扣了十九块八毛', '19.80 CNY'],
    ['九块九', '9.90 CNY'],
    ['RMB 30', '30.00 CNY'],
    ['30 yuan', '30.00 CNY'],
    ['$4.99', '4.99 USD'],
    ['4.99 dollars', '4.99 USD'],
    ['上个月15号被扣了98', '98.00 CNY'],
    ['一下扣了一百二十八', '128.00 CNY'],
  ])('%s → %s', (text, value) => {
    expect(findAmount(text.toLowerCase())?.value).toBe(value);
  });

  it('prefers the amount taken over a price mentioned first, and ignores a fee being demanded', () => {
    expect(findAmount('买的98元的年卡，又扣了我30')?.value).toBe('30.00 CNY');
    expect(findAmount('客服说要我先交一百块手续费才给我退款')).toBeUndefined();
  });

  it('does not read counts, dates or order numbers as money', () => {
    for (const t of [
      '钱被扣了两次',
      '排了一个小时队',
      '上个月15号',
      '订单号e20261103123456',
      '让我先交500保证金',
    ])
      expect(findAmount(t), t).toBeUndefined();
  });
});

describe('dates, relative to today in the user time zone', () => {
  it.each([
    ['今天', '2026-11-25'],
    ['昨天', '2026-11-24'],
    ['前天', '2026-11-23'],
    ['三天前', '2026-11-22'],
    ['上周二', '2026-11-17'],
    ['周一', '2026-11-23'],
    ['上个月15号', '2026-10-15'],
    ['15号', '2026-11-15'],
    ['28号', '2026-10-28'],
    ['11月3日', '2026-11-03'],
    ['12月3日', '2025-12-03'],
    ['十一月三号', '2026-11-03'],
    ['2026-11-03', '2026-11-03'],
    ['2026年11月3日', '2026-11-03'],
    ['yesterday', '2026-11-24'],
    ['2 days ago', '2026-11-23'],
    ['last tuesday', '2026-11-17'],
    ['nov 3', '2026-11-03'],
    ['dec 5', '2025-12-05'],
    ['the 15th', '2026-11-15'],
  ])('%s → %s', (text, iso) => {
    expect(findDate(text, NOW)?.value).toBe(iso);
  });

  it('takes the date the charge happened on when several are said', () => {
    expect(findDate('10月15号开的会员今天又扣了', NOW)?.value).toBe('2026-11-25');
  });

  it('uses the time zone: 01:00 in Shanghai is still the day before in Los Angeles', () => {
    const lateUtc = new Date('2026-11-25T17:00:00Z');
    expect(todayIn(lateUtc)).toEqual({ y: 2026, m: 11, d: 26 });
    expect(findDate('今天', lateUtc)?.value).toBe('2026-11-26');
    expect(findDate('今天', lateUtc, 'America/Los_Angeles')?.value).toBe('2026-11-25');
    expect(findDate('today', lateUtc, 'Not/AZone')?.value).toBe('2026-11-26');
  });
});

describe('parseFact (the answer to a fact question)', () => {
  it('accepts what people type and normalises it', () => {
    expect(parseFact('amount', '三十九块', NOW)).toEqual({ ok: true, value: '39.00 CNY' });
    expect(parseFact('amount', '39.9', NOW)).toEqual({ ok: true, value: '39.90 CNY' });
    expect(parseFact('date', '昨天扣的', NOW)).toEqual({ ok: true, value: '2026-11-24' });
    expect(parseFact('date', '11月15日', NOW)).toEqual({ ok: true, value: '2026-11-15' });
    expect(parseFact('order', '订单号是 E2026110312', NOW)).toEqual({ ok: true, value: 'E2026110312' });
    expect(parseFact('ticket', '工单号 CS-88231', NOW)).toEqual({ ok: true, value: 'CS-88231' });
    expect(parseFact('url', '网址是 www.abc.top', NOW)).toEqual({ ok: true, value: 'www.abc.top' });
    expect(parseFact('merchant', '商家叫XX卡盟', NOW)).toEqual({ ok: true, value: 'XX卡盟' });
  });

  it('refuses bad input with the reason to show', () => {
    expect(parseFact('merchant', '1', NOW)).toEqual({ ok: false, reason: 'merchant' });
    expect(parseFact('merchant', '？？', NOW)).toEqual({ ok: false, reason: 'merchant' });
    expect(parseFact('amount', '好多钱', NOW)).toEqual({ ok: false, reason: 'amount' });
    expect(parseFact('date', '2099-01-01', NOW)).toEqual({ ok: false, reason: 'future' });
    expect(parseFact('date', '某天', NOW)).toEqual({ ok: false, reason: 'date' });
    expect(parseFact('order', '无', NOW)).toEqual({ ok: false, reason: 'order' });
    expect(parseFact('url', '这不是网址', NOW)).toEqual({ ok: false, reason: 'url' });
    expect(parseFact('ticket', '   ', NOW)).toEqual({ ok: false, reason: 'empty' });
  });
});

describe('facts inside a sentence', () => {
  it('finds only what is clearly marked', () => {
    expect(extractFacts('我在XX卡盟买的钻石会员被自动扣了30块', NOW)).toEqual({
      facts: { amount: '30.00 CNY', merchant: 'XX卡盟' },
      amountAfterVerb: true,
    });
    expect(extractFacts('订单号是E20261103123456，昨天扣了30', NOW).facts).toEqual({
      amount: '30.00 CNY',
      date: '2026-11-24',
      order: 'E20261103123456',
    });
    expect(extractFacts('网站是 kamen.example.com 工单号CS-88231', NOW).facts).toEqual({
      ticket: 'CS-88231',
      url: 'kamen.example.com',
    });
    expect(extractFacts('我在一个卡盟网站买的', NOW).facts).toEqual({});
  });
});
