import type { Choice, Reply } from '../../dialogue/types.ts';
import { replyBody } from '../kit/numbered.ts';
import { callbackData } from './callbackData.ts';
import { splitText } from './splitText.ts';
import type { InlineKeyboard, OutgoingFile, TelegramIO } from './telegramIO.ts';

/**
 * Engine replies → Telegram messages, shared by the grammY bot and the Telegraf middleware. Plain text
 * (no parse_mode, so nothing needs escaping), split under 4096 characters with the inline keyboard on
 * the last piece (see {@link inlineKeyboard}; `callback_data` = `${choiceId}|${turn}`), then each attachment
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
 * Buttons with data `${id}|${turn}`: in a long list (the platform list) two short choices side by side, so the
 * whole list fits on a phone screen; a long label, a short list and the engine's own choices (back, restart,
 * skip — ids starting with `_`) one to a row, the engine's last.
 *
 * @example
 * ```ts
 * inlineKeyboard([{ id: 'app', label: 'App' }], 5); // { inline_keyboard: [[{ text: 'App', callback_data: 'app|5' }]] }
 * ```
 */
export function inlineKeyboard(choices: readonly Choice[], turn: number | undefined): InlineKeyboard {
  const button = (c: Choice) => ({ text: c.label, callback_data: callbackData(c.id, turn) });
  const own = choices.filter((c) => !c.id.startsWith('_'));
  const engine = choices.filter((c) => c.id.startsWith('_'));
  const short = (c: Choice | undefined): c is Choice =>
    c !== undefined && displayWidth(c.label) <= TWO_COLUMN_WIDTH;
  const rows: InlineKeyboard['inline_keyboard'] = [];
  for (let i = 0; i < own.length; i += 1) {
    const c = own[i] as Choice;
    const next = own[i + 1];
    if (own.length >= TWO_COLUMNS_FROM && short(c) && short(next)) {
      rows.push([button(c), button(next)]);
      i += 1;
    } else rows.push([button(c)]);
  }
  for (const c of engine) rows.push([button(c)]);
  return { inline_keyboard: rows };
}

/** From how many choices a list is laid out in two columns. */
export const TWO_COLUMNS_FROM = 6;
/** The widest label (in half-width columns; a Chinese character counts 2) that fits half a phone's width. */
export const TWO_COLUMN_WIDTH = 18;

function displayWidth(label: string): number {
  let width = 0;
  for (const ch of label)
    width +=
      /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/u.test(
        ch,
      )
        ? 2
        : 1;
  return width;
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
