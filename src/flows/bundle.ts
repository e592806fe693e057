import type { AnyStateMachine } from 'xstate';
import type { Lang } from '../i18n/lang.ts';
import { mergeUnderstanding, type UnderstandConfig } from '../understand/config.ts';
import { checkFlows } from './check.ts';
import { compileFlow } from './compile.ts';
import { type Catalogue, makeCatalogue } from './context.ts';
import { FlowValidationError } from './errors.ts';
import { type FlowDirs, type LoadedState, readFlowFiles } from './load.ts';

/**
 * Everything the engine needs from `flows/` and `locales/`, validated and compiled. Loading either
 * succeeds whole or throws {@link FlowValidationError} with every error: never a half-loaded guide.
 *
 * @example
 * const bundle = loadFlowBundle({ flowsDir: 'flows', localesDir: 'locales' });
 * console.log(bundle.version); // '2026.11.25+3f2a9c1d'
 */
export interface FlowBundle {
  /** The flow file's version plus the first 8 hex digits of a digest over every file read. */
  version: string;
  start: string;
  commands: Readonly<Record<string, string>>;
  states: Readonly<Record<string, LoadedState>>;
  catalogue: Catalogue;
  machine: AnyStateMachine;
  locales: Record<Lang, Record<string, Record<string, unknown>>>;
  /** Free-text understanding: the merged `understand:` blocks (see docs/understanding.md). */
  understand: UnderstandConfig;
}

/** See {@link FlowBundle}. `now` decides which `verified` dates are "in the future". */
export function loadFlowBundle(dirs: FlowDirs, now: Date = new Date()): FlowBundle {
  const raw = readFlowFiles(dirs);
  if (raw.errors.length > 0) throw new FlowValidationError(raw.errors);
  const checked = checkFlows(raw, now);
  if (checked.errors.length > 0) throw new FlowValidationError(checked.errors);
  const catalogue = makeCatalogue(raw.platforms.map((p) => p.platform));
  const machine = compileFlow({ start: checked.start, states: checked.states, catalogue });
  return {
    version: `${checked.version}+${raw.digest.slice(0, 8)}`,
    start: checked.start,
    commands: checked.commands,
    states: checked.states,
    catalogue,
    machine,
    locales: raw.locales,
    understand: mergeUnderstanding(raw.files),
  };
}
