import type { WireReply } from '../../src/channels/web/chatRequest.ts';
import { SESSION_COOKIE } from '../../src/channels/web/session.ts';

/**
 * A web chat user for end-to-end tests: keeps its session cookie, numbers its messages, and remembers what it
 * was answered, per message id. A message whose request failed (the server died) stays pending and is sent
 * again, with the same id, by {@link WebChatUser.retryPending} — what the page does after a reload.
 *
 * @example
 * const u = new WebChatUser('u1');
 * await u.say(base, '/start'); // → the replies, or undefined if the server did not answer
 */
export class WebChatUser {
  cookie: string | undefined;
  private n = 0;
  /** Every message sent, in order: its id, its text and — once answered — the replies. */
  readonly sent: { messageId: string; text: string; replies?: WireReply[] }[] = [];

  constructor(readonly name: string) {}

  /** The session id (the engine's userId on the web channel), once the server has set the cookie. */
  get sessionId(): string | undefined {
    return this.cookie?.slice(SESSION_COOKIE.length + 1);
  }

  /** The messages sent but never answered. */
  get pending() {
    return this.sent.filter((m) => m.replies === undefined);
  }

  /** Sends a new message; resolves with its replies, or undefined when the request failed. */
  async say(base: string, text: string): Promise<WireReply[] | undefined> {
    this.n += 1;
    const message = { messageId: `${this.name}-${this.n}`, text };
    this.sent.push(message);
    return this.post(base, message);
  }

  /** Sends every pending message again, in order, with its own id; stops at the first failure. */
  async retryPending(base: string): Promise<boolean> {
    for (const m of this.pending) if ((await this.post(base, m)) === undefined) return false;
    return true;
  }

  private async post(
    base: string,
    message: { messageId: string; text: string; replies?: WireReply[] },
  ): Promise<WireReply[] | undefined> {
    let res: Response;
    try {
      res = await fetch(`${base}api/chat`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(this.cookie ? { cookie: this.cookie } : {}) },
        body: JSON.stringify({ text: message.text, messageId: message.messageId }),
        signal: AbortSignal.timeout(20_000),
      });
    } catch {
      return undefined;
    }
    const set = res.headers.get('set-cookie');
    if (set && !this.cookie) this.cookie = set.split(';')[0];
    if (res.status !== 200) return undefined;
    let body: { replies: WireReply[] };
    try {
      body = (await res.json()) as { replies: WireReply[] };
    } catch {
      return undefined; // the connection died mid-body
    }
    message.replies = body.replies;
    return body.replies;
  }
}

/**
 * The transcript text the engine stores for a reply (a letter is kept with its title).
 *
 * @example
 * storedText({ text: '…', title: '给商家的书面要求', kind: 'letter', choices: [] });
 */
export function storedText(reply: WireReply): string {
  return reply.title ? `${reply.title}\n\n${reply.text}` : reply.text;
}
