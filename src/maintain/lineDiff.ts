/**
 * A line diff (longest common subsequence) cut into hunks with a little context, for `flows diff`.
 *
 * @example
 * const hunks = diffLines(['a', 'b', 'c'], ['a', 'B', 'c'], 1);
 * hunks[0]?.lines; // [' a', '-b', '+B', ' c']
 */
export interface Hunk {
  /** Lines prefixed with ' ' (unchanged), '-' (before only) or '+' (after only). */
  lines: string[];
  /** The changed lines alone (for recognising the same change in several conversations). */
  change: string;
}

/** See {@link Hunk}. `context` unchanged lines are kept around each change. */
export function diffLines(before: readonly string[], after: readonly string[], context = 2): Hunk[] {
  const n = before.length;
  const m = after.length;
  // lcs[i][j] = length of the LCS of before[i..] and after[j..].
  const lcs: Uint32Array[] = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
  for (let i = n - 1; i >= 0; i -= 1) {
    const row = lcs[i] as Uint32Array;
    const next = lcs[i + 1] as Uint32Array;
    for (let j = m - 1; j >= 0; j -= 1)
      row[j] = before[i] === after[j] ? (next[j + 1] ?? 0) + 1 : Math.max(next[j] ?? 0, row[j + 1] ?? 0);
  }
  const ops: string[] = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && before[i] === after[j]) {
      ops.push(` ${before[i]}`);
      i += 1;
      j += 1;
    } else if (i < n && (j >= m || (lcs[i + 1]?.[j] ?? 0) >= (lcs[i]?.[j + 1] ?? 0))) {
      // What was there before comes first, then what replaced it.
      ops.push(`-${before[i]}`);
      i += 1;
    } else {
      ops.push(`+${after[j]}`);
      j += 1;
    }
  }
  const changed = ops.map((op, k) => (op.startsWith(' ') ? -1 : k)).filter((k) => k >= 0);
  const hunks: Hunk[] = [];
  let k = 0;
  while (k < changed.length) {
    const first = changed[k] as number;
    let last = first;
    while (k + 1 < changed.length && (changed[k + 1] as number) - last <= 2 * context + 1) {
      k += 1;
      last = changed[k] as number;
    }
    k += 1;
    const lines = ops.slice(Math.max(0, first - context), Math.min(ops.length, last + context + 1));
    hunks.push({ lines, change: lines.filter((l) => !l.startsWith(' ')).join('\n') });
  }
  return hunks;
}
