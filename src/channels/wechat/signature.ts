import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Tencent's request signatures, shared by the Official Account and WeCom: the SHA-1 (lower-case hex) of the
 * lexicographically sorted parts joined without a separator. The plain `signature` signs
 * (token, timestamp, nonce); `msg_signature` adds the `Encrypt` string (or WeCom's encrypted echostr).
 *
 * @example
 * wechatSignature(['AAAAA', '1714037059', '486452656']); // '899cf89e464efb63f54ddac96b0a0a235f53aa78'
 * signatureMatches('899cf89e464efb63f54ddac96b0a0a235f53aa78', ['AAAAA', '1714037059', '486452656']); // true
 */
export function wechatSignature(parts: readonly string[]): string {
  return createHash('sha1')
    .update([...parts].sort().join(''))
    .digest('hex');
}

/**
 * True when `given` is the signature of `parts`, compared in constant time (both sides are hashed to 32
 * bytes first, so neither the length nor the content of a forged value leaks through timing). A missing
 * or non-string value never matches.
 *
 * @example
 * signatureMatches(query.signature, [token, query.timestamp, query.nonce]);
 */
export function signatureMatches(given: unknown, parts: readonly string[]): boolean {
  if (typeof given !== 'string' || given.length === 0) return false;
  const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();
  return timingSafeEqual(digest(given.toLowerCase()), digest(wechatSignature(parts)));
}

/**
 * How far a request's `timestamp` may be from our clock before it is refused as a replay: 5 minutes.
 *
 * @example
 * timestampFresh(String(Math.floor(Date.now() / 1000) - MAX_CLOCK_SKEW_SECONDS - 1), Date.now()); // false
 */
export const MAX_CLOCK_SKEW_SECONDS = 300;

/**
 * True when `timestamp` is a whole number of seconds within {@link MAX_CLOCK_SKEW_SECONDS} of `nowMs`.
 *
 * @example
 * timestampFresh('1714037059', 1714037059_000 + 60_000); // true
 * timestampFresh('1714037059', 1714037059_000 + 600_000); // false
 */
export function timestampFresh(timestamp: unknown, nowMs: number): boolean {
  if (typeof timestamp !== 'string' || !/^\d{1,12}$/.test(timestamp)) return false;
  return Math.abs(Number(timestamp) - nowMs / 1000) <= MAX_CLOCK_SKEW_SECONDS;
}
