import type { FlowBundle } from '../flows/bundle.ts';
import type { Translator } from '../i18n/translator.ts';
import type { BuildInput } from '../receipts/build.ts';
import type { ConversationState } from './conversation.ts';
import { platformRef } from './render.ts';

/**
 * The plain case data a receipt is built from, read off a conversation: the receipts module knows nothing of
 * the dialogue, so the dialogue hands it names in the user's language, the answers and facts, and the steps
 * shown.
 *
 * @example
 * const body = buildReceiptBody({ ...receiptCaseOf(bundle, tr, conv), tr, conversation, transcript, now });
 */
export function receiptCaseOf(
  bundle: FlowBundle,
  tr: Translator,
  conv: ConversationState,
): Pick<BuildInput, 'lang' | 'flowVersion' | 'chosen' | 'fields' | 'platform' | 'shown' | 'outcomeReason'> {
  const { lang, ctx } = conv;
  const fields = ctx.fields;
  const flowText = (key: string) => {
    const t = tr.text(lang, key);
    return t === key ? undefined : t;
  };
  const nameOf = (id: string | null | undefined) =>
    id ? bundle.catalogue.byId.get(id)?.name[lang] : undefined;
  const platform = platformRef(bundle, ctx);
  const reason =
    fields.outcome === 'blocked' && fields.reason ? flowText(`blocked.${fields.reason}`) : undefined;
  return {
    lang,
    flowVersion: bundle.version,
    chosen: {
      platform: nameOf(ctx.platform),
      membership: fields.membership ? flowText(`membership.${fields.membership}`) : undefined,
      channel: fields.channel ? tr.common(lang, `channels.${fields.channel}`) : undefined,
      payment: nameOf(ctx.payment),
    },
    fields,
    ...(platform ? { platform } : {}),
    shown: conv.shown,
    ...(reason ? { outcomeReason: reason } : {}),
  };
}
