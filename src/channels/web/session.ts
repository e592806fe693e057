import { randomUUID } from 'node:crypto';
import type { Engine } from '../../dialogue/engine.ts';
import { type Lang, langFromAcceptLanguage } from '../../i18n/lang.ts';

/**
 * The web chat's session: an HttpOnly, SameSite=Lax cookie holding a random UUID (122 random bits,
 * unguessable, so it needs no signature). The UUID is the engine's `userId` on channel `web`, so a
 * reload carries on the same conversation. No cookie library: one cookie is a few lines.
 *
 * @example
 * const id = readSessionId(request.headers.cookie) ?? newSessionId();
 * reply.header('set-cookie', sessionCookie(id, { secure: false, maxAgeSeconds: 180 * 86400 }));
 */
export const SESSION_COOKIE = 'cm_session';

/** The engine channel name for the web chat. */
export const WEB_CHANNEL = 'web';

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** A fresh session id. */
export function newSessionId(): string {
  return randomUUID();
}

/** The session id from a `Cookie` header, or undefined when absent or not one we could have issued. */
export function readSessionId(cookieHeader: string | undefined): string | undefined {
  if (!cookieHeader) return undefined;
  for (const part of cookieHeader.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0 || part.slice(0, eq).trim() !== SESSION_COOKIE) continue;
    const value = part.slice(eq + 1).trim();
    if (UUID_V4.test(value)) return value;
  }
  return undefined;
}

/** The `Set-Cookie` value for session `id`. */
export function sessionCookie(id: string, opts: { secure: boolean; maxAgeSeconds: number }): string {
  const attrs = [
    `${SESSION_COOKIE}=${id}`,
    'Path=/',
    `Max-Age=${opts.maxAgeSeconds}`,
    'HttpOnly',
    'SameSite=Lax',
  ];
  if (opts.secure) attrs.push('Secure');
  return attrs.join('; ');
}

/**
 * The language a web session's conversation is in, if it has one (never rejects: the page must render).
 *
 * @example
 * await sessionLang(engine, readSessionId(request.headers.cookie)); // 'en' after the user switched
 */
export async function sessionLang(
  engine: Pick<Engine, 'languageOf'>,
  sessionId: string | undefined,
): Promise<Lang | undefined> {
  if (!sessionId) return undefined;
  try {
    return await engine.languageOf(WEB_CHANNEL, sessionId);
  } catch {
    return undefined;
  }
}

/**
 * The language to speak to the sender of a request in: their conversation's language, else their
 * browser's, else the default.
 *
 * @example
 * await requestLang({ engine, defaultLang: 'zh-CN' }, request.headers);
 */
export async function requestLang(
  deps: { engine: Pick<Engine, 'languageOf'>; defaultLang: Lang },
  headers: { cookie?: string | undefined; 'accept-language'?: string | undefined },
): Promise<Lang> {
  return (
    (await sessionLang(deps.engine, readSessionId(headers.cookie))) ??
    langFromAcceptLanguage(headers['accept-language'], deps.defaultLang)
  );
}
