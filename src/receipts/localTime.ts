/**
 * The one "today" and the clock time a user reads: dates on letters, receipt ids and receipt pages are taken
 * in the user's time zone, Asia/Shanghai unless an installation says otherwise. Pure: the result depends only
 * on the instant and the zone, never on the machine's own zone or locale.
 *
 * @example
 * localDay(new Date('2026-11-24T17:30:00Z')); // '2026-11-25' (01:30 the next morning in Beijing)
 * formatLocalTime('2026-11-25T01:00:00.000Z', 'zh-CN'); // '2026-11-25 09:00:00（北京时间）'
 */
export const DEFAULT_TIME_ZONE = 'Asia/Shanghai';

/**
 * True when `zone` is an IANA time zone this runtime knows (e.g. `Asia/Shanghai`, `Europe/Berlin`, `UTC`).
 *
 * @example
 * isTimeZone('Asia/Shanghai'); // true
 * isTimeZone('Beijing'); // false
 */
export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    if (!isTimeZone(zone))
      throw new RangeError(
        `Unknown time zone "${zone}": use an IANA name such as Asia/Shanghai (see the tz database list).`,
      );
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(zone, f);
  }
  return f;
}

/** The wall-clock parts of an instant in `zone`, as zero-padded strings. */
function wallClock(
  at: Date,
  zone: string,
): Record<'year' | 'month' | 'day' | 'hour' | 'minute' | 'second', string> {
  const parts: Record<string, string> = {};
  for (const p of formatterFor(zone).formatToParts(at)) parts[p.type] = p.value;
  return {
    year: parts.year ?? '0000',
    month: parts.month ?? '00',
    day: parts.day ?? '00',
    hour: parts.hour ?? '00',
    minute: parts.minute ?? '00',
    second: parts.second ?? '00',
  };
}

/**
 * The calendar day of `at` in `zone`, as `YYYY-MM-DD`. Throws a RangeError naming the zone when it is unknown.
 *
 * @example
 * localDay(new Date('2026-11-24T16:00:00Z'), 'Asia/Shanghai'); // '2026-11-25'
 * localDay(new Date('2026-11-24T16:00:00Z'), 'UTC'); // '2026-11-24'
 */
export function localDay(at: Date, zone: string = DEFAULT_TIME_ZONE): string {
  const w = wallClock(at, zone);
  return `${w.year}-${w.month}-${w.day}`;
}

/**
 * An ISO timestamp as the wall-clock time in `zone` with the zone named in the reader's language:
 * 「北京时间」 / "Beijing time" for Asia/Shanghai, the IANA name otherwise. An unparsable input is returned
 * as it is.
 *
 * @example
 * formatLocalTime('2026-11-25T01:00:00.000Z', 'zh-CN'); // '2026-11-25 09:00:00（北京时间）'
 * formatLocalTime('2026-11-25T01:00:00.000Z', 'en'); // '2026-11-25 09:00:00 (Beijing time, UTC+8)'
 * formatLocalTime('2026-11-25T01:00:00.000Z', 'en', 'UTC'); // '2026-11-25 01:00:00 (UTC)'
 */
export function formatLocalTime(iso: string, lang: 'zh-CN' | 'en', zone: string = DEFAULT_TIME_ZONE): string {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return iso;
  const w = wallClock(new Date(ms), zone);
  const stamp = `${w.year}-${w.month}-${w.day} ${w.hour}:${w.minute}:${w.second}`;
  if (zone === DEFAULT_TIME_ZONE)
    return lang === 'en' ? `${stamp} (Beijing time, UTC+8)` : `${stamp}（北京时间）`;
  return lang === 'en' ? `${stamp} (${zone})` : `${stamp}（${zone}）`;
}

/**
 * The instant at which the wall clock in `zone` shows `hour`:00 on `day` (`YYYY-MM-DD`): when a reminder for
 * that day is due. Across a daylight-saving change the offset in force at that hour is used. Throws a
 * RangeError for an unknown zone or a malformed day.
 *
 * @example
 * localHourInstant('2026-12-24', 9, 'Asia/Shanghai').toISOString(); // '2026-12-24T01:00:00.000Z'
 * localHourInstant('2026-07-01', 9, 'Europe/Berlin').toISOString(); // '2026-07-01T07:00:00.000Z'
 */
export function localHourInstant(day: string, hour: number, zone: string = DEFAULT_TIME_ZONE): Date {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!m) throw new RangeError(`localHourInstant: expected a day as YYYY-MM-DD, got "${day}"`);
  const wanted = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), hour);
  const offsetAt = (at: number) => {
    const w = wallClock(new Date(at), zone);
    const shown = Date.UTC(+w.year, +w.month - 1, +w.day, +w.hour, +w.minute, +w.second);
    return shown - Math.floor(at / 1000) * 1000;
  };
  const first = wanted - offsetAt(wanted);
  return new Date(wanted - offsetAt(first));
}
