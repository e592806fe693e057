import { z } from 'zod';
import { isBlank, MAX_INPUT_CHARS } from '../../dialogue/input.ts';
import type { Reply } from '../../dialogue/types.ts';

/**
 * The `POST /api/chat` contract. A request is free text or a button press, always with a
 * client-generated `messageId` (resending the same id returns the same replies and changes nothing);
 * the response lists the guide's replies and the conversation's language.
 *
 * @example
 * parseChatRequest({ text: '取消会员', messageId: 'w1a2b3' });          // { ok: true, value: … }
 * parseChatRequest({ choice: 'kamen', turn: 2, messageId: 'w1a2b4' }); // { ok: true, value: … }
 * parseChatRequest({ text: 'hi' }); // { ok: false, detail: 'messageId: required, …' }
 */
export const MESSAGE_ID = /^[A-Za-z0-9_-]{1,100}$/;

const MESSAGE_ID_RULE = 'required, 1–100 characters of A-Z a-z 0-9 _ - (a new one per message)';

const ChatRequestSchema = z
  .object(
    {
      messageId: z.string({ error: MESSAGE_ID_RULE }).regex(MESSAGE_ID, { error: MESSAGE_ID_RULE }),
      text: z
        .string({ error: 'must be a string' })
        .refine((t) => !isBlank(t), { error: 'must not be empty (or only control characters)' })
        .refine((t) => [...t].length <= MAX_INPUT_CHARS, {
          error: `must be at most ${MAX_INPUT_CHARS} characters`,
        })
        .optional(),
      choice: z
        .string({ error: 'must be a string' })
        .regex(/^[A-Za-z0-9_-]{1,64}$/, {
          error: 'must be a choice id from the last reply (1–64 of A-Z a-z 0-9 _ -)',
        })
        .optional(),
      turn: z
        .number({ error: 'must be the whole number from the reply whose choice was pressed' })
        .int({ error: 'must be a whole number' })
        .min(0)
        .max(Number.MAX_SAFE_INTEGER)
        .optional(),
    },
    { error: 'the body must be a JSON object such as {"text": "…", "messageId": "…"}' },
  )
  .superRefine((b, ctx) => {
    if ((b.text === undefined) === (b.choice === undefined))
      ctx.addIssue({ code: 'custom', message: 'send exactly one of "text" or "choice"', path: [] });
    if (b.turn !== undefined && b.choice === undefined)
      ctx.addIssue({ code: 'custom', message: '"turn" goes with "choice"', path: ['turn'] });
  });

/** A valid chat request. */
export type ChatRequest = z.infer<typeof ChatRequestSchema>;

/** Validates a parsed JSON body; `detail` names each wrong field and what it should be. */
export function parseChatRequest(
  body: unknown,
): { ok: true; value: ChatRequest } | { ok: false; detail: string } {
  const parsed = ChatRequestSchema.safeParse(body);
  if (parsed.success) return { ok: true, value: parsed.data };
  const detail = parsed.error.issues
    .map((i) => `${i.path.length ? i.path.join('.') : 'body'}: ${i.message}`)
    .join('; ');
  return { ok: false, detail };
}

/** One reply as the web API sends it. */
export interface WireReply {
  text: string;
  /** `letter` for a document to copy (shown with its title). */
  kind?: 'letter';
  title?: string;
  choices: { id: string; label: string }[];
  turn?: number;
  receipt?: { id: string; token: string };
  /** Files sent inline (the data export); receipts are not, they are fetched by link. */
  files?: { filename: string; contentType: string; content: string }[];
}

/** The `POST /api/chat` response body. */
export interface ChatResponse {
  replies: WireReply[];
  /** The conversation's language after this message (the page switches its own labels to it). */
  lang: string;
}

/** Engine replies → wire replies (a receipt's files stay on the server and are fetched by link). */
export function toWireReplies(replies: readonly Reply[]): WireReply[] {
  return replies.map((r) => ({
    text: r.text,
    ...(r.kind ? { kind: r.kind } : {}),
    ...(r.title ? { title: r.title } : {}),
    choices: (r.choices ?? []).map((c) => ({ id: c.id, label: c.label })),
    ...(r.turn === undefined ? {} : { turn: r.turn }),
    ...(r.receipt ? { receipt: { id: r.receipt.id, token: r.receipt.token } } : {}),
    ...(!r.receipt && r.attachments?.length
      ? {
          files: r.attachments.map((a) => ({
            filename: a.filename,
            contentType: a.contentType,
            content: a.content,
          })),
        }
      : {}),
  }));
}
