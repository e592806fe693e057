/**
 * The effects the engine carries out inside a message's transaction: issuing a signed receipt (stored, with
 * a link token derived from the installation's salt, so the token itself is never stored), exporting
 * everything kept about the user (one summary line in the chat, the data as a file), and storing a reminder
 * message the user asked for.
 */
import { randomBytes } from 'node:crypto';
import type { FlowBundle } from '../flows/bundle.ts';
import type { Translator } from '../i18n/translator.ts';
import { buildReceiptBody } from '../receipts/build.ts';
import type { ReceiptKeys } from '../receipts/keys.ts';
import { renderReceiptHtml } from '../receipts/renderHtml.ts';
import { renderReceiptText } from '../receipts/renderText.ts';
import { signReceipt } from '../receipts/sign.ts';
import type { Receipt } from '../receipts/types.ts';
import { receiptToken, tokenHash } from '../store/identity.ts';
import type { ConversationTx } from '../store/port.ts';
import type { ConversationState } from './conversation.ts';
import { receiptCaseOf } from './receiptCase.ts';
import { reminderToKeep } from './reminder.ts';
import type { Attachment, Reply } from './types.ts';

/**
 * Who signs receipts and where their links point.
 *
 * @example
 * const issuer: ReceiptIssuer = { keys: loadOrCreateKeyPair('./data'), publicUrl: 'https://cancelmate.example.org' };
 */
export interface ReceiptIssuer {
  keys: ReceiptKeys;
  /** The public https:// address, for links in the reply; without it, no links. */
  publicUrl?: string;
}

/**
 * What the effects need from the engine.
 *
 * @example
 * const deps: EffectDeps = { issuer, bundle, tr, salt };
 */
export interface EffectDeps {
  issuer: ReceiptIssuer;
  bundle: FlowBundle;
  tr: Translator;
  /** The secret the link tokens are derived from. */
  salt: string;
  /** The users' IANA time zone for the receipt's dates and its letters' "today"; Asia/Shanghai when absent. */
  timeZone?: string;
}

/**
 * Builds, signs and stores a receipt over the transcript so far; replies with its summary, links and files.
 * Throws when it cannot (the engine then apologises and the whole message rolls back).
 *
 * @example
 * const reply = issueReceipt(deps, tx, conv, new Date());
 * reply.attachments?.map((a) => a.filename); // ['R-20261125-1A2B3C4D.html', 'R-20261125-1A2B3C4D.json']
 */
export function issueReceipt(
  deps: EffectDeps,
  tx: ConversationTx,
  conv: ConversationState,
  now: Date,
): Reply {
  const body = buildReceiptBody({
    ...receiptCaseOf(deps.bundle, deps.tr, conv),
    tr: deps.tr,
    conversation: tx.conversationId,
    transcript: tx.transcript(),
    now,
    ...(deps.timeZone ? { timeZone: deps.timeZone } : {}),
    ...(deps.issuer.publicUrl ? { publicUrl: deps.issuer.publicUrl } : {}),
  });
  const receipt = signReceipt(body, deps.issuer.keys);
  const token = receiptToken(deps.salt, receipt.body.id);
  tx.insertReceipt({
    id: receipt.body.id,
    tokenHash: tokenHash(token),
    json: JSON.stringify(receipt),
    createdAt: now.toISOString(),
  });
  return receiptReply(deps, receipt, conv.lang);
}

/**
 * The reply that hands out `receipt`: the same whether it was just issued or is given again to a redelivered
 * message (the token is derived, the files rendered from the stored receipt).
 *
 * @example
 * receiptReply(deps, receipt, 'en').receipt; // { id: 'R-…', token: '…' }
 */
export function receiptReply(deps: EffectDeps, receipt: Receipt, lang: ConversationState['lang']): Reply {
  const { tr, issuer } = deps;
  const id = receipt.body.id;
  const token = receiptToken(deps.salt, id);
  const parts = [tr.ns(lang, 'receipt', 'issued', { id }), renderReceiptText(receipt)];
  const base = issuer.publicUrl?.replace(/\/+$/, '');
  if (base) {
    const at = `${base}/receipts/${encodeURIComponent(id)}`;
    parts.push(tr.ns(lang, 'receipt', 'links', { html: `${at}?t=${token}`, json: `${at}.json?t=${token}` }));
  }
  return {
    text: parts.join('\n\n'),
    receipt: { id, token },
    attachments: receiptFiles(receipt, issuer, token),
  };
}

/**
 * A receipt's files: the self-contained HTML page and the JSON.
 *
 * @example
 * receiptFiles(receipt, issuer, token).map((f) => f.contentType); // ['text/html; charset=utf-8', 'application/json']
 */
export function receiptFiles(receipt: Receipt, issuer: ReceiptIssuer, token: string): Attachment[] {
  const id = receipt.body.id;
  return [
    {
      filename: `${id}.html`,
      contentType: 'text/html; charset=utf-8',
      // The token goes into the page's check link and QR code (it is not part of what was signed).
      content: renderReceiptHtml(receipt, { publicKeyPem: issuer.keys.publicKeyPem, token }),
    },
    {
      filename: `${id}.json`,
      contentType: 'application/json',
      content: `${JSON.stringify(receipt, null, 2)}\n`,
    },
  ];
}

/**
 * The name of the data export file.
 *
 * @example
 * EXPORT_FILE; // 'cancelmate-my-data.json'
 */
export const EXPORT_FILE = 'cancelmate-my-data.json';

/**
 * Everything stored about this conversation: one plain summary line in the chat, the whole as a JSON file.
 *
 * @example
 * dataExportReply(deps, tx, conv, now).attachments?.[0]?.filename; // 'cancelmate-my-data.json'
 */
export function dataExportReply(
  deps: EffectDeps,
  tx: Pick<ConversationTx, 'conversationId' | 'transcript' | 'receipts' | 'reminders'>,
  conv: ConversationState,
  now: Date,
): Reply {
  const transcript = tx.transcript();
  const receipts = tx.receipts();
  const reminders = tx.reminders();
  const facts = Object.keys(conv.ctx.fields).filter((k) => k.startsWith('fact_'));
  const data = {
    conversation: tx.conversationId,
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
    transcript,
    receipts: receipts.map((r) => ({
      id: r.id,
      createdAt: r.createdAt,
      receipt: JSON.parse(r.json) as unknown,
    })),
    remindersToSend: reminders.map(({ conversationId: _c, id: _id, ...r }) => r),
  };
  const summary = deps.tr.common(conv.lang, 'mydata.summary', {
    messages: transcript.length,
    facts: facts.length,
    receipts: receipts.length,
    file: EXPORT_FILE,
  });
  const kept = reminders.length
    ? deps.tr.common(conv.lang, 'mydata.reminders', { count: reminders.length })
    : undefined;
  return {
    text: [summary, kept].filter(Boolean).join('\n'),
    attachments: [
      {
        filename: EXPORT_FILE,
        contentType: 'application/json',
        content: `${JSON.stringify(data, null, 2)}\n`,
      },
    ],
  };
}

/**
 * Stores the reminder message the user just asked for (the step's `remind` effect), to `address` on the
 * message's channel; a reminder this conversation already has for the same day is replaced. Nothing is stored
 * without a day or an address.
 *
 * @example
 * keepReminder(deps, tx, conv, { channel: 'telegram', address: '424242' }, now);
 */
export function keepReminder(
  deps: Pick<EffectDeps, 'bundle' | 'tr' | 'timeZone'>,
  tx: Pick<ConversationTx, 'addReminder'>,
  conv: ConversationState,
  to: { channel: string; address: string | undefined },
  now: Date,
): void {
  if (!to.address) return;
  const reminder = reminderToKeep(deps, conv, { channel: to.channel, address: to.address }, now);
  if (reminder) tx.addReminder({ id: `m-${randomBytes(8).toString('hex')}`, ...reminder });
}
