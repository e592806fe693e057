import { LANGS } from '../i18n/lang.ts';
import { checkKeywords } from '../understand/checkKeywords.ts';
import type { FlowError } from './errors.ts';
import type { LoadedState, RawFlows } from './load.ts';
import { CHANNELS, KINDS, TEXT_KEY, type Text } from './schema.ts';
import { formatPath } from './sourceMap.ts';

/**
 * The checks zod cannot make alone because they span files: one start, unique ids, every target exists,
 * every translation key exists in both languages, every state is reachable, conditions name real
 * channels/kinds/values, verified dates are not in the future.
 *
 * @example
 * const errors = checkFlows(raw, new Date());
 * for (const e of errors) console.error(formatFlowError(e));
 */
export interface CheckedFlows {
  start: string;
  version: string;
  commands: Record<string, string>;
  states: Record<string, LoadedState>;
  errors: FlowError[];
}

/** See {@link CheckedFlows}. */
export function checkFlows(raw: RawFlows, now: Date): CheckedFlows {
  const errors: FlowError[] = [];
  const at = (file: string, path: PropertyKey[], message: string, key?: string) =>
    errors.push({ file, ...raw.sources.locate(file, path, key), path: formatPath(path), message });

  const states: Record<string, LoadedState> = {};
  let start = '';
  let version = '';
  let commands: Record<string, string> = {};
  let startFile = '';
  for (const { file, flow } of raw.files) {
    if (flow.start !== undefined) {
      if (startFile)
        at(file, ['start'], `a second "start" (the first is in ${startFile}); exactly one file declares it`);
      else {
        startFile = file;
        start = flow.start;
        version = flow.version ?? '';
        commands = flow.commands ?? {};
        if (!flow.version) at(file, [], 'the file with "start" must also give "version" (e.g. "2026.11.25")');
      }
    } else if (flow.version !== undefined || flow.commands !== undefined) {
      at(file, [], '"version" and "commands" belong in the file that declares "start"');
    }
    for (const [id, st] of Object.entries(flow.states)) {
      const prior = states[id];
      if (prior) at(file, ['states', id], `state "${id}" is already defined in ${prior.file}`, id);
      else states[id] = { ...st, file };
    }
  }
  if (!startFile && raw.files.length > 0) at(raw.files[0]?.file ?? 'flows', [], 'no file declares "start"');

  const platformIds = new Map<string, string>();
  for (const { file, platform } of raw.platforms) {
    const prior = platformIds.get(platform.id);
    if (prior) at(file, ['id'], `platform id "${platform.id}" is already used by ${prior}`);
    platformIds.set(platform.id, file);
    for (const [ch, path] of Object.entries(platform.channels)) {
      if (path?.verified && Date.parse(`${path.verified}T00:00:00Z`) > now.getTime())
        at(file, ['channels', ch, 'verified'], `verified date ${path.verified} is in the future`);
      if (path && (typeof path.source !== 'string' || TEXT_KEY.test(path.source)))
        checkText(
          path.source,
          file,
          ['channels', ch, 'source'],
          ' (plain sources need a space, a slash or a colon)',
        );
      path?.steps.forEach((t, i) => {
        checkText(t, file, ['channels', ch, 'steps', i]);
      });
      path?.warnings?.forEach((t, i) => {
        checkText(t, file, ['channels', ch, 'warnings', i]);
      });
    }
  }
  if (raw.platforms.length > 0 && !raw.platforms.some((p) => p.platform.kind === 'payment'))
    at(
      raw.platforms[0]?.file ?? 'flows/platforms',
      [],
      'the catalogue needs at least one payment channel (kind: payment)',
    );

  function checkText(t: Text | undefined, file: string, path: PropertyKey[], extra = '') {
    if (t === undefined || typeof t !== 'string') return;
    for (const lang of LANGS) {
      if (typeof lookup(raw.locales[lang].flow, t) !== 'string')
        at(file, path, `translation key "${t}" is missing in locales/${lang}/flow.json${extra}`);
    }
  }

  const target = (file: string, path: PropertyKey[], to: string) => {
    if (!states[to]) at(file, path, `goes to "${to}", which is not a state (dangling target)`);
  };
  const setValues = new Map<string, Set<string>>();
  for (const st of Object.values(states)) {
    for (const c of st.choices ?? [])
      for (const [k, v] of Object.entries(c.set ?? {}))
        setValues.set(k, (setValues.get(k) ?? new Set()).add(v));
  }
  // A pick list sets these too (see flows/effects.ts).
  setValues.set('channel', new Set([...(setValues.get('channel') ?? []), 'payment']));
  setValues.set('platform', new Set(platformIds.keys()));
  setValues.set(
    'payment',
    new Set(raw.platforms.filter((p) => p.platform.kind === 'payment').map((p) => p.platform.id)),
  );

  for (const [id, st] of Object.entries(states)) {
    const f = st.file;
    const base = ['states', id];
    const says = st.say === undefined ? [] : Array.isArray(st.say) ? st.say : [st.say];
    says.forEach((t, i) => {
      checkText(t, f, [...base, 'say', ...(Array.isArray(st.say) ? [i] : [])]);
    });
    checkText(st.ask, f, [...base, 'ask']);
    checkText(st.hint, f, [...base, 'hint']);
    if (st.final && (st.choices || st.pick || st.fact))
      at(f, base, 'a final state has no choices, pick or fact');
    if (!st.final && !st.choices?.length && !st.pick && !st.fact)
      at(f, base, 'a state needs choices, a pick list or a fact to ask, or "final: true"');
    if (!st.final && !st.ask) at(f, base, 'a state that waits for an answer needs "ask" (the question)');
    if (st.fact && !st.factTo) at(f, base, '"fact" needs "factTo" (where to go after the answer)');
    if (st.factTo && !st.fact) at(f, base, '"factTo" needs "fact"');
    if (st.factTo) target(f, [...base, 'factTo'], st.factTo);
    if (st.pick) target(f, [...base, 'pick', 'to'], st.pick.to);
    const seen = new Set<string>();
    (st.choices ?? []).forEach((c, i) => {
      const cp = [...base, 'choices', i];
      if (seen.has(c.id)) at(f, [...cp, 'id'], `choice id "${c.id}" appears twice in this state`);
      seen.add(c.id);
      if (st.pick && platformIds.has(c.id))
        at(
          f,
          [...cp, 'id'],
          `choice id "${c.id}" clashes with a platform id offered by this state's pick list`,
        );
      checkText(c.label, f, [...cp, 'label']);
      target(f, [...cp, 'to'], c.to);
      (c.when ?? []).forEach((w, j) => {
        const problem = conditionProblem(w, setValues);
        if (problem) at(f, [...cp, 'when', j], problem);
      });
    });
  }
  for (const [name, to] of Object.entries(commands)) target(startFile, ['commands', name], to);
  if (start) target(startFile, ['start'], start);

  // Reachability from start and from the global commands.
  const reached = new Set<string>();
  const queue = [start, ...Object.values(commands)].filter((s) => states[s]);
  while (queue.length) {
    const s = queue.pop() as string;
    if (reached.has(s)) continue;
    reached.add(s);
    const st = states[s];
    for (const next of [...(st?.choices ?? []).map((c) => c.to), st?.pick?.to, st?.factTo])
      if (next && states[next] && !reached.has(next)) queue.push(next);
  }
  if (start && states[start])
    for (const [id, st] of Object.entries(states))
      if (!reached.has(id))
        at(st.file, ['states', id], `state "${id}" is unreachable (nothing goes to it)`, id);

  errors.push(...checkKeywords(raw)); // free-text understanding: src/understand/checkKeywords.ts
  errors.push(...checkLocaleParity(raw));
  return { start, version, commands, states, errors };
}

function conditionProblem(cond: string, setValues: Map<string, Set<string>>): string | null {
  const c = cond.replace(/^!/, '');
  const [head, arg] = c.split(':', 2);
  if (arg !== undefined) {
    if ((head === 'has' || head === 'tried') && !(CHANNELS as readonly string[]).includes(arg))
      return `unknown channel "${arg}" (one of ${CHANNELS.join(', ')})`;
    if (head === 'kind' && !(KINDS as readonly string[]).includes(arg))
      return `unknown kind "${arg}" (one of ${KINDS.join(', ')})`;
    if (!['has', 'tried', 'kind'].includes(head ?? '')) return `unknown condition "${head}:"`;
    return null;
  }
  if (['morePages', 'lastPage', 'channelsLeft'].includes(c)) return null;
  const [field, value] = c.split('=', 2) as [string, string | undefined];
  const values = setValues.get(field);
  if (!values && !field.startsWith('fact')) return `no choice ever sets "${field}" (typo?)`;
  if (value !== undefined && values && !values.has(value))
    return `no choice ever sets ${field}=${value} (values set: ${[...values].join(', ')})`;
  return null;
}

function checkLocaleParity(raw: RawFlows): FlowError[] {
  const errors: FlowError[] = [];
  const [a, b] = LANGS;
  for (const [x, y] of [
    [a, b],
    [b, a],
  ] as const) {
    for (const [ns, tree] of Object.entries(raw.locales[x])) {
      for (const key of leafKeys(tree)) {
        if (lookup(raw.locales[y][ns], key) === undefined)
          errors.push({
            file: `locales/${y}/${ns}.json`,
            line: 1,
            col: 1,
            path: key,
            message: `missing here but present in locales/${x}/${ns}.json (every key must exist in both languages)`,
          });
      }
    }
  }
  return errors;
}

function leafKeys(tree: unknown, prefix = ''): string[] {
  if (!tree || typeof tree !== 'object' || Array.isArray(tree)) return [prefix];
  return Object.entries(tree).flatMap(([k, v]) => leafKeys(v, prefix ? `${prefix}.${k}` : k));
}

/** Looks up a dotted key in a nested JSON object. */
export function lookup(tree: unknown, key: string): unknown {
  let node = tree;
  for (const seg of key.split('.')) {
    if (!node || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[seg];
  }
  return node;
}
