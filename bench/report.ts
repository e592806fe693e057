/**
 * The bench's report: every goal from issue 14 with the figure this run measured and whether it was met (by
 * how much when not), then the figures behind them, as Markdown (printed, and put into bench/README.md after
 * a full run).
 */
import type { EngineResult } from './engine/engineRow.ts';
import type { GrowthResult } from './growth/growthRow.ts';
import type { HttpResult } from './http/httpRow.ts';
import type { ServerFigures } from './http/measure.ts';
import type { WechatResult } from './http/wechatRow.ts';
import { type machine, markdownTable } from './lib/results.ts';
import { type Spread, showSpread } from './lib/stats.ts';
import type { PostgresResult } from './postgres.ts';
import type { TelegramResult } from './telegram/telegramRow.ts';
import type { UnderstandResult } from './understand/understandRow.ts';

/**
 * Everything one run measured.
 *
 * @example
 * const r: RunResults = { mode: 'quick', machine: machine(), startedAt: new Date().toISOString() };
 */
export interface RunResults {
  mode: 'quick' | 'full';
  machine: ReturnType<typeof machine>;
  startedAt: string;
  seconds?: number;
  engine?: EngineResult;
  http?: HttpResult;
  wechat?: WechatResult;
  growth?: { results: GrowthResult[]; skipped: { stored: number; reason: string }[] };
  telegram?: TelegramResult;
  understand?: UnderstandResult;
  /** The PostgreSQL rows (informational), when a database was given. */
  postgres?: PostgresResult;
  /** Set by {@link mergeRuns}: rows that were replaced by those of a later run, and when that run was. */
  mergedFrom?: { rows: string[]; mode: string; startedAt: string; seconds?: number; load: number[] }[];
}

const ROWS = ['engine', 'http', 'wechat', 'growth', 'telegram', 'understand', 'postgres'] as const;

/**
 * One report from several runs of the same machine: each later run's rows replace the earlier ones' (a full
 * `--only=http` run over the last complete full run, say); the report's head says which rows came from when.
 *
 * @example
 * goalTable(mergeRuns([lastFullRun, httpOnlyRun])); // rows 1, 3, 4 from the first, row 2 from the second
 */
export function mergeRuns(runs: readonly RunResults[]): RunResults {
  const [first, ...later] = runs;
  if (!first) throw new Error('mergeRuns: give at least one results file');
  const out: RunResults = { ...first, mergedFrom: [...(first.mergedFrom ?? [])] };
  for (const r of later) {
    const rows = ROWS.filter((k) => r[k] !== undefined);
    Object.assign(out, Object.fromEntries(rows.map((k) => [k, r[k]])));
    out.mergedFrom?.push({
      rows: [...rows],
      mode: r.mode,
      startedAt: r.startedAt,
      ...(r.seconds ? { seconds: r.seconds } : {}),
      load: r.machine.load,
    });
  }
  return out;
}

/** "2026-11-30 22:11 UTC (full, 413 s)" */
const when = (startedAt: string, mode: string, seconds?: number) =>
  `${startedAt.slice(0, 16).replace('T', ' ')} UTC (${mode}${seconds ? `, ${Math.round(seconds)} s` : ''})`;

const us = (s: Spread) => showSpread(s, 0, ' µs');
const x = (s: Spread, digits = 2) => showSpread(s, digits, '×');
const ratio = (a: Spread, b: Spread): Spread => ({
  median: a.median / b.median,
  min: a.min / b.max,
  max: a.max / b.min,
  n: Math.min(a.n, b.n),
});

/** "yes", or "no: <how far off>" for a figure that should be at most (or at least) `target`. */
function verdict(value: number, target: number, atMost: boolean, unit = '×'): string {
  if (!Number.isFinite(value)) return 'not measured';
  const met = atMost ? value <= target : value >= target;
  if (met) return 'yes';
  const off = atMost ? value / target : target / value;
  return `no — ${off.toFixed(off < 1.1 ? 2 : 1)}× off (${value.toFixed(unit === '×' ? 2 : 0)}${unit} vs ${target}${unit})`;
}

/** The goals table and the figures behind it. */
export function goalTable(r: RunResults): string {
  const m = r.machine;
  const merged = (r.mergedFrom ?? []).map(
    (f) =>
      ` Rows ${f.rows.join(' and ')} from the run of ${when(f.startedAt, f.mode, f.seconds)}, load average at start ${f.load.join(' / ')}.`,
  );
  const head = `Run of ${when(r.startedAt, r.mode, r.seconds)}: ${m.cores} cores (${m.cpu}), Node ${m.node}, ${m.os}; load average at start ${m.load.join(' / ')} (other work on this shared machine).${merged.join('')}`;
  const goals: string[][] = [];
  const details: string[][] = [];
  const e = r.engine;
  if (e) {
    goals.push(
      [
        '1 · engine.handle per message',
        '≤ 120 µs',
        us(e.handle.a),
        verdict(e.handle.a.median, 120, true, ' µs'),
      ],
      [
        '1 · … ÷ XState + better-sqlite3 peer',
        '≤ 0.5×',
        x(e.handle.ratio),
        verdict(e.handle.ratio.median, 0.5, true),
      ],
    );
    details.push(
      ['XState + better-sqlite3 peer per message', us(e.handle.b)],
      [
        'engine.handle p50 / p99 / max (all rounds)',
        `${e.latency.p50.toFixed(0)} / ${e.latency.p99.toFixed(0)} / ${e.latency.max.toFixed(0)} µs over ${e.latency.messages} messages`,
      ],
      ['pure step per message (no database)', us(e.step)],
      ['receipt issue (build, sign, HTML, store)', us(e.receipt)],
      ['heap after more finished conversations ÷ before', `${e.heapGrowth.toFixed(2)}×`],
      [
        'SQLITE_SYNCHRONOUS=full per message (a flush per commit)',
        `${us(e.durability.a)}; ${x(e.durability.ratio)} the default (normal: ${us(e.durability.b)})`,
      ],
    );
  }
  const h = r.http;
  if (h) {
    const p99 = ratio(h.cancelmate.p99Ms, h.bare.p99Ms);
    goals.push(
      [
        '2 · web chat throughput ÷ bare node:http',
        '≥ 0.35×',
        x(h.throughputRatio),
        verdict(h.throughputRatio.median, 0.35, false),
      ],
      [
        '2 · web chat CPU per message',
        '≤ 150 µs',
        us(h.cancelmate.cpuUsPerRequest),
        verdict(h.cancelmate.cpuUsPerRequest.median, 150, true, ' µs'),
      ],
      [
        `2 · web chat p99 at ${h.offeredPerSecond} req/s ÷ bare's`,
        '≤ 1.5×',
        x(p99, 1),
        verdict(p99.median, 1.5, true),
      ],
    );
    details.push(
      [
        'web chat requests/s (closed loop, 16 users in flight)',
        `${showSpread(h.cancelmate.perSecond)} vs bare ${showSpread(h.bare.perSecond)}`,
      ],
      [
        'CPU per request: web chat vs bare',
        `${us(h.cancelmate.cpuUsPerRequest)} vs ${us(h.bare.cpuUsPerRequest)}`,
      ],
      [
        `p50 / p99 at ${h.offeredPerSecond} req/s: web chat`,
        `${showSpread(h.cancelmate.p50Ms, 1, ' ms')} / ${showSpread(h.cancelmate.p99Ms, 1, ' ms')}`,
      ],
      [
        `p50 / p99 at ${h.offeredPerSecond} req/s: bare`,
        `${showSpread(h.bare.p50Ms, 2, ' ms')} / ${showSpread(h.bare.p99Ms, 1, ' ms')}`,
      ],
      ...(h.cancelmate.settleMaxMs && h.bare.settleMaxMs
        ? [
            [
              'slowest answer in the settling second after the closed loop: web chat / bare',
              `${showSpread(h.cancelmate.settleMaxMs, 1, ' ms')} / ${showSpread(h.bare.settleMaxMs, 1, ' ms')}`,
            ],
          ]
        : []),
      ['errors (web chat / bare)', `${h.cancelmate.errors} / ${h.bare.errors}`],
    );
  }
  const w = r.wechat;
  if (w) wechatLines(w, goals, details);
  const g = r.growth;
  if (g?.results.length) {
    const first = g.results[0];
    const last = g.results.at(-1);
    if (first && last) {
      goals.push(
        [
          `3 · p50 at ${last.stored.toLocaleString('en')} ÷ at ${first.stored.toLocaleString('en')} stored`,
          '≤ 1.2×',
          x(last.p50VsSmallest),
          verdict(last.p50VsSmallest.median, 1.2, true),
        ],
        [
          `3 · memory (RSS) at ${last.stored.toLocaleString('en')} stored`,
          '< 200 MB',
          showSpread(last.rssMb, 0, ' MB'),
          verdict(last.rssMb.median, 200, true, ' MB'),
        ],
      );
      for (const p of g.results)
        details.push([
          `${p.stored.toLocaleString('en')} stored: p50 / p99, CPU, RSS, disk per conversation`,
          `${us(p.p50Us)} / ${us(p.p99Us)}, ${us(p.cpuUsPerMessage)}, ${showSpread(p.rssMb, 0, ' MB')}, ${(p.bytesPerConversation / 1024).toFixed(1)} KiB`,
        ]);
    }
    for (const s of g.skipped)
      details.push([`${s.stored.toLocaleString('en')} stored`, `skipped: ${s.reason}`]);
  }
  const t = r.telegram;
  if (t) {
    const vsEcho = ratio(t.cancelmate.perUpdate, t.echo.perUpdate);
    const growth = ratio(t.cancelmate.q10, t.cancelmate.q1);
    goals.push(
      ['4 · Telegram per update ÷ grammY echo bot', '≤ 1.5×', x(vsEcho), verdict(vsEcho.median, 1.5, true)],
      ['4 · Telegram question 10 ÷ question 1', '≤ 1.1×', x(growth), verdict(growth.median, 1.1, true)],
    );
    for (const [name, f] of [
      ['CancelMate bot', t.cancelmate],
      ['grammY echo bot', t.echo],
      ['@grammyjs/conversations (SQLite storage)', t.conversations],
    ] as const)
      details.push([
        `Telegram ${name}: question 1 / question 10 / all answers`,
        `${us(f.q1)} / ${us(f.q10)} / ${us(f.perUpdate)}`,
      ]);
  }
  const u = r.understand;
  if (u)
    goals.push([
      '5 · what understanding adds per free-text message (issue 11)',
      '≤ 500 µs',
      `${u.addedUs.toFixed(1)} µs (median of ${u.messages} messages)`,
      verdict(u.addedUs, 500, true, ' µs'),
    ]);
  const pgr = r.postgres;
  if (pgr) {
    const f = (n: number) => `${n.toFixed(0)} µs`;
    const rate = (n: number) => `${n.toFixed(0)} msg/s`;
    details.push(
      ['PostgreSQL: one transaction (write + read 1 KB), the baseline', f(pgr.baselineUs)],
      [
        'PostgreSQL: engine.handle per message',
        `${f(pgr.handleUs)}; ${(pgr.handleUs / pgr.baselineUs).toFixed(1)}× its baseline${pgr.sqliteHandleUs ? `, ${(pgr.handleUs / pgr.sqliteHandleUs).toFixed(1)}× SQLite's` : ''}`,
      ],
      [`HTTP throughput, ${pgr.users} users: one SQLite process`, rate(pgr.sqliteRate)],
      [
        'HTTP throughput: one PostgreSQL replica',
        `${rate(pgr.oneRate)}; ${(pgr.oneRate / pgr.sqliteRate).toFixed(2)}× SQLite's`,
      ],
      [
        'HTTP throughput: two PostgreSQL replicas, one database',
        `${rate(pgr.twoRate)}; ${(pgr.twoRate / pgr.oneRate).toFixed(2)}× one replica's`,
      ],
    );
  }
  return [
    head,
    '',
    markdownTable(['goal (issue 14)', 'target', 'measured: median (min–max)', 'met'], goals),
    '',
    markdownTable(['figure', 'measured: median (min–max)'], details),
  ].join('\n');
}

/** Row 2's WeChat goals and figures (a run from before CancelMate's webhook joined shows the slot). */
function wechatLines(w: WechatResult, goals: string[][], details: string[][]): void {
  const ours = w.cancelmate;
  const rate = w.offeredPerSecond ?? 500;
  if (!ours) {
    goals.push(['2 · WeChat webhook ÷ node-webot peer', '≥ 3×', 'not measured in this run', '—']);
  } else {
    const p99 = ratio(ours.p99Ms, w.bare.p99Ms);
    goals.push(
      [
        '2 · WeChat throughput ÷ bare node:http',
        '≥ 0.35×',
        x(ours.vsBare),
        verdict(ours.vsBare.median, 0.35, false),
      ],
      [
        '2 · WeChat throughput ÷ node-webot peer',
        '≥ 3×',
        x(ours.vsNodeWebot),
        verdict(ours.vsNodeWebot.median, 3, false),
      ],
      [
        '2 · WeChat CPU per message',
        '≤ 150 µs',
        us(ours.cpuUsPerRequest),
        verdict(ours.cpuUsPerRequest.median, 150, true, ' µs'),
      ],
      [`2 · WeChat p99 at ${rate} req/s ÷ bare's`, '≤ 1.5×', x(p99, 1), verdict(p99.median, 1.5, true)],
    );
  }
  const sides: [string, ServerFigures][] = [
    ...(ours ? [['CancelMate', ours] as [string, ServerFigures]] : []),
    ['node-webot', w.nodeWebot],
    ['bare', w.bare],
  ];
  details.push(
    [
      `WeChat requests/s (closed loop, ${w.concurrency ?? 16} users in flight): ${sides.map(([n]) => n).join(' / ')}`,
      sides.map(([, f]) => showSpread(f.perSecond)).join(' / '),
    ],
    ['WeChat: node-webot `wechat` (safe mode) ÷ bare node:http', x(w.throughputRatio)],
    ...sides.map(([name, f]) => [
      `WeChat ${name}: CPU per request; p50 / p99 at ${rate} req/s${f.settleMaxMs ? '; slowest in the settling second' : ''}`,
      `${us(f.cpuUsPerRequest)}; ${showSpread(f.p50Ms, 2, ' ms')} / ${showSpread(f.p99Ms, 1, ' ms')}${f.settleMaxMs ? `; ${showSpread(f.settleMaxMs, 1, ' ms')}` : ''}`,
    ]),
    [
      `WeChat errors (${sides.map(([n]) => n).join(' / ')})${w.builtLate ? `; conversations built while measuring: ${w.builtLate}` : ''}`,
      sides.map(([, f]) => f.errors).join(' / '),
    ],
  );
}
