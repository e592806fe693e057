import { randomBytes } from 'node:crypto';
import type { FlowBundle } from '../flows/bundle.ts';
import type { FlowContext } from '../flows/context.ts';
import type { Lang } from '../i18n/lang.ts';
import type { Translator } from '../i18n/translator.ts';
import { caseKind, draftComplaint, evidenceList, factsFromFields, rightsFor } from './complaint.ts';
import { GENESIS, type TranscriptEntry } from './transcriptChain.ts';
import type { ReceiptBody, ShownPath } from './types.ts';

/**
 * Builds the body of a receipt from a conversation: what was chosen, every path shown with its source
 * and date, the outcome, the user's facts, the rights explained, the evidence list, the complaint texts
 * and the whole hash-chained transcript. Pure apart from the random id.
 *
 * @example
 * const body = buildReceiptBody({ bundle, tr, conversation: 'c_5f1e…', conv, transcript, now });
 * signReceipt(body, keys);
 */
export interface BuildInput {
  bundle: FlowBundle;
  tr: Translator;
  conversation: string;
  /** What the receipt is built from: the conversation's language, context and the steps it showed. */
  conv: ReceiptConversation;
  transcript: TranscriptEntry[];
  now: Date;
  /** For tests: a fixed id instead of a random one. */
  id?: string;
}

/**
 * The parts of a conversation a receipt is built from (the dialogue's state has these and more).
 *
 * @example
 * const conv: ReceiptConversation = { lang: 'zh-CN', ctx, shown: [] };
 */
export interface ReceiptConversation {
  lang: Lang;
  ctx: FlowContext;
  shown: readonly { platform: string; channel: string; steps: string[]; source: string; verified?: string }[];
}

/** A new receipt id: `R-YYYYMMDD-` and 8 random hex digits. */
export function newReceiptId(now: Date): string {
  return `R-${now.toISOString().slice(0, 10).replaceAll('-', '')}-${randomBytes(4).toString('hex').toUpperCase()}`;
}

/** See {@link BuildInput}. */
export function buildReceiptBody(input: BuildInput): ReceiptBody {
  const { bundle, tr, conv, transcript, now } = input;
  const { lang, ctx } = conv;
  const fields = ctx.fields;
  const flowText = (key: string) => {
    const t = tr.text(lang, key);
    return t === key ? undefined : t;
  };
  const platformName = (id: string | null | undefined) =>
    id ? bundle.catalogue.byId.get(id)?.name[lang] : undefined;
  const kind = caseKind(fields);
  const facts = factsFromFields(fields);
  const today = now.toISOString().slice(0, 10);
  const wantsTexts = kind !== 'redflag' && kind !== 'general';
  const versions = [...new Set(transcript.flatMap((e) => (e.flow ? [e.flow] : [])))];
  return {
    v: 1,
    id: input.id ?? newReceiptId(now),
    conversation: input.conversation,
    issuedAt: now.toISOString(),
    flowVersion: bundle.version,
    ...(versions.length > 0 ? { flowVersions: versions } : {}),
    lang,
    chosen: strip({
      platform: platformName(ctx.platform),
      membership: fields.membership ? flowText(`membership.${fields.membership}`) : undefined,
      channel: fields.channel ? tr.common(lang, `channels.${fields.channel}`) : undefined,
      payment: platformName(ctx.payment),
    }),
    paths: mergeShown(conv),
    ...(fields.outcome === 'worked' || fields.outcome === 'blocked'
      ? {
          outcome: strip({
            result: fields.outcome,
            reason:
              fields.outcome === 'blocked' && fields.reason
                ? flowText(`blocked.${fields.reason}`)
                : undefined,
          }) as ReceiptBody['outcome'],
        }
      : {}),
    facts,
    rights: rightsFor(tr, lang, kind),
    evidence: evidenceList(tr, lang),
    ...(wantsTexts ? { complaint: draftComplaint(tr, lang, kind, facts, today) } : {}),
    transcript,
    chainHead: transcript.at(-1)?.hash ?? GENESIS,
  };
}

/** Pages of the same path become one path with all its steps, in the order first shown. */
function mergeShown(conv: ReceiptConversation): ShownPath[] {
  const out = new Map<string, ShownPath>();
  for (const s of conv.shown) {
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
      unverified: !s.verified,
    });
  }
  return [...out.values()];
}

function strip<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}
