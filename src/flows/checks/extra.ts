import type { RawFlows } from '../load.ts';
import type { CheckReport } from './report.ts';
import type { CheckedStates } from './states.ts';

/**
 * The hook for checks of files this module does not know (e.g. the keyword lists for free-text understanding):
 * add a function to {@link EXTRA_CHECKS} and it runs with every `flows check`, at start-up and in the tests,
 * reporting through the same `file:line:col` + hint channel. Parse your YAML with `ctx.raw.sources.parse(file,
 * text)` so `ctx.report.error(file, path, …)` can locate it.
 *
 * @example
 * EXTRA_CHECKS.push((ctx) => {
 *   const text = readFileSync('flows/keywords/zh-CN.yaml', 'utf8');
 *   const doc = ctx.raw.sources.parse('flows/keywords/zh-CN.yaml', text);
 *   checkKeywordTargets(ctx, 'flows/keywords/zh-CN.yaml', entriesFrom(doc.toJS()));
 * });
 */
export interface ExtraCheckContext {
  raw: RawFlows;
  /** The checked dialogue: start, commands and every state with the file it is in. */
  flow: CheckedStates;
  /** The catalogue's platform ids. */
  platformIds: ReadonlySet<string>;
  report: CheckReport;
}

/** See {@link ExtraCheckContext}. */
export type ExtraCheck = (ctx: ExtraCheckContext) => void;

/** See {@link ExtraCheckContext}: the registered extra checks, run in order after the built-in ones. */
export const EXTRA_CHECKS: ExtraCheck[] = [];

/**
 * What a keyword list entry points at: a state, a choice of a state, a platform, or a global command
 * (`refund`, `redflag`, or an engine command such as `back`).
 *
 * @example
 * const target: KeywordTarget = { state: 'channel', choice: 'app' };
 */
export type KeywordTarget = { state: string; choice?: string } | { platform: string } | { command: string };

/** One entry of a keyword list: where it is in its file (a path into the YAML) and what it points at. */
export interface KeywordEntry {
  path: PropertyKey[];
  target: KeywordTarget;
}

/**
 * Reports every keyword entry that points nowhere: a state, choice, platform or command that does not exist.
 * `engineCommands` are the commands the engine understands on its own (back, restart, help …).
 *
 * @example
 * checkKeywordTargets(ctx, 'flows/keywords/zh-CN.yaml', [{ path: ['words', 0], target: { platform: 'bilibli' } }]);
 * // flows/keywords/zh-CN.yaml:3:5 words[0]: points to platform "bilibli", which is not in the catalogue
 */
export function checkKeywordTargets(
  ctx: ExtraCheckContext,
  file: string,
  entries: readonly KeywordEntry[],
  engineCommands: readonly string[] = [],
): number {
  const { flow, platformIds, report } = ctx;
  let problems = 0;
  const fail = (path: PropertyKey[], message: string, hint: string) => {
    problems += 1;
    report.error(file, path, message, hint);
  };
  for (const { path, target } of entries) {
    if ('platform' in target) {
      if (!platformIds.has(target.platform))
        fail(
          path,
          `points to platform "${target.platform}", which is not in the catalogue`,
          `use one of ${[...platformIds].join(', ')}`,
        );
    } else if ('command' in target) {
      if (!(target.command in flow.commands) && !engineCommands.includes(target.command))
        fail(
          path,
          `points to command "${target.command}", which does not exist`,
          `use one of ${[...Object.keys(flow.commands), ...engineCommands].join(', ')}`,
        );
    } else {
      const st = flow.states[target.state];
      if (!st)
        fail(
          path,
          `points to state "${target.state}", which does not exist`,
          'check the state id in flows/*.yaml',
        );
      else if (target.choice !== undefined && !st.choices?.some((c) => c.id === target.choice))
        fail(
          path,
          `points to choice "${target.choice}" of state "${target.state}", which that state does not offer`,
          `its choices are ${(st.choices ?? []).map((c) => c.id).join(', ') || '(none)'}`,
        );
    }
  }
  return problems;
}
