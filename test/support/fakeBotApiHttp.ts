/**
 * The wire side of the fake Bot API: reading a request's parameters (query string, JSON,
 * `application/x-www-form-urlencoded`, `multipart/form-data`) and the error type that becomes an
 * `{ ok: false, error_code, description }` answer.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

/** The body of a failed Bot API call, exactly as Telegram sends it. */
export interface ApiErrorSpec {
  error_code: number;
  description: string;
  parameters?: { retry_after?: number; migrate_to_chat_id?: number };
}

/**
 * A Bot API failure raised by a fake method handler; the server answers it with HTTP status
 * `error_code` and the JSON body of {@link ApiErrorSpec}.
 *
 * @example
 * ```ts
 * throw new BotApiError({ error_code: 400, description: 'Bad Request: message text is empty' });
 * ```
 */
export class BotApiError extends Error {
  constructor(readonly spec: ApiErrorSpec) {
    super(spec.description);
    this.name = 'BotApiError';
  }
}

/**
 * Shorthand for a 400 `Bad Request: …` failure.
 *
 * @example
 * ```ts
 * throw badRequest('message is too long');
 * ```
 */
export function badRequest(reason: string): BotApiError {
  return new BotApiError({ error_code: 400, description: `Bad Request: ${reason}` });
}

/** A file part of a multipart upload. */
export interface UploadedFile {
  /** The parameter the file belongs to (`document`), resolved through `attach://` references. */
  field: string;
  /** The multipart part name as sent (grammY uses a random id and an `attach://id` reference). */
  partName: string;
  filename: string;
  contentType?: string;
  content: Buffer;
}

/** What a request carried: its parameters (text fields) and uploaded files. */
export interface ParsedRequest {
  params: Record<string, unknown>;
  files: UploadedFile[];
}

/**
 * Reads every parameter of a Bot API request. Query string values come first, body values override
 * them. String values that hold a JSON object or array (`reply_markup`, `entities`) are decoded;
 * other form values stay strings, as Telegram receives them.
 *
 * @example
 * ```ts
 * const { params, files } = await readRequest(req);
 * ```
 */
export async function readRequest(req: IncomingMessage): Promise<ParsedRequest> {
  const url = new URL(req.url ?? '/', 'http://fake.invalid');
  const params: Record<string, unknown> = {};
  for (const [key, value] of url.searchParams) params[key] = decodeFormValue(value);
  const body = await readBody(req);
  if (body.length === 0) return { params, files: [] };
  const contentType = req.headers['content-type'] ?? '';
  if (contentType.includes('multipart/form-data')) {
    const boundary = headerParam(contentType, 'boundary');
    if (!boundary) throw badRequest('multipart boundary is missing');
    const parts = parseMultipart(body, boundary);
    const files: UploadedFile[] = [];
    for (const part of parts) {
      if (part.filename === undefined) params[part.name] = decodeFormValue(part.content.toString('utf8'));
      else {
        files.push({
          field: part.name,
          partName: part.name,
          filename: part.filename,
          content: part.content,
          ...(part.contentType ? { contentType: part.contentType } : {}),
        });
      }
    }
    resolveAttachments(params, files);
    return { params, files };
  }
  if (contentType.includes('application/x-www-form-urlencoded')) {
    for (const [key, value] of new URLSearchParams(body.toString('utf8')))
      params[key] = decodeFormValue(value);
    return { params, files: [] };
  }
  let json: unknown;
  try {
    json = JSON.parse(body.toString('utf8'));
  } catch {
    throw badRequest("can't parse JSON object");
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw badRequest('request body must be a JSON object');
  }
  return { params: { ...params, ...(json as Record<string, unknown>) }, files: [] };
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function decodeFormValue(value: string): unknown {
  const trimmed = value.trim();
  if (!(trimmed.startsWith('{') || trimmed.startsWith('['))) return value;
  try {
    return JSON.parse(trimmed);
  } catch {
    return value;
  }
}

/** Points each file whose part is referenced as `attach://<part>` at the parameter that references it. */
function resolveAttachments(params: Record<string, unknown>, files: UploadedFile[]): void {
  for (const [key, value] of Object.entries(params)) {
    if (typeof value !== 'string' || !value.startsWith('attach://')) continue;
    const file = files.find((f) => f.partName === value.slice('attach://'.length));
    if (file) file.field = key;
  }
}

/** Reads `key=value` or `key="value"` out of a header such as Content-Type or Content-Disposition. */
function headerParam(header: string, key: string): string | undefined {
  const match = new RegExp(`(?:^|;)\\s*${key}=(?:"([^"]*)"|([^;]*))`, 'i').exec(header);
  if (!match) return undefined;
  return (match[1] ?? match[2] ?? '').trim();
}

interface MultipartPart {
  name: string;
  filename?: string;
  contentType?: string;
  content: Buffer;
}

/**
 * Splits a multipart/form-data body into parts. Tolerant of what grammY and Telegraf send: header
 * names in any case, no space after the colon, unquoted `filename=`, no CRLF after the final boundary.
 */
function parseMultipart(body: Buffer, boundary: string): MultipartPart[] {
  const delimiter = Buffer.from(`--${boundary}`);
  const nextDelimiter = Buffer.from(`\r\n--${boundary}`);
  const parts: MultipartPart[] = [];
  let pos = body.indexOf(delimiter);
  while (pos !== -1) {
    pos += delimiter.length;
    if (body.subarray(pos, pos + 2).toString('latin1') === '--') break;
    if (body[pos] === 13 && body[pos + 1] === 10) pos += 2;
    const end = body.indexOf(nextDelimiter, pos);
    if (end === -1) break;
    const part = body.subarray(pos, end);
    const headerEnd = part.indexOf('\r\n\r\n');
    if (headerEnd !== -1) {
      const headers = part.subarray(0, headerEnd).toString('utf8').split('\r\n');
      const header = (name: string) =>
        headers.find((h) => h.toLowerCase().startsWith(`${name}:`))?.slice(name.length + 1) ?? '';
      const disposition = header('content-disposition');
      const name = headerParam(disposition, 'name');
      const filename = headerParam(disposition, 'filename');
      const contentType = header('content-type').trim();
      if (name !== undefined) {
        parts.push({
          name,
          content: Buffer.from(part.subarray(headerEnd + 4)),
          ...(filename !== undefined ? { filename } : {}),
          ...(contentType ? { contentType } : {}),
        });
      }
    }
    pos = end + 2;
  }
  return parts;
}

/**
 * Writes a JSON answer unless the client has already gone away.
 *
 * @example
 * ```ts
 * sendJson(res, 200, { ok: true, result: true });
 * ```
 */
export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  if (res.writableEnded || res.destroyed) return;
  const json = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(json) });
  res.end(json);
}
