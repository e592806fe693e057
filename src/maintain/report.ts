import { parseArgs } from 'node:util';
import { COUNTER_KINDS } from '../dialogue/counters.ts';
import type { FlowBundle } from '../flows/bundle.ts';
import { CHANNELS, provenanceOf } from '../flows/schema.ts';
import type { StatRow, StorePort } from '../store/port.ts';

/**
 * `npm run flows -- report`, the maintainers' to-do list, from the counters the engine keeps (store/port.ts
 * `StatCounter`): the cancel paths users most often reported blocked (and why, month by month), the paths
 * checked longest ago, and the platform names users typed that the catalogue does not know. Counts only.
 *
 * @example
 * const report = buildFlowsReport(await store.stats({ sinceMonth: '2026-06' }), bundle, { now, months: 6, staleDays: 180 });
 * process.stdout.write(formatFlowsReport(report));
 */
export interface FlowsReport {
  /** The months counted, `YYYY-MM`, first and last. */
  from: string;
  to: string;
  flowVersion: string;
  staleDays: number;
  /** Paths reported blocked at least once, most blocked first. */
  failing: PathReport[];
  /** Every path in the catalogue, the longest since it was checked first. */
  oldest: PathReport[];
  /**
   * Platform names typed at the platform question that picked nothing, most typed first: those typed more than
   * once, and web addresses (a name typed only once may be something personal that got past the filter).
   */
  unknownPlatforms: { name: string; count: number }[];
  /** How many other names were typed once (counted, not listed). */
  unknownTypedOnce: number;
}

/** What users reported about one path (one platform's one channel), with how we know the path. */
export interface PathReport {
  platform: string;
  channel: string;
  /** The platform's name (zh-CN), absent when it has left the catalogue. */
  name?: string;
  /** False when the catalogue no longer has this path (its counts stay). */
  inCatalogue: boolean;
  worked: number;
  blocked: number;
  /** Why it was blocked: reason id → count. */
  reasons: Record<string, number>;
  /** Month → counts, oldest month first. */
  months: Record<string, { worked: number; blocked: number }>;
  /** `verified` or `compiled`, its date and age in days (absent for a path no longer in the catalogue). */
  checked?: { kind: 'verified' | 'compiled'; date: string; ageDays: number };
}

/**
 * The first month of a window of `months` months ending with the month of `now` (UTC).
 *
 * @example
 * firstMonth(new Date('2026-11-30T00:00:00Z'), 6); // '2026-06'
 */
export function firstMonth(now: Date, months: number): string {
  const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - (months - 1), 1));
  return d.toISOString().slice(0, 7);
}

/** See {@link FlowsReport}. `rows` are the counters from the window's first month on. */
export function buildFlowsReport(
  rows: readonly StatRow[],
  bundle: FlowBundle,
  opts: { now: Date; months: number; staleDays: number },
): FlowsReport {
  const from = firstMonth(opts.now, opts.months);
  const paths = new Map<string, PathReport>();
  const pathOf = (platform: string, channel: string): PathReport => {
    const id = `${platform}:${channel}`;
    let p = paths.get(id);
    if (!p) {
      const entry = bundle.catalogue.byId.get(platform);
      const def = (CHANNELS as readonly string[]).includes(channel)
        ? entry?.channels[channel as (typeof CHANNELS)[number]]
        : undefined;
      const checked = def ? provenanceOf(def) : undefined;
      p = {
        platform,
        channel,
        ...(entry ? { name: entry.name['zh-CN'] } : {}),
        inCatalogue: def !== undefined,
        worked: 0,
        blocked: 0,
        reasons: {},
        months: {},
        ...(checked ? { checked: { ...checked, ageDays: ageInDays(checked.date, opts.now) } } : {}),
      };
      paths.set(id, p);
    }
    return p;
  };
  for (const entry of bundle.catalogue.list)
    for (const channel of CHANNELS) if (entry.channels[channel]) pathOf(entry.id, channel);

  const unknown = new Map<string, number>();
  for (const row of rows) {
    if (row.month < from) continue;
    if (row.kind === COUNTER_KINDS.unknownPlatform) {
      unknown.set(row.key, (unknown.get(row.key) ?? 0) + row.count);
      continue;
    }
    if (row.kind !== COUNTER_KINDS.outcome) continue;
    const [platform, channel, result, reason] = row.key.split(':');
    if (!platform || !channel || (result !== 'worked' && result !== 'blocked')) continue;
    const p = pathOf(platform, channel);
    const month = p.months[row.month] ?? { worked: 0, blocked: 0 };
    p.months[row.month] = month;
    p[result] += row.count;
    month[result] += row.count;
    if (result === 'blocked') p.reasons[reason ?? '?'] = (p.reasons[reason ?? '?'] ?? 0) + row.count;
  }
  const all = [...paths.values()];
  for (const p of all)
    p.months = Object.fromEntries(Object.entries(p.months).sort(([a], [b]) => a.localeCompare(b)));
  const typed = [...unknown]
    .map(([name, count]) => ({ name, count }))
    .sort((a, b) => b.count - a.count || a.name.localeCompare(b.name));
  return {
    from,
    to: opts.now.toISOString().slice(0, 7),
    flowVersion: bundle.version,
    staleDays: opts.staleDays,
    failing: all
      .filter((p) => p.blocked > 0)
      .sort((a, b) => b.blocked - a.blocked || failRate(b) - failRate(a) || byId(a, b)),
    oldest: all
      .filter((p) => p.checked)
      .sort((a, b) => (a.checked?.date ?? '').localeCompare(b.checked?.date ?? '') || byId(a, b)),
    unknownPlatforms: typed.filter((u) => u.count > 1 || isWebHost(u.name)),
    unknownTypedOnce: typed.filter((u) => u.count <= 1 && !isWebHost(u.name)).length,
  };
}

/**
 * The report as text for a terminal, each list cut to `top` lines.
 *
 * @example
 * formatFlowsReport(report, { top: 10 }).split('\n')[0]; // 'flows report: outcomes users reported, 2026-06 to 2026-11 …'
 */
export function formatFlowsReport(report: FlowsReport, opts: { top?: number } = {}): string {
  const top = opts.top ?? 10;
  const lines = [
    `flows report: outcomes users reported, ${report.from} to ${report.to} (UTC months); flows ${report.flowVersion}`,
    '',
    'Paths that fail most (blocked of reported):',
  ];
  if (report.failing.length === 0) lines.push('  none reported blocked');
  for (const p of report.failing.slice(0, top)) {
    const reported = p.worked + p.blocked;
    const why = Object.entries(p.reasons)
      .sort(([a, x], [b, y]) => y - x || a.localeCompare(b))
      .map(([r, n]) => `${r} ${n}`)
      .join(', ');
    lines.push(
      `  ${pathName(p)}: ${p.blocked} of ${reported} blocked (${Math.round(failRate(p) * 100)}%); why: ${why}; ${checkedText(p, report.staleDays)}`,
    );
    const trend = Object.entries(p.months).map(([m, c]) => `${m}: ${c.blocked} of ${c.worked + c.blocked}`);
    lines.push(`      ${trend.join(' · ')}`);
  }
  lines.push('', 'Paths checked longest ago (check these next):');
  for (const p of report.oldest.slice(0, top)) {
    const reported = p.worked + p.blocked;
    const said = reported ? `; reported ${reported}, blocked ${p.blocked}` : '; no reports';
    lines.push(`  ${pathName(p)}: ${checkedText(p, report.staleDays)}${said}`);
  }
  lines.push('', 'Platform names users typed that the catalogue does not know:');
  if (report.unknownPlatforms.length === 0 && report.unknownTypedOnce === 0) lines.push('  none');
  for (const u of report.unknownPlatforms.slice(0, top))
    lines.push(`  ${String(u.count).padStart(5)}  ${u.name}`);
  if (report.unknownTypedOnce > 0)
    lines.push(
      `  (and ${report.unknownTypedOnce} other name(s) typed once, not listed: one person's text may be personal)`,
    );
  if (report.unknownPlatforms.length > 0)
    lines.push('  (add one as a platform, or as an alias of the platform it means: docs/flows.md)');
  lines.push('', 'Counts only: no conversation, user or message is kept with them.', '');
  return lines.join('\n');
}

/**
 * What `flows report` runs against: the store (read-only is enough), the flows for names and dates, where to
 * write, and the clock.
 *
 * @example
 * await runFlowsReport(['--months', '3'], { store, bundle, staleDays: 180, out: process.stdout, err: process.stderr });
 */
export interface ReportIO {
  store: Pick<StorePort, 'stats'>;
  bundle: FlowBundle;
  staleDays: number;
  out: { write(s: string): unknown };
  err: { write(s: string): unknown };
  now?: Date;
}

/** The usage line of `flows report`. */
export const REPORT_USAGE = '  cli flows report [--months N] [--top N] [--json]\n';

/**
 * `flows report [--months N] [--top N] [--json]`: the last N months (default 6, the current one included),
 * N lines per list (default 10), or the whole report as JSON. Exit 0, or 2 for bad options.
 *
 * @example
 * process.exitCode = await runFlowsReport(['--json'], io);
 */
export async function runFlowsReport(args: readonly string[], io: ReportIO): Promise<number> {
  let values: { months?: string; top?: string; json?: boolean };
  try {
    ({ values } = parseArgs({
      args: [...args],
      options: { months: { type: 'string' }, top: { type: 'string' }, json: { type: 'boolean' } },
    }));
  } catch (err) {
    io.err.write(`${(err as Error).message}\nUsage:\n${REPORT_USAGE}`);
    return 2;
  }
  const months = wholeNumber(values.months, 6, 120);
  const top = wholeNumber(values.top, 10, 10_000);
  if (months === undefined || top === undefined) {
    io.err.write(`--months takes 1 to 120 and --top 1 to 10000.\nUsage:\n${REPORT_USAGE}`);
    return 2;
  }
  const now = io.now ?? new Date();
  const rows = await io.store.stats({ sinceMonth: firstMonth(now, months) });
  const report = buildFlowsReport(rows, io.bundle, { now, months, staleDays: io.staleDays });
  io.out.write(values.json ? `${JSON.stringify(report, null, 2)}\n` : formatFlowsReport(report, { top }));
  return 0;
}

function wholeNumber(value: string | undefined, fallback: number, max: number): number | undefined {
  if (value === undefined) return fallback;
  const n = Number(value);
  return Number.isInteger(n) && n >= 1 && n <= max ? n : undefined;
}

function pathName(p: PathReport): string {
  const gone = p.inCatalogue ? '' : ', no longer in the catalogue';
  return `${p.name ?? p.platform} · ${p.channel} (${p.platform}:${p.channel}${gone})`;
}

function checkedText(p: PathReport, staleDays: number): string {
  if (!p.checked) return 'not in the catalogue';
  const { kind, date, ageDays } = p.checked;
  const stale = ageDays > staleDays ? `, stale (FLOWS_STALE_DAYS=${staleDays})` : '';
  return `${kind} ${date}, ${ageDays} day(s) ago${stale}`;
}

function failRate(p: PathReport): number {
  const reported = p.worked + p.blocked;
  return reported ? p.blocked / reported : 0;
}

function byId(a: PathReport, b: PathReport): number {
  return a.platform.localeCompare(b.platform) || a.channel.localeCompare(b.channel);
}

function ageInDays(date: string, now: Date): number {
  return Math.max(0, Math.floor((now.getTime() - Date.parse(`${date}T00:00:00Z`)) / 86_400_000));
}

/** A normalised name that is a web host (`xingxing-km.com`), as `platformNameOf` reduces addresses to. */
function isWebHost(name: string): boolean {
  return /^[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}$/.test(name);
}
