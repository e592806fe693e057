import { describe, expect, it } from 'vitest';
import { newReceiptId } from '../../src/receipts/build.ts';
import { DEFAULT_TIME_ZONE, formatLocalTime, isTimeZone, localDay } from '../../src/receipts/localTime.ts';

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
