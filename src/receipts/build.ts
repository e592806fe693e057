import { randomBytes } from 'node:crypto';
import type { Lang } from '../i18n/lang.ts';
import type { Translator } from '../i18n/translator.ts';
import { caseFromFields, type PlatformRef } from './caseFile.ts';
import { draftLetters, evidenceList } from './complaint.ts';
import { groundText, shownGrounds } from './grounds.ts';
import { DEFAULT_TIME_ZONE, localDay } from './localTime.ts';
import { GENESIS, type TranscriptEntry } from './transcriptChain.ts';
import type { ReceiptBody, ShownPath } from './types.ts';

/**
 * Builds the body of a receipt from plain case data (the dialogue turns its conversation into this; see
 * src/dialogue/receiptCase.ts): what was chosen, every path shown with its source and date, the outcome, the
 * user's facts, the legal grounds the guide explained, the evidence list, the drafted letters (when the case
 * has them) and the whole hash-chained transcript. Dates are the user's calendar day in `timeZone`
 * (Asia/Shanghai by default), also in the receipt id. Pure apart from the random id.
 *
 * @example
 * const body = buildReceiptBody({ ...receiptCaseOf(bundle, tr, conv), tr, conversation: 'c_5f1e…', transcript, now });
 * signReceipt(body, keys);
 */
export interface BuildInput {
  tr: Translator;
  conversation: string;
  lang: Lang;
  flowVersion: string;
  /** What the user chose, as display names in `lang`. */
  chosen: ReceiptBody['chosen'];
  /** The dialogue's answers and typed facts (`set:` fields and `fact_<key>`). */
  fields: Readonly<Record<string, string>>;
  platform?: PlatformRef;
  /** Every steps screen shown, in order (pages of one path are merged here). */
  shown: readonly ShownStepsInput[];
  /** The blocked reason as the user saw it, when the outcome is `blocked`. */
  outcomeReason?: string;
  transcript: TranscriptEntry[];
  now: Date;
  /** IANA zone for "today" and the times shown; {@link DEFAULT_TIME_ZONE} when absent. */
  timeZone?: string;
  /** The installation's public https:// address; the receipt then names its check page. */
  publicUrl?: string;
  /** For tests: a fixed id instead of a random one. */
  id?: string;
}

/**
 * One steps screen as the dialogue recorded it.
 *
 * @example
 * const s: ShownStepsInput = { platform: '爱奇艺 VIP', channel: 'App', steps: ['打开 App'], source: '…', verified: '2026-11-25' };
 */
export interface ShownStepsInput {
  platform: string;
  channel: string;
  steps: string[];
  source: string;
  verified?: string;
  /** The date a path compiled from public guides was written down (it was not followed by us). */
  compiled?: string;
}

/**
 * A new receipt id: `R-YYYYMMDD-` (the user's calendar day) and 8 random hex digits.
 *
 * @example
 * newReceiptId(new Date('2026-11-24T17:00:00Z')); // 'R-20261125-1A2B3C4D' (already the 25th in Beijing)
 */
export function newReceiptId(now: Date, timeZone: string = DEFAULT_TIME_ZONE): string {
  const day = localDay(now, timeZone).replaceAll('-', '');
  return `R-${day}-${randomBytes(4).toString('hex').toUpperCase()}`;
}

/**
 * The address printed on a receipt for checking it: `<publicUrl>/v/<id>`.
 *
 * @example
 * receiptVerifyUrl('https://cancelmate.example.org/', 'R-20261125-1A2B3C4D');
 * // 'https://cancelmate.example.org/v/R-20261125-1A2B3C4D'
 */
export function receiptVerifyUrl(publicUrl: string, id: string): string {
  return `${publicUrl.replace(/\/+$/, '')}/v/${encodeURIComponent(id)}`;
}

/** See {@link BuildInput}. */
export function buildReceiptBody(input: BuildInput): ReceiptBody {
  const { tr, lang, fields, now, transcript } = input;
  const timeZone = input.timeZone ?? DEFAULT_TIME_ZONE;
  const c = caseFromFields(fields, input.platform);
  const id = input.id ?? newReceiptId(now, timeZone);
  // A general case has letters only when the user asked for them (they are mostly blanks otherwise).
  const wantsLetters = c.kind !== 'redflag' && (c.kind !== 'general' || fields.drafted === 'yes');
  const outcome = fields.outcome === 'worked' || fields.outcome === 'blocked' ? fields.outcome : undefined;
  const versions = [...new Set(transcript.flatMap((e) => (e.flow ? [e.flow] : [])))];
  return {
    v: 1,
    id,
    conversation: input.conversation,
    issuedAt: now.toISOString(),
    flowVersion: input.flowVersion,
    ...(versions.length > 0 ? { flowVersions: versions } : {}),
    lang,
    chosen: strip(input.chosen),
    paths: mergeShown(input.shown),
    ...(outcome
      ? {
          outcome: strip({
            result: outcome,
            reason: outcome === 'blocked' ? input.outcomeReason : undefined,
          }) as ReceiptBody['outcome'],
        }
      : {}),
    facts: c.facts,
    rights: shownGrounds(c).map((g) => groundText(tr, lang, g)),
    evidence: evidenceList(tr, lang, c.kind),
    ...(wantsLetters ? { complaint: draftLetters(tr, lang, c, localDay(now, timeZone)) } : {}),
    transcript,
    chainHead: transcript.at(-1)?.hash ?? GENESIS,
    caseKind: c.kind,
    timeZone,
    ...(input.publicUrl ? { verifyUrl: receiptVerifyUrl(input.publicUrl, id) } : {}),
  };
}

/** Pages of the same path become one path with all its steps, in the order first shown. */
function mergeShown(shown: readonly ShownStepsInput[]): ShownPath[] {
  const out = new Map<string, ShownPath>();
  for (const s of shown) {
    const key = `${s.platform}\u0000${s.channel}\u0000${s.source}`;
    const prior = out.get(key);
    if (prior) {
      for (const step of s.steps) if (!prior.steps.includes(step)) prior.steps.push(step);
      continue;
    }
    out.set(key, {
      platform: s.platform,
      channel: s.channel,
      steps: [...s.steps],
      source: s.source,
      ...(s.verified ? { verified: s.verified } : {}),
      ...(!s.verified && s.compiled ? { compiled: s.compiled } : {}),
      unverified: !s.verified,
    });
  }
  return [...out.values()];
}

function strip<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}
