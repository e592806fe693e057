import type { LoadedState, RawFlows } from '../load.ts';
import { CHANNELS, FACTS, KINDS } from '../schema.ts';
import type { CheckReport } from './report.ts';

/**
 * The dialogue's shape across flow files: exactly one start (with version and commands), unique state ids,
 * every state complete (a question and a way on, or final), every target a state, conditions that name real
 * channels, kinds and values, choice ids and aliases unique within a state, every state reachable.
 *
 * @example
 * const flow = checkStates(raw, report, new Set(['kamen', 'qq']));
 * flow.start; // 'welcome'
 */
export interface CheckedStates {
  start: string;
  startFile: string;
  version: string;
  commands: Record<string, string>;
  states: Record<string, LoadedState>;
}

/**
 * See {@link CheckedStates}. `platformIds` are the catalogue's ids (a pick list offers them as choices).
 *
 * @example
 * checkStates(raw, report, new Set(['kamen'])).states.welcome?.file; // 'flows/guide.yaml'
 */
export function checkStates(
  raw: RawFlows,
  report: CheckReport,
  platformIds: ReadonlySet<string>,
): CheckedStates {
  const states: Record<string, LoadedState> = {};
  const out: CheckedStates = { start: '', startFile: '', version: '', commands: {}, states };
  for (const { file, flow } of raw.files) {
    if (flow.start !== undefined) {
      if (out.startFile)
        report.error(
          file,
          ['start'],
          `a second "start" (the first is in ${out.startFile})`,
          'exactly one flow file declares start, version and commands: delete this one',
        );
      else {
        out.startFile = file;
        out.start = flow.start;
        out.version = flow.version ?? '';
        out.commands = flow.commands ?? {};
        if (!flow.version)
          report.error(
            file,
            [],
            'the file with "start" must also give "version"',
            'add version: "2026.11.25"',
          );
      }
    } else if (flow.version !== undefined || flow.commands !== undefined) {
      report.error(
        file,
        [],
        '"version" and "commands" belong in the file that declares "start"',
        'move them there',
      );
    }
    for (const [id, st] of Object.entries(flow.states)) {
      const prior = states[id];
      if (prior)
        report.error(
          file,
          ['states', id],
          `state "${id}" is already defined in ${prior.file}`,
          'state ids are shared by all flow files: rename one of the two and the choices that lead to it',
          id,
        );
      else states[id] = { ...st, file };
    }
  }
  if (!out.startFile && raw.files.length > 0)
    report.error(
      raw.files[0]?.file ?? 'flows',
      [],
      'no file declares "start"',
      'add start: <first state id> to the main flow file (flows/guide.yaml)',
    );

  const target = (file: string, path: PropertyKey[], to: string) => {
    if (!states[to])
      report.error(
        file,
        path,
        `goes to "${to}", which is not a state (dangling target)`,
        `check the spelling; the closest state ids are ${closest(to, Object.keys(states))}`,
      );
  };
  const setValues = valuesSet(states, raw);

  for (const [id, st] of Object.entries(states)) {
    const f = st.file;
    const base = ['states', id];
    if (st.final && (st.choices || st.pick || st.fact))
      report.error(
        f,
        base,
        'a final state has no choices, pick or fact',
        'remove final: true, or the choices',
      );
    if (!st.final && !st.choices?.length && !st.pick && !st.fact)
      report.error(
        f,
        base,
        'this state has no way forward',
        'give it choices:, a pick: list or a fact: to ask, or mark it final: true',
      );
    if (!st.final && !st.ask)
      report.error(
        f,
        base,
        'a state that waits for an answer needs "ask" (the question)',
        'add ask: <text key>',
      );
    if (st.fact && !st.factTo) report.error(f, base, '"fact" needs "factTo"', 'add factTo: <the next state>');
    if (st.factTo && !st.fact) report.error(f, base, '"factTo" needs "fact"', `add fact: ${FACTS.join('|')}`);
    if (st.factTo) target(f, [...base, 'factTo'], st.factTo);
    // The calendar is made for the day a reminder question asked; anywhere else it would have no day.
    if (
      st.show === 'calendar' &&
      !Object.values(states).some((q) => q.fact === 'reminder' && q.factTo === id)
    )
      report.error(
        f,
        [...base, 'show'],
        'show: calendar needs the day to remind on, but no "fact: reminder" question leads here',
        `make this state the factTo: of a question with fact: reminder (it asks the day)`,
      );
    if (st.pick) target(f, [...base, 'pick', 'to'], st.pick.to);
    const ids = new Set<string>();
    const words = new Map<string, string>();
    (st.choices ?? []).forEach((c, i) => {
      const cp = [...base, 'choices', i];
      if (ids.has(c.id))
        report.error(
          f,
          [...cp, 'id'],
          `choice id "${c.id}" appears twice in this state`,
          'give each choice its own id',
        );
      ids.add(c.id);
      if (st.pick && platformIds.has(c.id))
        report.error(
          f,
          [...cp, 'id'],
          `choice id "${c.id}" clashes with a platform id offered by this state's pick list`,
          'rename the choice',
        );
      (c.aliases ?? []).forEach((a, j) => {
        const key = normaliseWord(a);
        const prior = words.get(key);
        if (prior && prior !== c.id)
          report.error(
            f,
            [...cp, 'aliases', j],
            `alias "${a}" also picks choice "${prior}" in this state`,
            'an alias must pick one choice: remove it from one of them',
          );
        words.set(key, c.id);
      });
      target(f, [...cp, 'to'], c.to);
      (c.when ?? []).forEach((w, j) => {
        const problem = conditionProblem(w, setValues);
        if (problem) report.error(f, [...cp, 'when', j], problem.message, problem.hint);
      });
    });
  }
  for (const [name, to] of Object.entries(out.commands)) target(out.startFile, ['commands', name], to);
  if (out.start) target(out.startFile, ['start'], out.start);

  const reached = reachable(out);
  if (out.start && states[out.start])
    for (const [id, st] of Object.entries(states))
      if (!reached.has(id))
        report.error(
          st.file,
          ['states', id],
          `state "${id}" is unreachable (nothing goes to it)`,
          `add a choice that leads here (to: ${id}), or delete the state`,
          id,
        );
  return out;
}

/**
 * The states reachable from the start and the global commands, ignoring conditions.
 *
 * @example
 * reachable({ start: 'welcome', commands: {}, states }).has('done'); // true
 */
export function reachable(flow: Pick<CheckedStates, 'start' | 'commands' | 'states'>): Set<string> {
  const { states } = flow;
  const reached = new Set<string>();
  const queue = [flow.start, ...Object.values(flow.commands)].filter((s) => states[s]);
  while (queue.length) {
    const s = queue.pop() as string;
    if (reached.has(s)) continue;
    reached.add(s);
    const st = states[s];
    for (const next of [...(st?.choices ?? []).map((c) => c.to), st?.pick?.to, st?.factTo])
      if (next && states[next] && !reached.has(next)) queue.push(next);
  }
  return reached;
}

/** Every value each context field can take: what choices `set:`, plus what a pick list sets. */
function valuesSet(states: Record<string, LoadedState>, raw: RawFlows): Map<string, Set<string>> {
  const setValues = new Map<string, Set<string>>();
  for (const st of Object.values(states))
    for (const c of st.choices ?? [])
      for (const [k, v] of Object.entries(c.set ?? {}))
        setValues.set(k, (setValues.get(k) ?? new Set()).add(v));
  // A pick list sets these too (see flows/effects.ts).
  setValues.set('channel', new Set([...(setValues.get('channel') ?? []), 'payment']));
  setValues.set('platform', new Set(raw.platforms.map((p) => p.platform.id)));
  setValues.set(
    'payment',
    new Set(raw.platforms.filter((p) => p.platform.kind === 'payment').map((p) => p.platform.id)),
  );
  return setValues;
}

function conditionProblem(
  cond: string,
  setValues: Map<string, Set<string>>,
): { message: string; hint: string } | null {
  const c = cond.replace(/^!/, '');
  const [head, arg] = c.split(':', 2);
  if (arg !== undefined) {
    if ((head === 'has' || head === 'tried') && !(CHANNELS as readonly string[]).includes(arg))
      return { message: `unknown channel "${arg}"`, hint: `use one of ${CHANNELS.join(', ')}` };
    if (head === 'kind' && !(KINDS as readonly string[]).includes(arg))
      return { message: `unknown kind "${arg}"`, hint: `use one of ${KINDS.join(', ')}` };
    if (!['has', 'tried', 'kind'].includes(head ?? ''))
      return {
        message: `unknown condition "${head}:"`,
        hint: 'use has:, tried: or kind: (see docs/flows.md)',
      };
    return null;
  }
  if (['morePages', 'lastPage', 'channelsLeft'].includes(c)) return null;
  const [field, value] = c.split('=', 2) as [string, string | undefined];
  const values = setValues.get(field);
  if (!values && !field.startsWith('fact'))
    return {
      message: `no choice ever sets "${field}"`,
      hint: `check the spelling; fields that are set: ${[...setValues.keys()].join(', ')}`,
    };
  if (value !== undefined && values && !values.has(value))
    return {
      message: `no choice ever sets ${field}=${value}, so this condition can never hold`,
      hint: `values that are set: ${[...values].join(', ')}`,
    };
  return null;
}

/**
 * How words compare when a user types them: Unicode-normalised (full-width → ASCII), lower-case, spaces dropped.
 *
 * @example
 * normaliseWord(' QQ 会员 '); // 'qq会员'
 */
export function normaliseWord(word: string): string {
  return word.normalize('NFKC').toLowerCase().replace(/\s+/g, '');
}

/** The candidates, the closest to `word` first (for "did you mean"). */
function closest(word: string, candidates: string[]): string {
  const dist = (a: string, b: string) => {
    const row = Array.from({ length: b.length + 1 }, (_, i) => i);
    for (let i = 1; i <= a.length; i += 1) {
      let prev = row[0] ?? 0;
      row[0] = i;
      for (let j = 1; j <= b.length; j += 1) {
        const tmp = row[j] ?? 0;
        row[j] = Math.min((row[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
        prev = tmp;
      }
    }
    return row[b.length] ?? 0;
  };
  return [...candidates]
    .sort((a, b) => dist(word, a) - dist(word, b))
    .slice(0, 5)
    .join(', ');
}
