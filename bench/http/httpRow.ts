/**
 * Row 2: the web chat end to end (`POST /api/chat` through Fastify, the rate limit, the session cookie, the
 * engine and SQLite) beside bare `node:http` answering a fixed JSON reply, each in its own process, under the
 * same loopback load generator: the most each serves (closed loop), the CPU each spends per request, and
 * p50 / p99 at a fixed offered load.
 *
 * WeChat (safe mode: signed, encrypted, many distinct users): the node-webot `wechat` peer
 * (bench/peers/wechatPeer.ts) is measured beside bare `node:http` under the same WeChat workload.
 * ── SLOT: CancelMate's own WeChat webhook joins this row once the WeChat channel is on main: start it like
 * cancelmateServer.ts (with its route mounted) and add it as a third server to {@link wechatRow}. ──
 */
import { join } from 'node:path';
import { type ChildServer, startChild } from '../lib/child.ts';
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

/** What {@link httpRow} measured. */
export interface HttpResult {
  cancelmate: ServerFigures;
  bare: ServerFigures;
  /** CancelMate ÷ bare, per round, for throughput; bare's p99 ÷ ours is not taken (see README). */
  throughputRatio: Spread;
  offeredPerSecond: number;
  concurrency: number;
  seconds: number;
}

interface Round {
  perSecond: number;
  cpuUs: number;
  p50: number;
  p99: number;
  errors: number;
}

async function measure(srv: ChildServer, opts: HttpOptions, workload: Workload = 'webchat'): Promise<Round> {
  const before = await srv.usage();
  const max: LoadResult = await maxThroughput(srv.port, {
    concurrency: opts.concurrency,
    seconds: opts.seconds,
    workload,
  });
  const after = await srv.usage();
  const fixed = await fixedRate(srv.port, { rate: opts.rate, seconds: opts.seconds, workload });
  return {
    perSecond: max.perSecond,
    cpuUs: (after.cpuUs - before.cpuUs) / Math.max(1, max.requests),
    p50: fixed.p50Ms,
    p99: fixed.p99Ms,
    errors: max.errors + fixed.errors,
  };
}

/** Options: rounds, seconds per measurement, closed-loop concurrency, offered rate. */
export interface HttpOptions {
  rounds: number;
  seconds: number;
  concurrency: number;
  rate: number;
}

function figures(rounds: Round[]): ServerFigures {
  return {
    perSecond: spread(rounds.map((r) => r.perSecond)),
    cpuUsPerRequest: spread(rounds.map((r) => r.cpuUs)),
    p50Ms: spread(rounds.map((r) => r.p50)),
    p99Ms: spread(rounds.map((r) => r.p99)),
    errors: rounds.reduce((n, r) => n + r.errors, 0),
  };
}

/** See the module description. */
export async function httpRow(opts: HttpOptions): Promise<HttpResult> {
  const ours = await startChild(join(import.meta.dirname, 'cancelmateServer.ts'), { LOG_LEVEL: 'info' });
  const bare = await startChild(join(import.meta.dirname, 'bareServer.ts'), {});
  try {
    // Warm-up: JIT, SQLite pages, connection pools.
    await maxThroughput(ours.port, { concurrency: opts.concurrency, seconds: 1 });
    await maxThroughput(bare.port, { concurrency: opts.concurrency, seconds: 1 });
    const a: Round[] = [];
    const b: Round[] = [];
    for (let i = 0; i < opts.rounds; i += 1) {
      if (i % 2 === 0) {
        a.push(await measure(ours, opts));
        b.push(await measure(bare, opts));
      } else {
        b.push(await measure(bare, opts));
        a.push(await measure(ours, opts));
      }
    }
    return {
      cancelmate: figures(a),
      bare: figures(b),
      throughputRatio: spread(a.map((r, i) => r.perSecond / (b[i]?.perSecond ?? Number.NaN))),
      offeredPerSecond: opts.rate,
      concurrency: opts.concurrency,
      seconds: opts.seconds,
    };
  } finally {
    await ours.stop();
    await bare.stop();
  }
}

/**
 * What {@link wechatRow} measured: the node-webot peer and bare node:http under the WeChat workload (bare
 * answers its fixed reply without decrypting: the floor).
 *
 * @example
 * (await wechatRow(opts)).throughputRatio.median; // node-webot ÷ bare
 */
export interface WechatResult {
  nodeWebot: ServerFigures;
  bare: ServerFigures;
  throughputRatio: Spread;
  /** CancelMate's WeChat webhook: not measured until the WeChat channel is on main (the slot above). */
  cancelmate: null;
}

/** See {@link WechatResult}. */
export async function wechatRow(opts: HttpOptions): Promise<WechatResult> {
  const peer = await startChild(join(import.meta.dirname, '..', 'peers', 'wechatPeer.ts'), {});
  const bare = await startChild(join(import.meta.dirname, 'bareServer.ts'), { BARE_ANY_PATH: '1' });
  try {
    await maxThroughput(peer.port, { concurrency: opts.concurrency, seconds: 1, workload: 'wechat' });
    await maxThroughput(bare.port, { concurrency: opts.concurrency, seconds: 1, workload: 'wechat' });
    const a: Round[] = [];
    const b: Round[] = [];
    for (let i = 0; i < opts.rounds; i += 1) {
      if (i % 2 === 0) {
        a.push(await measure(peer, opts, 'wechat'));
        b.push(await measure(bare, opts, 'wechat'));
      } else {
        b.push(await measure(bare, opts, 'wechat'));
        a.push(await measure(peer, opts, 'wechat'));
      }
    }
    return {
      nodeWebot: figures(a),
      bare: figures(b),
      throughputRatio: spread(a.map((r, i) => r.perSecond / (b[i]?.perSecond ?? Number.NaN))),
      cancelmate: null,
    };
  } finally {
    await peer.stop();
    await bare.stop();
  }
}
