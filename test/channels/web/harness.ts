import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { expect } from 'vitest';
import { type App, createApp } from '../../../src/app.ts';
import type { ChatResponse, WireReply } from '../../../src/channels/web/chatRequest.ts';
import { loadConfig } from '../../../src/config.ts';
import { createLogger, type Logger } from '../../../src/logger.ts';
import { buildServer, type ServerOptions } from '../../../src/server.ts';

/**
 * A real server over a real SQLite file in a temporary DATA_DIR, with the real flows, for `inject()`.
 *
 * @example
 * const t = await startTestServer({ RATE_LIMIT_PER_MINUTE: '3' });
 * const res = await t.server.inject({ method: 'GET', url: '/healthz' });
 * await t.close();
 */
export interface TestServer {
  server: FastifyInstance;
  app: App;
  dataDir: string;
  close(): Promise<void>;
}

/** See {@link TestServer}; `env` overrides settings (DATA_DIR is always the temporary one). */
export async function startTestServer(
  env: Record<string, string> = {},
  opts: ServerOptions & { logger?: Logger } = {},
): Promise<TestServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'cancelmate-web-'));
  const config = loadConfig({ LOG_LEVEL: 'silent', ...env, DATA_DIR: dataDir });
  const { logger = createLogger('silent'), ...serverOpts } = opts;
  const app = await createApp(config, { logger });
  const server = buildServer(app, serverOpts);
  await server.ready();
  return {
    server,
    app,
    dataDir,
    async close() {
      await server.close();
      await app.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** The `name=value` part of the session cookie a response set. */
export function sessionCookieOf(res: LightMyRequestResponse): string {
  const header = res.headers['set-cookie'];
  const first = Array.isArray(header) ? header[0] : header;
  expect(first, 'the response should set the session cookie').toMatch(/^cm_session=/);
  return String(first).split(';')[0] ?? '';
}

let counter = 0;
/** A fresh message id. */
export function nextId(): string {
  counter += 1;
  return `t${Date.now().toString(36)}-${counter}`;
}

/** POSTs one chat message and returns the response. */
export function postChat(
  server: FastifyInstance,
  body: Record<string, unknown>,
  headers: Record<string, string> = {},
): Promise<LightMyRequestResponse> {
  return server.inject({ method: 'POST', url: '/api/chat', headers, payload: body });
}

/** POSTs one chat message, expects 200, and returns the parsed body. */
export async function chat(
  server: FastifyInstance,
  cookie: string,
  body: Record<string, unknown>,
): Promise<ChatResponse> {
  const res = await postChat(server, { messageId: nextId(), ...body }, { cookie });
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as ChatResponse;
}

/** Presses the choice of the last reply whose label matches `label`. */
export async function press(server: FastifyInstance, cookie: string, last: ChatResponse, label: RegExp) {
  const reply = last.replies.at(-1) as WireReply;
  const choice = reply.choices.find((c) => label.test(c.label));
  expect(choice, `no choice matching ${label} in ${JSON.stringify(reply.choices)}`).toBeDefined();
  return chat(server, cookie, { choice: choice?.id, turn: reply.turn });
}
