/**
 * One server measured once under the loopback load generator, for the web chat and WeChat rows: the closed
 * loop (the most it serves, and the CPU its process spent per request meanwhile), then the open loop at a
 * fixed offered load (p50 / p99 from when each request was due). Rounds are summed up by {@link figures}.
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
  errors: number;
}

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
  errors: number;
}

/**
 * Measures `srv` once: closed loop, then the fixed rate. `prepare` runs before each of the two (not timed):
 * the WeChat row builds that phase's requests there.
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
  const fixed = await fixedRate(srv.port, { rate: opts.rate, seconds: opts.seconds, workload });
  return {
    perSecond: max.perSecond,
    cpuUs: (after.cpuUs - before.cpuUs) / Math.max(1, max.requests),
    p50: fixed.p50Ms,
    p99: fixed.p99Ms,
    errors: max.errors + fixed.errors,
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
    errors: rounds.reduce((n, r) => n + r.errors, 0),
  };
}
