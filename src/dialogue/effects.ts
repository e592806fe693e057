import { randomBytes } from 'node:crypto';
import type { FlowBundle } from '../flows/bundle.ts';
import type { Translator } from '../i18n/translator.ts';
import { buildReceiptBody } from '../receipts/build.ts';
import type { ReceiptKeys } from '../receipts/keys.ts';
import { renderReceiptHtml } from '../receipts/renderHtml.ts';
import { renderReceiptText } from '../receipts/renderText.ts';
import { signReceipt } from '../receipts/sign.ts';
import type { ConversationStore } from '../store/conversationStore.ts';
import type { ReceiptStore } from '../store/receiptStore.ts';
import type { ConversationState } from './conversation.ts';
import { receiptCaseOf } from './receiptCase.ts';
import type { Reply } from './types.ts';

/**
 * The effects the engine carries out inside the message's transaction: issuing a signed receipt (stored,
 * with a secret link token) and exporting everything kept about the user.
 *
 * @example
 * const reply = receiptReply(deps, 'c_5f1e…', conv, new Date());
 * reply.attachments?.map((a) => a.filename); // ['R-20261125-1A2B3C4D.html', 'R-20261125-1A2B3C4D.json']
 */
export interface ReceiptIssuer {
  keys: ReceiptKeys;
  /** The public https:// address, for links in the reply; without it, no links. */
  publicUrl?: string;
}

/** What the effects need from the engine. */
export interface EffectDeps {
  store: ConversationStore;
  receipts: ReceiptStore;
  issuer: ReceiptIssuer;
  bundle: FlowBundle;
  tr: Translator;
}

/** Builds, signs and stores a receipt over the transcript so far; replies with its summary and files. */
export function receiptReply(
  deps: EffectDeps,
  conversation: string,
  conv: ConversationState,
  now: Date,
  onError?: (err: unknown, info: { conversation: string; channel: string }) => void,
): Reply {
  const { tr, issuer } = deps;
  try {
    const body = buildReceiptBody({
      ...receiptCaseOf(deps.bundle, tr, conv),
      tr,
      conversation,
      transcript: deps.store.transcript(conversation),
      now,
      ...(issuer.publicUrl ? { publicUrl: issuer.publicUrl } : {}),
    });
    const receipt = signReceipt(body, issuer.keys);
    const token = randomBytes(18).toString('base64url');
    deps.receipts.insert(conversation, receipt, token, now);
    const id = receipt.body.id;
    const parts = [tr.ns(conv.lang, 'receipt', 'issued', { id }), renderReceiptText(receipt)];
    if (issuer.publicUrl) {
      const base = `${issuer.publicUrl.replace(/\/+$/, '')}/receipts/${encodeURIComponent(id)}`;
      parts.push(
        tr.ns(conv.lang, 'receipt', 'links', { html: `${base}?t=${token}`, json: `${base}.json?t=${token}` }),
      );
    }
    const verifyUrl = issuer.publicUrl
      ? `${issuer.publicUrl.replace(/\/+$/, '')}/receipts/public-key`
      : undefined;
    return {
      text: parts.join('\n\n'),
      receipt: { id, token },
      attachments: [
        {
          filename: `${id}.html`,
          contentType: 'text/html; charset=utf-8',
          content: renderReceiptHtml(receipt, {
            publicKeyPem: issuer.keys.publicKeyPem,
            token,
            ...(verifyUrl ? { verifyUrl } : {}),
          }),
        },
        {
          filename: `${id}.json`,
          contentType: 'application/json',
          content: `${JSON.stringify(receipt, null, 2)}\n`,
        },
      ],
    };
  } catch (err) {
    onError?.(err, { conversation, channel: 'receipt' });
    return { text: tr.common(conv.lang, 'receiptNone') };
  }
}

/** The most characters of the export shown in the chat itself (the attachment has it all). */
export const EXPORT_TEXT_MAX = 3000;

/** Everything stored about this conversation, as JSON in the chat and as a file. */
export function dataExportReply(
  deps: EffectDeps,
  conversation: string,
  conv: ConversationState,
  now: Date,
): Reply {
  const data = {
    conversation,
    exportedAt: now.toISOString(),
    state: {
      lang: conv.lang,
      question: conv.state,
      platform: conv.ctx.platform,
      payment: conv.ctx.payment,
      triedChannels: conv.ctx.tried,
      answersAndFacts: conv.ctx.fields,
      flowVersion: conv.flowVersion,
    },
    transcript: deps.store.transcript(conversation),
    receipts: deps.receipts.listFor(conversation),
  };
  const json = JSON.stringify(data, null, 2);
  const { tr } = deps;
  const shown =
    json.length <= EXPORT_TEXT_MAX
      ? json
      : `${json.slice(0, EXPORT_TEXT_MAX)}\n…\n${tr.common(conv.lang, 'mydata.truncated')}`;
  return {
    text: `${tr.common(conv.lang, 'mydata.intro')}\n\n${shown}`,
    attachments: [
      { filename: 'cancelmate-my-data.json', contentType: 'application/json', content: `${json}\n` },
    ],
  };
}
