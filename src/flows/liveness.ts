import type { LoadedState } from './load.ts';
import type { ChoiceDef } from './schema.ts';

/**
 * Which parts of the context can still matter in each state: a backward data-flow ("live variables") over the
 * flow. A part is live in a state when some condition reachable from there may read it before a choice or a
 * pick list overwrites it. The situation walk (explore.ts) forgets everything else, which keeps it small: after
 * a platform is picked, say, the previous platform's tried channels no longer matter.
 *
 * Parts are `platform`, `payment`, `page`, `tried` and `f:<field>` for the fields `set:` assigns.
 *
 * @example
 * const live = liveParts(states, commands);
 * live.get('platform'); // Set { 'f:outcome', … } — the pick list overwrites platform, payment, page and tried
 */
export type LiveParts = Map<string, Set<string>>;

/** What a condition reads. */
function conditionReads(cond: string): string[] {
  const c = cond.replace(/^!/, '');
  if (c.startsWith('has:') || c.startsWith('kind:')) return ['platform'];
  if (c.startsWith('tried:')) return ['tried'];
  if (c === 'channelsLeft') return ['platform', 'tried'];
  if (c === 'morePages' || c === 'lastPage') return ['platform', 'payment', 'page', 'f:channel'];
  return [`f:${c.split('=')[0] ?? c}`];
}

/** What a choice reads (its conditions and effects) and what it overwrites. */
function choiceFlow(c: ChoiceDef): { reads: string[]; kills: string[] } {
  const reads = (c.when ?? []).flatMap(conditionReads);
  const effects = c.do ?? [];
  if (effects.includes('markTried')) reads.push('tried', 'f:channel');
  if (effects.includes('nextPage')) reads.push('page');
  const kills = Object.keys(c.set ?? {}).map((k) => `f:${k}`);
  const setsChannel = c.set?.channel !== undefined;
  if ((setsChannel || effects.includes('firstPage')) && !effects.includes('nextPage')) kills.push('page');
  // markTried reads the channel after `set:` has written it.
  return { reads: kills.includes('f:channel') ? reads.filter((r) => r !== 'f:channel') : reads, kills };
}

const PICK_KILLS = {
  platforms: ['platform', 'payment', 'page', 'tried', 'f:channel', 'f:payment', 'f:platform'],
  payments: ['payment', 'page', 'f:channel', 'f:payment'],
} as const;

/**
 * See {@link LiveParts}. A steps screen reads the platform, payment, page and channel (to find the path);
 * `commands` jump from anywhere keeping the context, so their targets' live parts are live everywhere.
 *
 * @example
 * liveParts(bundle.states, bundle.commands).get('done')?.size; // 0: nothing matters after the end
 */
export function liveParts(
  states: Readonly<Record<string, LoadedState>>,
  commands: Readonly<Record<string, string>>,
): LiveParts {
  const live: LiveParts = new Map(Object.keys(states).map((id) => [id, new Set<string>()]));
  let changed = true;
  while (changed) {
    changed = false;
    const global = new Set<string>();
    for (const to of Object.values(commands)) for (const p of live.get(to) ?? []) global.add(p);
    for (const [id, st] of Object.entries(states)) {
      if (st.final) continue;
      const mine = live.get(id) as Set<string>;
      const before = mine.size;
      const add = (parts: Iterable<string>) => {
        for (const p of parts) mine.add(p);
      };
      add(global);
      if (st.steps) add(['platform', 'payment', 'page', 'f:channel']);
      for (const c of st.choices ?? []) {
        const { reads, kills } = choiceFlow(c);
        add(reads);
        add([...(live.get(c.to) ?? [])].filter((p) => !kills.includes(p)));
      }
      if (st.pick) {
        const kills: readonly string[] = PICK_KILLS[st.pick.from];
        add([...(live.get(st.pick.to) ?? [])].filter((p) => !kills.includes(p)));
      }
      if (st.factTo) add(live.get(st.factTo) ?? []);
      if (mine.size !== before) changed = true;
    }
  }
  return live;
}
