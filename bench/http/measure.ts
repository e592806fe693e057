/**
 * One server measured once under the loopback load generator, for the web chat and WeChat rows: the closed
 * loop (the most it serves, and the CPU its process spent per request meanwhile), a settling pause, then the
 * open loop at a fixed offered load (p50 / p99 from when each request was due). Rounds are summed up by
 * {@link figures}.
 *
 * Why the pause ({@link SETTLE}): the closed loop is a burst no real day brings, and it has an after-effect
 * that is not the fixed load's. On SQLite the WAL outgrows its 32 MB limit during the burst (the checkpointer
 * falls behind); the first commit after the checkpointer has caught up restarts the WAL and cuts the file back
 * to the limit — an ftruncate of 30–90 ms on this machine's disk, on one message. Measured right after the
 * burst, that one stall is most of p99 at 500 requests/s. So every server gets the same pause and a second of
 * light load first, and the slowest answer in that second is kept ({@link Round.settleMaxMs}): the after-effect
 * is reported, not mixed into the steady state.
 */
import type { ChildServer } from '../lib/child.ts';
import { fixedRate, type LoadResult, maxThroughput, type Workload } from '../lib/loadgen.ts';
import { type Spread, spread } from '../lib/stats.ts';

/**
 * One server's figures over the rounds.
 *
 * @example
 * r.cancelmate.perSecond.median / r.bare.perSecond.median; // throughput ratio
 */
export interface ServerFigures {
  perSecond: Spread;
  cpuUsPerRequest: Spread;
  /** At the fixed offered load. */
  p50Ms: Spread;
  p99Ms: Spread;
  /** The slowest answer in the light second after the closed loop (absent in older results). */
  settleMaxMs?: Spread;
  errors: number;
}

/**
 * Between the closed loop and the fixed rate: a pause, then `seconds` at `rate` requests per second (not
 * counted in the fixed-rate figures).
 *
 * @example
 * SETTLE.rate * SETTLE.seconds; // requests the settling second sends
 */
export const SETTLE = { pauseMs: 2000, rate: 50, seconds: 1 } as const;

/**
 * Options: rounds, seconds per measurement, closed-loop concurrency, offered rate.
 *
 * @example
 * const opts: HttpOptions = { rounds: 5, seconds: 5, concurrency: 16, rate: 500 };
 */
export interface HttpOptions {
  rounds: number;
  seconds: number;
  concurrency: number;
  rate: number;
}

/**
 * One server's figures in one round.
 *
 * @example
 * const r: Round = await measure(srv, opts); r.perSecond; r.cpuUs;
 */
export interface Round {
  perSecond: number;
  cpuUs: number;
  p50: number;
  p99: number;
  /** The slowest answer while settling after the closed loop, ms. */
  settleMaxMs: number;
  errors: number;
}

/**
 * Measures `srv` once: closed loop, settling ({@link SETTLE}), then the fixed rate. `prepare` runs before the
 * closed loop and before settling (not timed): the WeChat row builds the requests there.
 *
 * @example
 * const round = await measure(srv, { rounds: 1, seconds: 5, concurrency: 16, rate: 500 });
 */
export async function measure(
  srv: ChildServer,
  opts: HttpOptions,
  workload: Workload = 'webchat',
  prepare?: (phase: 'closed' | 'fixed', last?: LoadResult) => void,
): Promise<Round> {
  prepare?.('closed');
  const before = await srv.usage();
  const max: LoadResult = await maxThroughput(srv.port, {
    concurrency: opts.concurrency,
    seconds: opts.seconds,
    workload,
  });
  const after = await srv.usage();
  prepare?.('fixed', max);
  await new Promise((resolve) => setTimeout(resolve, SETTLE.pauseMs));
  const settle = await fixedRate(srv.port, { rate: SETTLE.rate, seconds: SETTLE.seconds, workload });
  const fixed = await fixedRate(srv.port, { rate: opts.rate, seconds: opts.seconds, workload });
  return {
    perSecond: max.perSecond,
    cpuUs: (after.cpuUs - before.cpuUs) / Math.max(1, max.requests),
    p50: fixed.p50Ms,
    p99: fixed.p99Ms,
    settleMaxMs: settle.maxMs,
    errors: max.errors + settle.errors + fixed.errors,
  };
}

/**
 * A server's rounds as medians with min–max.
 *
 * @example
 * figures([round1, round2, round3]).perSecond.median;
 */
export function figures(rounds: Round[]): ServerFigures {
  return {
    perSecond: spread(rounds.map((r) => r.perSecond)),
    cpuUsPerRequest: spread(rounds.map((r) => r.cpuUs)),
    p50Ms: spread(rounds.map((r) => r.p50)),
    p99Ms: spread(rounds.map((r) => r.p99)),
    settleMaxMs: spread(rounds.map((r) => r.settleMaxMs)),
    errors: rounds.reduce((n, r) => n + r.errors, 0),
  };
}
