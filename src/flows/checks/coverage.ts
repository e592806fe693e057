import { channelsOffered, currentPath, emptyContext } from '../context.ts';
import type { Config, FlowModel, FlowWorld } from '../explore.ts';
import { CHANNELS, type ChannelKey } from '../schema.ts';
import type { CheckReport } from './report.ts';

/**
 * Coverage: every platform × membership type × channel ends in steps or in an explicit escalation.
 *
 * - A channel the platform offers (its own paths, plus the payment-channel route for anything that is not itself
 *   a payment channel) must lead to a steps screen with real steps, for every membership type.
 * - A channel it does not offer must not be offered, and the user must still reach an end when every offered
 *   channel has failed: the escalation (written demand, payment-channel complaint, 12315).
 *
 * Membership types are the values choices `set:` for `membership`. Reads the situations explore.ts found.
 *
 * @example
 * const table = checkCoverage(bundle, world, report, platformFiles);
 * table.cells.filter((c) => c.status === 'gap'); // []
 */
export interface CoverageCell {
  platform: string;
  membership: string;
  channel: ChannelKey;
  /** steps: a steps screen with real steps is reached; escalation: not offered, and the escalation is; gap: neither. */
  status: 'steps' | 'escalation' | 'gap';
}

/** The coverage table. */
export interface Coverage {
  memberships: string[];
  cells: CoverageCell[];
}

/** The context field whose values are the membership types. */
export const MEMBERSHIP_FIELD = 'membership';

/**
 * See {@link CoverageCell}. `platformFiles` maps platform ids to their files, for the positions of gaps.
 *
 * @example
 * checkCoverage(bundle, exploreFlow(bundle), report, new Map([['qq', 'flows/platforms/qq.yaml']]));
 */
export function checkCoverage(
  model: FlowModel,
  world: FlowWorld,
  report: CheckReport,
  platformFiles: ReadonlyMap<string, string>,
): Coverage {
  const { configs, edges } = world;
  const memberships = new Set<string>();
  const sources = new Map<string, number[]>();
  // Membership does not change which choices are offered, so the walk forgets it; follow each value instead
  // from every move that sets it, over every move that does not set it again.
  const setsMembership = (n: number, choiceId: string) => {
    const st = model.states[configs[n]?.state ?? ''];
    return st?.choices?.find((c) => c.id === choiceId)?.set?.[MEMBERSHIP_FIELD];
  };
  edges.forEach((out, n) => {
    for (const e of out) {
      if (e.move.kind !== 'choice') continue;
      const m = setsMembership(n, e.move.id);
      if (m === undefined) continue;
      memberships.add(m);
      sources.set(m, [...(sources.get(m) ?? []), e.to]);
    }
  });
  const firstFile = model.states[model.start]?.file ?? 'flows';
  if (memberships.size === 0) {
    report.error(
      firstFile,
      ['states'],
      `no choice sets "${MEMBERSHIP_FIELD}", so coverage (platform × membership type × channel) cannot be checked`,
      `the membership question's choices need set: { ${MEMBERSHIP_FIELD}: <type> }`,
    );
    return { memberships: [], cells: [] };
  }

  const canEnd = reachesEnd(model, world);
  const cells: CoverageCell[] = [];
  for (const m of [...memberships].sort()) {
    const region = new Set<number>(sources.get(m));
    const queue = [...region];
    for (let head = 0; head < queue.length; head += 1) {
      const n = queue[head] as number;
      for (const e of edges[n] ?? []) {
        if (region.has(e.to) || (e.move.kind === 'choice' && setsMembership(n, e.move.id) !== undefined))
          continue;
        region.add(e.to);
        queue.push(e.to);
      }
    }
    const reachedSteps = new Set<string>();
    const escalates = new Set<string>();
    for (const n of region) {
      const c = configs[n] as Config;
      if (!c.ctx.platform) continue;
      if (model.states[c.state]?.steps && currentPath(c.ctx, model.catalogue))
        reachedSteps.add(`${c.ctx.platform}|${c.ctx.fields.channel}`);
      const offered = channelsOffered(c.ctx, model.catalogue);
      if (offered.every((ch) => c.ctx.tried.includes(ch)) && canEnd.has(n)) escalates.add(c.ctx.platform);
    }
    for (const p of model.catalogue.list) {
      const offered = channelsOffered({ ...emptyContext(), platform: p.id }, model.catalogue);
      for (const channel of CHANNELS) {
        const status = offered.includes(channel)
          ? reachedSteps.has(`${p.id}|${channel}`)
            ? 'steps'
            : 'gap'
          : escalates.has(p.id)
            ? 'escalation'
            : 'gap';
        cells.push({ platform: p.id, membership: m, channel, status });
      }
    }
  }
  reportGaps(model, cells, report, platformFiles);
  return { memberships: [...memberships].sort(), cells };
}

function reportGaps(
  model: FlowModel,
  cells: CoverageCell[],
  report: CheckReport,
  platformFiles: ReadonlyMap<string, string>,
): void {
  const seen = new Set<string>();
  for (const cell of cells) {
    if (cell.status !== 'gap') continue;
    const p = model.catalogue.byId.get(cell.platform);
    const offered = p && channelsOffered({ ...emptyContext(), platform: p.id }, model.catalogue);
    const isOffered = offered?.includes(cell.channel) === true;
    // One report per missing path, and one per platform that cannot escalate.
    const key = isOffered ? `${cell.platform}|${cell.channel}` : cell.platform;
    if (seen.has(key)) continue;
    seen.add(key);
    const types = cells
      .filter(
        (c) =>
          c.status === 'gap' && c.platform === cell.platform && (!isOffered || c.channel === cell.channel),
      )
      .map((c) => c.membership)
      .filter((m, i, all) => all.indexOf(m) === i);
    const file = platformFiles.get(cell.platform) ?? `flows/platforms/${cell.platform}.yaml`;
    if (isOffered)
      report.error(
        file,
        ['channels', cell.channel],
        `coverage gap: ${cell.platform} × ${cell.channel} never reaches a steps screen with steps (membership: ${types.join(', ')})`,
        cell.channel === 'payment'
          ? 'the payment route needs at least one kind: payment platform with a payment: path, and a choice that leads to it'
          : `the channel question must offer ${cell.channel} (when: ["has:${cell.channel}"]) and lead to a steps: true state`,
      );
    else
      report.error(
        file,
        ['channels'],
        `coverage gap: once every channel ${cell.platform} offers has failed, the guide never reaches an end (membership: ${types.join(', ')})`,
        'the channel question needs a way to escalation when no channel is left (when: ["!channelsLeft"])',
      );
  }
}

/** Situations from which a final state is reachable along the flow. */
function reachesEnd(model: FlowModel, world: FlowWorld): Set<number> {
  const reverse: number[][] = world.configs.map(() => []);
  world.edges.forEach((out, n) => {
    for (const e of out) if (e.flow) reverse[e.to]?.push(n);
  });
  const queue = [...world.configs.keys()].filter((n) => model.states[world.configs[n]?.state ?? '']?.final);
  const seen = new Set(queue);
  for (let head = 0; head < queue.length; head += 1)
    for (const m of reverse[queue[head] as number] ?? [])
      if (!seen.has(m)) {
        seen.add(m);
        queue.push(m);
      }
  return seen;
}

/**
 * The coverage table as text: one row per platform and membership type, one column per channel.
 *
 * @example
 * console.log(formatCoverage(table)); // 'platform        membership  website     app …'
 */
export function formatCoverage(table: Coverage): string {
  const mark = { steps: 'steps', escalation: '(escalate)', gap: 'GAP' } as const;
  const rows = [['platform', 'membership', ...CHANNELS]];
  const platforms = [...new Set(table.cells.map((c) => c.platform))];
  for (const p of platforms)
    for (const m of table.memberships)
      rows.push([
        p,
        m,
        ...CHANNELS.map((ch) => {
          const cell = table.cells.find((c) => c.platform === p && c.membership === m && c.channel === ch);
          return cell ? mark[cell.status] : '';
        }),
      ]);
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  return `${rows
    .map((r) =>
      r
        .map((v, i) => v.padEnd(widths[i] ?? 0))
        .join('  ')
        .trimEnd(),
    )
    .join('\n')}\n`;
}
