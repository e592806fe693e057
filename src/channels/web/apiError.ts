import type { Lang } from '../../i18n/lang.ts';
import { type ApiErrorCode, apiErrorMessage, type WebWords } from './strings.ts';

/**
 * An HTTP error the JSON API answers with `{ "error": code, "message": "…" }`: `message` is for the
 * person (in their language), `detail` for the developer (English, e.g. which field was wrong).
 *
 * @example
 * throw new ApiError(400, 'bad_request', 'messageId: required, 1–100 characters of A-Z a-z 0-9 _ -');
 * // → 400 { "error": "bad_request", "message": "消息内容不完整…", "detail": "messageId: …" }
 */
export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    readonly statusCode: number,
    readonly code: ApiErrorCode,
    readonly detail?: string,
    readonly vars: Record<string, string | number> = {},
  ) {
    super(detail ? `${code}: ${detail}` : code);
  }
}

/** The JSON body of an API error response. */
export interface ApiErrorBody {
  error: ApiErrorCode;
  message: string;
  detail?: string;
  retryAfterSeconds?: number;
}

/** Builds the response body for `err` in `lang`, worded by `words` (the engine's translator). */
export function apiErrorBody(err: ApiError, lang: Lang, words: WebWords): ApiErrorBody {
  const body: ApiErrorBody = { error: err.code, message: apiErrorMessage(words, lang, err.code, err.vars) };
  if (err.detail) body.detail = err.detail;
  if (typeof err.vars.seconds === 'number') body.retryAfterSeconds = err.vars.seconds;
  return body;
}

/**
 * Maps what Fastify and its plugins throw to an {@link ApiError}; anything unknown becomes a 500
 * (and the caller logs it).
 *
 * @example
 * toApiError({ code: 'FST_ERR_CTP_BODY_TOO_LARGE', statusCode: 413 }).code; // 'too_large'
 */
export function toApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  const e = (err ?? {}) as { code?: unknown; statusCode?: unknown; message?: unknown };
  const message = typeof e.message === 'string' ? e.message : undefined;
  switch (e.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new ApiError(400, 'bad_json', `${message ?? 'invalid JSON'}; send a JSON object`);
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new ApiError(413, 'too_large', 'the request body is over the size limit');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new ApiError(415, 'unsupported_media_type', 'send Content-Type: application/json');
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new ApiError(400, 'bad_request', 'the Content-Length header does not match the body');
  }
  const status = typeof e.statusCode === 'number' ? e.statusCode : 500;
  if (status === 404) return new ApiError(404, 'not_found');
  if (status === 413) return new ApiError(413, 'too_large');
  if (status === 415) return new ApiError(415, 'unsupported_media_type');
  if (status === 503) return new ApiError(503, 'unavailable');
  if (status >= 400 && status < 500) return new ApiError(status, 'bad_request', message);
  return new ApiError(500, 'internal');
}

/** True for the 5xx errors worth an error log line (client mistakes are not). */
export function isServerFault(err: ApiError): boolean {
  return err.statusCode >= 500 && err.statusCode !== 503;
}
