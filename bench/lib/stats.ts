/**
 * Small statistics for the benchmarks: percentiles over samples, and the median with its min–max over rounds.
 */

/**
 * A figure over several rounds: the median and the range the rounds spread over.
 *
 * @example
 * const s: Spread = spread([3, 1, 2]); // { median: 2, min: 1, max: 3, n: 3 }
 */
export interface Spread {
  median: number;
  min: number;
  max: number;
  n: number;
}

/**
 * The `p`-th percentile (0–1) of `values` (nearest rank on a sorted copy); NaN for no values.
 *
 * @example
 * percentile([5, 1, 9, 3], 0.5); // 3
 */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1));
  return sorted[rank] ?? Number.NaN;
}

/**
 * Median, min and max of `values`.
 *
 * @example
 * spread([120, 100, 140]).median; // 120
 */
export function spread(values: readonly number[]): Spread {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median =
    sorted.length === 0
      ? Number.NaN
      : sorted.length % 2
        ? (sorted[mid] ?? Number.NaN)
        : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
  return { median, min: sorted[0] ?? Number.NaN, max: sorted.at(-1) ?? Number.NaN, n: sorted.length };
}

/**
 * A spread as text: `median (min–max)` with the given digits and unit.
 *
 * @example
 * showSpread({ median: 101.4, min: 99, max: 120.2, n: 5 }, 0, ' µs'); // '101 µs (99–120)'
 */
export function showSpread(s: Spread, digits = 0, unit = ''): string {
  const f = (v: number) => v.toFixed(digits);
  return `${f(s.median)}${unit} (${f(s.min)}–${f(s.max)})`;
}

/**
 * Nanoseconds since an arbitrary origin, as a number (for differences).
 *
 * @example
 * const t0 = nowNs(); work(); const ns = nowNs() - t0;
 */
export function nowNs(): number {
  return Number(process.hrtime.bigint());
}
