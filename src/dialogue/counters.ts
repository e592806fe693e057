/**
 * The counters the engine keeps for the maintainers' `flows report` (see StatCounter in store/port.ts): what
 * users reported about a cancel path, and the platform names they typed that the catalogue does not know.
 * Counts only: keys are built from flow and catalogue ids, and the one piece of typed text kept — a platform
 * name — is normalised, capped and filtered so that numbers, addresses and sentences are never kept.
 */
import type { FlowBundle } from '../flows/bundle.ts';
import { currentPath, holds } from '../flows/context.ts';
import { applyChoice } from '../flows/effects.ts';
import type { LoadedState } from '../flows/load.ts';
import { canonicalJson } from '../receipts/canonicalJson.ts';
import type { StatCounter } from '../store/port.ts';
import { normalize, type Understood } from '../understand/match.ts';
import type { ConversationState } from './conversation.ts';

/**
 * The counter kinds.
 *
 * @example
 * { kind: COUNTER_KINDS.outcome, key: 'iqiyi:app:worked', month: '2026-11' }
 */
export const COUNTER_KINDS = { outcome: 'outcome', unknownPlatform: 'unknown-platform' } as const;

/**
 * The longest platform name counted, in characters. Longer text at the platform question is a sentence, not a
 * name: it is not counted (the understanding layer reads sentences).
 *
 * @example
 * [...name].length <= PLATFORM_NAME_MAX;
 */
export const PLATFORM_NAME_MAX = 24;

/**
 * What a step adds to the counters: the outcome the user just reported (a choice that sets `outcome: worked`,
 * or one that sets `reason:` after "it did not work") for the path being followed — keyed
 * `platform:channel:worked` or `platform:channel:blocked:reason`, with the platform whose path it is (the
 * payment channel's own for the payment route) — and an unknown platform name the step saw.
 *
 * @example
 * countersOf(bundle, before, after, { month: '2026-11' });
 * // [{ kind: 'outcome', key: 'iqiyi:app:blocked:grey', month: '2026-11' }]
 */
export function countersOf(
  bundle: FlowBundle,
  before: ConversationState | undefined,
  after: ConversationState,
  seen: { month: string; unknownPlatform?: string | undefined },
): StatCounter[] {
  const out: StatCounter[] = [];
  const { month } = seen;
  if (seen.unknownPlatform)
    out.push({ kind: COUNTER_KINDS.unknownPlatform, key: seen.unknownPlatform, month });
  const outcome = before ? reportedOutcome(bundle, before, after) : undefined;
  if (outcome) out.push({ kind: COUNTER_KINDS.outcome, key: outcome, month });
  return out;
}

/**
 * For the last fallback of the step's decision: the normalised name when `text` was typed at the platform
 * question and picked nothing, as a part of the decision (`{}` otherwise). The understanding layer
 * (src/understand/) may later decide more precisely which text is a platform name.
 *
 * @example
 * return { ...unknownPlatformTyped(st, meaning), conv, note, moved: false };
 */
export function unknownPlatformTyped(
  state: LoadedState | undefined,
  meaning: Understood,
): { unknownPlatform?: string } {
  if (state?.pick?.from !== 'platforms' || meaning.kind !== 'text') return {};
  const name = platformNameOf(meaning.text);
  return name ? { unknownPlatform: name } : {};
}

/** Words of a sentence about a person, never part of a platform's name. */
const ABOUT_PEOPLE =
  /[我你您他她咱]|名字|姓名|叫|\b(?:i|i'm|im|me|my|mine|you|your|he|she|his|her|name|called)\b/u;

/**
 * A typed platform name as counted, or undefined when it is not counted: normalised (full-width to
 * half-width, lower case, no edge punctuation, single spaces), a web address reduced to its host; never
 * text with a run of 5 or more digits (a phone, QQ or order number), an `@` (an e-mail or handle), or more
 * than {@link PLATFORM_NAME_MAX} characters, nor text about a person (a pronoun, 「叫」, "name").
 *
 * @example
 * platformNameOf('  星星卡盟！ '); // '星星卡盟'
 * platformNameOf('https://www.XingXing-km.com/login?u=13812345678'); // 'xingxing-km.com'
 * platformNameOf('我的手机 13812345678'); // undefined
 */
export function platformNameOf(text: string): string | undefined {
  let name = normalize(text);
  const url = /^(?:https?:\/\/)?(?:www\.)?([a-z0-9-]+(?:\.[a-z0-9-]+)+)(?:[/:?#]\S*)?$/.exec(name);
  if (url?.[1] && /[a-z]/.test(url[1].split('.').at(-1) ?? '')) name = url[1];
  if (!name || /\d{5}/.test(name) || name.includes('@') || [...name].length > PLATFORM_NAME_MAX)
    return undefined;
  // Text about a person (「我叫张三」, "my name is …", 「你好」) is not a platform's name.
  if (ABOUT_PEOPLE.test(name)) return undefined;
  return name;
}

/** The outcome key when the step went forward by a choice that reports one. */
function reportedOutcome(
  bundle: FlowBundle,
  before: ConversationState,
  after: ConversationState,
): string | undefined {
  if (after.turn !== before.turn + 1) return undefined;
  const { catalogue } = bundle;
  const reached = canonicalJson(after.ctx);
  const choice = bundle.states[before.state]?.choices?.find(
    (c) =>
      c.to === after.state &&
      (c.set?.outcome === 'worked' || c.set?.reason !== undefined) &&
      holds(c.when, before.ctx, catalogue) &&
      canonicalJson(applyChoice(before.ctx, c)) === reached,
  );
  if (!choice) return undefined;
  const path = currentPath(before.ctx, catalogue);
  const platform = path?.platform.id ?? before.ctx.platform ?? 'none';
  const channel = path?.channel ?? before.ctx.fields.channel ?? 'none';
  const reason = choice.set?.reason;
  return reason !== undefined ? `${platform}:${channel}:blocked:${reason}` : `${platform}:${channel}:worked`;
}
