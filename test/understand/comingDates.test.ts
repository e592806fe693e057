import { describe, expect, it } from 'vitest';
import { findComingDate, findDate } from '../../src/understand/dates.ts';
import { parseFact, REMINDER_MAX_DAYS } from '../../src/understand/facts.ts';

// Wednesday 2026-11-25, noon in Shanghai.
const NOW = new Date('2026-11-25T04:00:00Z');

describe('days to come (a reminder), as people say them', () => {
  it.each([
    ['12月24日', '2026-12-24'],
    ['11月25日', '2026-11-25'], // today counts
    ['11月15日', '2027-11-15'], // already past this year: next year's
    ['明年1月3日', '2027-01-03'],
    ['2026年12月1日', '2026-12-01'],
    ['2026-12-01', '2026-12-01'],
    ['12.14号', '2026-12-14'],
    ['下个月15号', '2026-12-15'],
    ['下下个月1号', '2027-01-01'],
    ['这个月30号', '2026-11-30'],
    ['30号', '2026-11-30'],
    ['15号', '2026-12-15'], // the 15th has passed this month: next month's
    ['明天', '2026-11-26'],
    ['后天', '2026-11-27'],
    ['大后天', '2026-11-28'],
    ['今天', '2026-11-25'],
    ['三天后', '2026-11-28'],
    ['两周以后', '2026-12-09'],
    ['3个月后', '2027-02-25'],
    ['周五', '2026-11-27'], // the next Friday
    ['周三', '2026-11-25'], // today is Wednesday
    ['下周一', '2026-11-30'],
    ['下周五提醒我', '2026-12-04'],
    ['tomorrow', '2026-11-26'],
    ['in 3 days', '2026-11-28'],
    ['in two weeks', '2026-12-09'],
    ['in 2 months', '2027-01-25'],
    ['next friday', '2026-11-27'],
    ['next wednesday', '2026-12-02'], // "next" is after today
    ['dec 24', '2026-12-24'],
    ['14 december', '2026-12-14'],
    ['the 3rd', '2026-12-03'],
  ])('%s → %s', (text, day) => {
    expect(findComingDate(text.toLowerCase(), NOW)).toEqual({ value: day, past: false });
  });

  it.each([
    ['昨天', '2026-11-24'],
    ['这周一', '2026-11-23'],
    ['2025-01-01', '2025-01-01'],
    ['三天前', '2026-11-22'],
  ])('%s is a day gone (%s)', (text, day) => {
    expect(findComingDate(text, NOW)).toEqual({ value: day, past: true });
  });

  it('reads the day in the users’ time zone', () => {
    const lateUtc = new Date('2026-11-25T17:00:00Z'); // 01:00 on the 26th in Shanghai
    expect(findComingDate('明天', lateUtc)?.value).toBe('2026-11-27');
    expect(findComingDate('明天', lateUtc, 'America/Los_Angeles')?.value).toBe('2026-11-26');
  });

  it('finds nothing where no day is said', () => {
    for (const text of ['随便', '下个月', 'soon', '30块'])
      expect(findComingDate(text, NOW), text).toBeUndefined();
  });

  it('leaves dates of a charge that happened as they were: days to come are not charges', () => {
    expect(findDate('11月15日', NOW)?.value).toBe('2026-11-15');
    expect(findDate('15号', NOW)?.value).toBe('2026-11-15');
    expect(findDate('周五', NOW)?.value).toBe('2026-11-20');
    for (const text of ['明天', '下个月15号', '下周五', '三天后', 'tomorrow', 'next friday'])
      expect(findDate(text, NOW), text).toBeUndefined();
  });
});

describe('the reminder fact', () => {
  it('takes a day today or later', () => {
    expect(parseFact('reminder', '下个月14号', NOW)).toEqual({ ok: true, value: '2026-12-14' });
    expect(parseFact('reminder', '就12月14日吧', NOW)).toEqual({ ok: true, value: '2026-12-14' });
    expect(parseFact('reminder', '今天', NOW)).toEqual({ ok: true, value: '2026-11-25' });
  });

  it('refuses a day gone, a day too far, and words that are no day, each with its reason', () => {
    expect(parseFact('reminder', '昨天', NOW)).toEqual({ ok: false, reason: 'past' });
    expect(parseFact('reminder', '2026-11-24', NOW)).toEqual({ ok: false, reason: 'past' });
    expect(parseFact('reminder', '2099-01-01', NOW)).toEqual({ ok: false, reason: 'tooFar' });
    expect(parseFact('reminder', '下周吧', NOW)).toEqual({ ok: false, reason: 'day' });
    expect(parseFact('reminder', '   ', NOW)).toEqual({ ok: false, reason: 'empty' });
  });

  it(`reaches exactly ${REMINDER_MAX_DAYS} days ahead`, () => {
    // 2026-11-25 + 400 days = 2027-12-30.
    expect(parseFact('reminder', '2027-12-30', NOW)).toEqual({ ok: true, value: '2027-12-30' });
    expect(parseFact('reminder', '2027-12-31', NOW)).toEqual({ ok: false, reason: 'tooFar' });
  });
});
