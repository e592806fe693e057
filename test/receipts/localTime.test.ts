import { describe, expect, it } from 'vitest';
import { newReceiptId } from '../../src/receipts/build.ts';
import {
  DEFAULT_TIME_ZONE,
  formatLocalTime,
  isTimeZone,
  localDay,
  localHourInstant,
} from '../../src/receipts/localTime.ts';

describe('one "today" in the user’s time zone', () => {
  it('takes the calendar day in Asia/Shanghai by default, not the UTC one', () => {
    expect(DEFAULT_TIME_ZONE).toBe('Asia/Shanghai');
    // 23:30 UTC on the 24th is 07:30 on the 25th in Beijing.
    const late = new Date('2026-11-24T23:30:00Z');
    expect(localDay(late)).toBe('2026-11-25');
    expect(localDay(late, 'UTC')).toBe('2026-11-24');
    expect(localDay(new Date('2026-11-24T15:59:59Z'))).toBe('2026-11-24');
    expect(localDay(new Date('2026-11-24T16:00:00Z'))).toBe('2026-11-25');
    expect(localDay(new Date('2026-12-31T20:00:00Z'))).toBe('2027-01-01');
  });

  it('dates the receipt id with the same day', () => {
    expect(newReceiptId(new Date('2026-11-24T23:30:00Z'))).toMatch(/^R-20261125-[0-9A-F]{8}$/);
    expect(newReceiptId(new Date('2026-11-24T23:30:00Z'), 'UTC')).toMatch(/^R-20261124-[0-9A-F]{8}$/);
  });

  it('shows wall-clock times with the zone named, in both languages', () => {
    expect(formatLocalTime('2026-11-25T01:00:00.000Z', 'zh-CN')).toBe('2026-11-25 09:00:00（北京时间）');
    expect(formatLocalTime('2026-11-25T01:00:00.000Z', 'en')).toBe(
      '2026-11-25 09:00:00 (Beijing time, UTC+8)',
    );
    expect(formatLocalTime('2026-11-25T01:00:00.000Z', 'en', 'Europe/Berlin')).toBe(
      '2026-11-25 02:00:00 (Europe/Berlin)',
    );
    expect(formatLocalTime('not a time', 'en')).toBe('not a time');
  });

  it('refuses an unknown zone with a message that says what to use', () => {
    expect(isTimeZone('Asia/Shanghai')).toBe(true);
    expect(isTimeZone('Beijing')).toBe(false);
    expect(() => localDay(new Date(), 'Beijing')).toThrow(
      /Unknown time zone "Beijing": use an IANA name such as Asia\/Shanghai/,
    );
  });
});

describe('an hour on a day in the user’s time zone (when a reminder is due)', () => {
  it('is that wall-clock hour in the zone, whatever the machine’s zone', () => {
    expect(localHourInstant('2026-12-24', 9).toISOString()).toBe('2026-12-24T01:00:00.000Z');
    expect(localHourInstant('2026-12-24', 9, 'UTC').toISOString()).toBe('2026-12-24T09:00:00.000Z');
    expect(localHourInstant('2026-12-24', 9, 'Pacific/Kiritimati').toISOString()).toBe(
      '2026-12-23T19:00:00.000Z',
    );
    for (const [day, zone] of [
      ['2026-12-24', 'Asia/Shanghai'],
      ['2026-07-01', 'America/New_York'],
    ] as const)
      expect(localDay(localHourInstant(day, 9, zone), zone)).toBe(day);
  });

  it('uses the offset in force on the day across daylight-saving changes', () => {
    // Berlin: CET (UTC+1) until 29 March 2026 02:00, CEST (UTC+2) from then on.
    expect(localHourInstant('2026-03-28', 9, 'Europe/Berlin').toISOString()).toBe('2026-03-28T08:00:00.000Z');
    expect(localHourInstant('2026-03-29', 9, 'Europe/Berlin').toISOString()).toBe('2026-03-29T07:00:00.000Z');
    // Los Angeles goes back to PST (UTC-8) at 02:00 on 1 November 2026.
    expect(localHourInstant('2026-11-01', 9, 'America/Los_Angeles').toISOString()).toBe(
      '2026-11-01T17:00:00.000Z',
    );
  });

  it('refuses a malformed day and an unknown zone, saying what it expected', () => {
    expect(() => localHourInstant('24.12.2026', 9)).toThrow(/expected a day as YYYY-MM-DD/);
    expect(() => localHourInstant('2026-12-24', 9, 'Beijing')).toThrow(/Unknown time zone "Beijing"/);
  });
});
