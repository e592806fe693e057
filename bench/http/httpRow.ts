/**
 * Row 2: the web chat end to end (`POST /api/chat` through Fastify, the rate limit, the session cookie, the
 * engine and SQLite) beside bare `node:http` answering a fixed JSON reply, each in its own process, under the
 * same loopback load generator: the most each serves (closed loop), the CPU each spends per request, and
 * p50 / p99 at a fixed offered load.
 * The WeChat webhook's part of row 2 is bench/http/wechatRow.ts.
 */
import { join } from 'node:path';
import { startChild } from '../lib/child.ts';
import { maxThroughput } from '../lib/loadgen.ts';
import { type Spread, spread } from '../lib/stats.ts';
import { figures, type HttpOptions, measure, type Round, type ServerFigures } from './measure.ts';

export type { HttpOptions, ServerFigures } from './measure.ts';

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
