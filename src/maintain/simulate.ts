import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import { BRACKETED, numberedText } from '../channels/kit/numbered.ts';
import type { ConversationState } from '../dialogue/conversation.ts';
import type { StepEnv } from '../dialogue/decision.ts';
import { receiptCaseOf } from '../dialogue/receiptCase.ts';
import { step } from '../dialogue/step.ts';
import type { Reply } from '../dialogue/types.ts';
import type { Lang } from '../i18n/lang.ts';
import { buildReceiptBody } from '../receipts/build.ts';
import { keyIdOf, type ReceiptKeys } from '../receipts/keys.ts';
import { renderReceiptText } from '../receipts/renderText.ts';
import { signReceipt } from '../receipts/sign.ts';
import { chainEntry, GENESIS, type TranscriptEntry } from '../receipts/transcriptChain.ts';

/**
 * A conversation with the guide in memory, through the pure step (src/dialogue/step.ts) and no store: what the
 * maintainer tools (`flows test`, `flows diff`) replay. Each turn comes back as the terminal prints it: each
 * reply's text (a letter under its 【title】), then one `[n] label` line per choice, replies separated by a blank
 * line. The effects the engine carries out around the step are rendered the same way: a receipt is built and
 * signed (with a key made for this run) over the transcript so far; "my data" says what the export holds;
 * "forget me" forgets the conversation.
 *
 * @example
 * const talk = new SimulatedChat(env, { lang: 'zh-CN', now: new Date('2026-11-25T08:00:00Z') });
 * talk.start(); // '你好，我是会员取消助手…\n[1] 取消会员 / 自动续费\n…'
 * talk.say('1');
 */
export interface SimulatedChatOptions {
  lang: Lang;
  /** The clock for every turn (fixed, so replays compare). */
  now: Date;
  /** Signing keys for receipts; made once per process when absent. */
  keys?: ReceiptKeys;
}

let processKeys: ReceiptKeys | undefined;

/**
 * An Ed25519 key pair that lives only in memory (for receipts in replays).
 *
 * @example
 * signReceipt(body, ephemeralKeys());
 */
export function ephemeralKeys(): ReceiptKeys {
  if (processKeys) return processKeys;
  const { privateKey } = generateKeyPairSync('ed25519');
  const publicKey = createPublicKey(privateKey);
  processKeys = {
    privateKey,
    publicKey,
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    keyId: keyIdOf(publicKey),
  };
  return processKeys;
}

/**
 * See {@link SimulatedChatOptions}.
 *
 * @example
 * const chat = new SimulatedChat(env, { lang: 'en', now: new Date() });
 * chat.start();
 * chat.press('cancel');
 */
export class SimulatedChat {
  private conv: ConversationState | undefined;
  private transcript: TranscriptEntry[] = [];
  private messages = 0;

  constructor(
    private readonly env: StepEnv,
    private readonly opts: SimulatedChatOptions,
  ) {}

  /** The conversation as stored after the last turn (undefined before the first and after "forget me"). */
  get state(): ConversationState | undefined {
    return this.conv;
  }

  /** Opens the conversation (`/start`). */
  start(): string {
    return this.send({ text: '/start' });
  }

  /** The user types `text`. */
  say(text: string): string {
    return this.send({ text });
  }

  /** The user presses the button `choice` of the current question. */
  press(choice: string): string {
    return this.send({ choice, ...(this.conv ? { turn: this.conv.turn } : {}) });
  }

  /** The replies of the last turn, unformatted. */
  lastReplies: Reply[] = [];

  private send(input: { text?: string; choice?: string; turn?: number }): string {
    this.messages += 1;
    const { now, lang } = this.opts;
    const inbound = {
      channel: 'simulated',
      userId: 'maintainer',
      messageId: String(this.messages),
      langHint: lang,
      at: now,
      ...input,
    };
    const out = step(this.env, this.conv, inbound, now);
    let replies = out.replies;
    if (out.effect === 'forget') {
      this.conv = undefined;
      this.transcript = [];
      this.lastReplies = [{ text: this.env.tr.common(out.conv.lang, 'forget.done') }];
      return formatTurn(this.lastReplies);
    }
    this.conv = out.conv;
    this.append(out.transcript);
    if (out.effect === 'receipt' || out.effect === 'mydata') {
      const extra =
        out.effect === 'receipt'
          ? this.receiptText(out.conv)
          : `${this.env.tr.common(out.conv.lang, 'mydata.intro')}\n\n[…]`;
      // As the engine does: the question's choices move to the last message.
      const last = replies.at(-1);
      replies = [
        ...replies.slice(0, -1),
        ...(last ? [{ text: last.text }] : []),
        {
          text: extra,
          choices: last?.choices ?? [],
          ...(last?.turn !== undefined ? { turn: last.turn } : {}),
        },
      ];
      this.append([{ at: now.toISOString(), dir: 'out', text: extra }]);
    }
    this.lastReplies = replies;
    return formatTurn(replies);
  }

  private append(
    entries: readonly { at: string; dir: 'in' | 'out'; text: string; choices?: string[] }[],
  ): void {
    for (const e of entries) {
      const prev = this.transcript.at(-1)?.hash ?? GENESIS;
      this.transcript.push(chainEntry(prev, { ...e, seq: this.transcript.length + 1 }));
    }
  }

  private receiptText(conv: ConversationState): string {
    const { bundle, tr } = this.env;
    const body = buildReceiptBody({
      ...receiptCaseOf(bundle, tr, conv),
      tr,
      conversation: 'c_simulated',
      transcript: this.transcript,
      now: this.opts.now,
    });
    const receipt = signReceipt(body, this.opts.keys ?? ephemeralKeys());
    return [tr.ns(conv.lang, 'receipt', 'issued', { id: receipt.body.id }), renderReceiptText(receipt)].join(
      '\n\n',
    );
  }
}

/**
 * Replies as the terminal prints them (src/channels/terminal/chat.ts): each as numbered text (the channel kit's
 * `[n] label` lines), a blank line between replies.
 *
 * @example
 * formatTurn([{ text: '是哪种会员？', choices: [{ id: 'auto', label: '自动续费' }] }]); // '是哪种会员？\n[1] 自动续费\n'
 */
export function formatTurn(replies: readonly Reply[]): string {
  return `${replies.map((r) => numberedText(r, BRACKETED)).join('\n\n')}\n`;
}
