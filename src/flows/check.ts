import { checkKeywords } from '../understand/checkKeywords.ts';
import { checkCatalogue } from './checks/catalogue.ts';
import { checkCitations } from './checks/citations.ts';
import { EXTRA_CHECKS } from './checks/extra.ts';
import { CheckReport } from './checks/report.ts';
import { checkStates } from './checks/states.ts';
import { checkTexts } from './checks/texts.ts';
import type { FlowError } from './errors.ts';
import type { LoadedState, RawFlows } from './load.ts';

export { lookup } from './localeTree.ts';

/**
 * The checks that run whenever the flows load (start-up, `flows check`, tests), once every file has parsed
 * against its schema: the catalogue and its provenance (checks/catalogue.ts), the dialogue's shape
 * (checks/states.ts), translations and placeholders (checks/texts.ts), legal citations (checks/citations.ts)
 * and any check registered in checks/extra.ts. Errors stop the guide from loading; warnings (a stale path) do
 * not. The deeper checks that walk the compiled machine live in checkDeep.ts.
 *
 * @example
 * const checked = checkFlows(raw, new Date(), { staleDays: 180 });
 * for (const e of checked.errors) console.error(formatFlowError(e));
 */
export interface CheckedFlows {
  start: string;
  version: string;
  commands: Record<string, string>;
  states: Record<string, LoadedState>;
  errors: FlowError[];
  warnings: FlowError[];
}

/** Options for {@link checkFlows}. */
export interface CheckOptions {
  /** Paths older than this many days get a warning. Default {@link DEFAULT_STALE_DAYS}. */
  staleDays?: number;
}

/**
 * How old (in days) a path's verified or compiled date may be before `check` warns: FLOWS_STALE_DAYS.
 *
 * @example
 * checkFlows(raw, new Date(), { staleDays: DEFAULT_STALE_DAYS });
 */
export const DEFAULT_STALE_DAYS = 180;

/**
 * See {@link CheckedFlows}. `now` decides which dates are in the future and how old the others are.
 *
 * @example
 * checkFlows(readFlowFiles({ flowsDir: 'flows', localesDir: 'locales' }), new Date()).errors; // []
 */
export function checkFlows(raw: RawFlows, now: Date, opts: CheckOptions = {}): CheckedFlows {
  const report = new CheckReport(raw.sources);
  const platformIds = checkCatalogue(raw, report, { now, staleDays: opts.staleDays ?? DEFAULT_STALE_DAYS });
  const flow = checkStates(raw, report, platformIds);
  checkTexts(raw, report, flow.states);
  checkCitations(raw, report);
  for (const extra of EXTRA_CHECKS) extra({ raw, flow, platformIds, report });
  const { start, version, commands, states } = flow;
  // Free-text understanding: its word lists and the `understand:` blocks (src/understand/checkKeywords.ts).
  const errors = [...report.errors, ...checkKeywords(raw)];
  return { start, version, commands, states, errors, warnings: report.warnings };
}

/**
 * FLOWS_STALE_DAYS as a number of days (unset or empty: {@link DEFAULT_STALE_DAYS}); throws a message that
 * says what to write when it is not a whole number from 1 to 3650.
 *
 * @example
 * staleDaysFrom('90'); // 90
 * staleDaysFrom(undefined); // 180
 */
export function staleDaysFrom(value: string | undefined): number {
  if (value === undefined || value.trim() === '') return DEFAULT_STALE_DAYS;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 3650)
    throw new RangeError(
      `FLOWS_STALE_DAYS must be a whole number of days from 1 to 3650 (got "${value}"); unset it for the default ${DEFAULT_STALE_DAYS}.`,
    );
  return n;
}
