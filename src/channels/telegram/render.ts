import type { Choice, Reply } from '../../dialogue/types.ts';
import { replyBody } from '../kit/numbered.ts';
import { callbackData } from './callbackData.ts';
import { splitText } from './splitText.ts';
import type { InlineKeyboard, OutgoingFile, TelegramIO } from './telegramIO.ts';

/**
 * Engine replies → Telegram messages, shared by the grammY bot and the Telegraf middleware. Plain text
 * (no parse_mode, so nothing needs escaping), split under 4096 characters with the inline keyboard on
 * the last piece (one button per row, `callback_data` = `${choiceId}|${turn}`), then each attachment
 * (receipt HTML, JSON) as a document. The keyboard stays on the text even when documents follow: an
 * upload that fails must not take the question's buttons with it.
 *
 * @example
 * ```ts
 * renderReply({ text: '是哪种会员？', choices: [{ id: 'auto', label: '自动续费' }], turn: 3 });
 * // [{ kind: 'text', text: '是哪种会员？', keyboard: { inline_keyboard: [[{ text: '自动续费', callback_data: 'auto|3' }]] } }]
 * await sendReplies(io, chatId, engine.handle(inbound));
 * ```
 */
export type OutgoingMessage =
  | { kind: 'text'; text: string; keyboard?: InlineKeyboard }
  | ({ kind: 'document' } & OutgoingFile);

/** Shown when a reply has buttons but no text (Telegram refuses empty messages). */
const EMPTY_TEXT = '…';

/**
 * One reply as the messages to send, in order. Throws CallbackDataTooLongError for an overlong choice id.
 *
 * @example
 * ```ts
 * renderReply({ text: '凭证', attachments: [{ filename: 'r.json', contentType: 'application/json', content: '{}' }] });
 * // [{ kind: 'text', text: '凭证' }, { kind: 'document', filename: 'r.json', … }]
 * ```
 */
export function renderReply(reply: Reply): OutgoingMessage[] {
  const keyboard = reply.choices?.length ? inlineKeyboard(reply.choices, reply.turn) : undefined;
  const chunks = splitText(replyBody(reply));
  if (chunks.length === 0 && keyboard) chunks.push(EMPTY_TEXT);
  const out: OutgoingMessage[] = chunks.map((text, i) =>
    keyboard && i === chunks.length - 1 ? { kind: 'text', text, keyboard } : { kind: 'text', text },
  );
  for (const a of reply.attachments ?? [])
    out.push({
      kind: 'document',
      filename: a.filename,
      contentType: a.contentType,
      content: Buffer.from(a.content, 'utf8'),
    });
  return out;
}

/**
 * One button per row: text = label, data = `${id}|${turn}`.
 *
 * @example
 * ```ts
 * inlineKeyboard([{ id: 'app', label: 'App' }], 5); // { inline_keyboard: [[{ text: 'App', callback_data: 'app|5' }]] }
 * ```
 */
export function inlineKeyboard(choices: readonly Choice[], turn: number | undefined): InlineKeyboard {
  return {
    inline_keyboard: choices.map((c) => [{ text: c.label, callback_data: callbackData(c.id, turn) }]),
  };
}

/**
 * Sends replies to a chat one message at a time, in order. Every reply is rendered before anything is
 * sent, so a rendering error sends nothing.
 *
 * @example
 * ```ts
 * await sendReplies(grammyIO(bot.api, bot.botInfo), chatId, engine.handle(inbound));
 * ```
 */
export async function sendReplies(io: TelegramIO, chatId: number, replies: readonly Reply[]): Promise<void> {
  const messages = replies.flatMap(renderReply);
  for (const m of messages) {
    if (m.kind === 'text') await io.sendText(chatId, m.text, m.keyboard);
    else await io.sendDocument(chatId, m);
  }
}
