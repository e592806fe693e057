import type { AnyStateMachine } from 'xstate';
import type { Lang } from '../i18n/lang.ts';
import { mergeUnderstanding, type UnderstandConfig } from '../understand/config.ts';
import { type CheckOptions, checkFlows } from './check.ts';
import { compileFlow } from './compile.ts';
import { type Catalogue, makeCatalogue } from './context.ts';
import { type FlowError, FlowValidationError } from './errors.ts';
import { type FlowDirs, type LoadedState, type RawFlows, readFlowFiles } from './load.ts';

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
  /** Problems that do not stop the guide (a path not checked for a long time), for the log. */
  warnings: FlowError[];
  /** Free-text understanding: the merged `understand:` blocks (see docs/understanding.md). */
  understand: UnderstandConfig;
}

/** See {@link FlowBundle}. `now` decides which dates are "in the future" and how old the others are. */
export function loadFlowBundle(dirs: FlowDirs, now: Date = new Date(), opts: CheckOptions = {}): FlowBundle {
  return bundleFrom(readFlowFiles(dirs), now, opts);
}

/**
 * {@link loadFlowBundle} over files already read (the CLI keeps `raw` for its deeper checks).
 *
 * @example
 * const raw = readFlowFiles(dirs);
 * const bundle = bundleFrom(raw, new Date());
 */
export function bundleFrom(raw: RawFlows, now: Date, opts: CheckOptions = {}): FlowBundle {
  if (raw.errors.length > 0) throw new FlowValidationError(raw.errors);
  const checked = checkFlows(raw, now, opts);
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
    warnings: checked.warnings,
    understand: mergeUnderstanding(raw.files),
  };
}
