/**
 * Row 3: growth. With 1k, 100k and (full run only) 1M stored conversations: per-message latency of
 * engine.handle, the memory of the process serving them, and bytes on disk per finished conversation. The
 * database grows in place from one size to the next (seedConversations.ts); each size is measured by a fresh
 * process (growthProbe.ts), alternating with the smallest size's database so both see the same machine.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statfsSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DB_FILE } from '../../src/store/sqlite/database.ts';
import { benchApp } from '../engine/engineRow.ts';
import { type Spread, spread } from '../lib/stats.ts';
import type { GrowthPoint } from '../lib/svg.ts';
import { seedConversations, walkTemplates } from './seedConversations.ts';

/** One size's figures: the spread over rounds, and the point plotted (medians). */
export interface GrowthResult {
  stored: number;
  p50Us: Spread;
  p99Us: Spread;
  cpuUsPerMessage: Spread;
  rssMb: Spread;
  bytesPerConversation: number;
  /** p50 at this size ÷ p50 at the smallest size, per round (alternating). */
  p50VsSmallest: Spread;
  point: GrowthPoint;
}

interface Probe {
  p50Us: number;
  p99Us: number;
  cpuUsPerMessage: number;
  rssMb: number;
}

function probe(dataDir: string, messages: number): Probe {
  const out = execFileSync(
    process.execPath,
    ['--import', 'tsx', '--expose-gc', join(import.meta.dirname, 'growthProbe.ts')],
    { env: { ...process.env, DATA_DIR: dataDir, BENCH_MESSAGES: String(messages) }, encoding: 'utf8' },
  );
  return JSON.parse(out.trim().split('\n').at(-1) ?? '{}') as Probe;
}

function dbBytes(dataDir: string): number {
  let total = 0;
  for (const f of [DB_FILE, `${DB_FILE}-wal`])
    try {
      total += statSync(join(dataDir, f)).size;
    } catch {
      // no WAL after a clean close
    }
  return total;
}

/**
 * Measures each of `sizes` (ascending); a size whose database would not fit on the disk (with room to
 * spare) is skipped and reported as such.
 *
 * @example
 * const points = await growthRow({ sizes: [1_000, 100_000], rounds: 3, messages: 2100 });
 */
export async function growthRow(opts: {
  sizes: number[];
  rounds: number;
  messages: number;
}): Promise<{ results: GrowthResult[]; skipped: { stored: number; reason: string }[] }> {
  const root = mkdtempSync(join(tmpdir(), 'cancelmate-bench-growth-'));
  const small = join(root, 'small');
  const big = join(root, 'big');
  const results: GrowthResult[] = [];
  const skipped: { stored: number; reason: string }[] = [];
  try {
    const templateApp = await benchApp(join(root, 'templates'));
    const templates = await walkTemplates(templateApp, 40);
    await templateApp.close();
    const smallest = opts.sizes[0] ?? 1000;
    for (const dir of [small, big]) {
      const app = await benchApp(dir);
      await app.close();
      seedConversations(dir, templates, smallest, 180, dir === small ? 1 : 2);
    }
    let stored = smallest;
    for (const size of opts.sizes) {
      if (size > stored) {
        const perConversation = dbBytes(big) / stored;
        const needed = perConversation * (size - stored) * 1.5 + 5 * 2 ** 30;
        const fs = statfsSync(root);
        if (fs.bavail * fs.bsize < needed) {
          skipped.push({
            stored: size,
            reason: `needs about ${(needed / 2 ** 30).toFixed(0)} GB free on ${tmpdir()}`,
          });
          continue;
        }
        seedConversations(big, templates, size - stored, 180, size);
        stored = size;
      }
      const rounds: { big: Probe; small: Probe }[] = [];
      for (let r = 0; r < opts.rounds; r += 1) {
        const first = r % 2 === 0 ? big : small;
        const a = probe(first, opts.messages);
        const b = probe(first === big ? small : big, opts.messages);
        rounds.push(first === big ? { big: a, small: b } : { big: b, small: a });
      }
      const p50Us = spread(rounds.map((x) => x.big.p50Us));
      const p99Us = spread(rounds.map((x) => x.big.p99Us));
      const rssMb = spread(rounds.map((x) => x.big.rssMb));
      const bytesPerConversation = dbBytes(big) / stored;
      results.push({
        stored,
        p50Us,
        p99Us,
        cpuUsPerMessage: spread(rounds.map((x) => x.big.cpuUsPerMessage)),
        rssMb,
        bytesPerConversation,
        p50VsSmallest: spread(rounds.map((x) => x.big.p50Us / x.small.p50Us)),
        point: {
          stored,
          p50Us: p50Us.median,
          p99Us: p99Us.median,
          rssMb: rssMb.median,
          bytesPerConversation,
        },
      });
    }
    return { results, skipped };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
