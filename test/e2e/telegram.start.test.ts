import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { publicKeyFromPem } from '../../src/receipts/keys.ts';
import { verifyReceipt } from '../../src/receipts/verify.ts';
import { type Call, type FakeBotApi, startFakeBotApi } from '../support/fakeBotApi.ts';
import { launchMain, ROOT } from './launch.ts';

// Issue 5's "done when": with a Bot API server on loopback standing in for Telegram, `npm start` (src/main.ts)
// runs a whole conversation from /start to a receipt document, in polling mode and in webhook mode with the
// secret; and the Telegraf example does the same.
type Button = { text: string; callback_data: string };
const CHAT = 424242;
const PATH = ['取消会员', '卡盟网站', '自动续费', '网站', '下一页', '成功了', '没有了，结束'];

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function dataDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'cancelmate-tg-e2e-'));
  cleanups.push(() => rmSync(d, { recursive: true, force: true }));
  return d;
}

async function fakeApi(): Promise<FakeBotApi> {
  const fake = await startFakeBotApi();
  cleanups.push(() => fake.close());
  return fake;
}

const keyboardMessages = (fake: FakeBotApi) =>
  fake.calls.filter(
    (c) =>
      c.method === 'sendMessage' &&
      c.status === 200 &&
      String(c.params.chat_id) === String(CHAT) &&
      c.params.reply_markup,
  );

/** Presses through PATH by button labels; `deliver` sends an update the way the mode under test does. */
async function walk(
  fake: FakeBotApi,
  deliver: (update: ReturnType<FakeBotApi['textUpdate']>) => Promise<void>,
) {
  await deliver(fake.textUpdate(CHAT, '/start', { languageCode: 'zh-hans' }));
  let seen = 0;
  for (const [i, label] of PATH.entries()) {
    const calls = await fake.waitForCalls((c) => keyboardMessages(fake).includes(c), seen + 1, 15_000);
    seen = calls.length;
    const last = calls.at(-1) as Call;
    const buttons = (last.params.reply_markup as { inline_keyboard: Button[][] }).inline_keyboard.flat();
    const button = buttons.find((b) => b.text.includes(label));
    expect(button, `button "${label}" in ${JSON.stringify(buttons.map((b) => b.text))}`).toBeDefined();
    await deliver(fake.callbackUpdate(CHAT, button?.callback_data ?? '', 1000 + i));
  }
  const docs = await fake.waitForCalls((c) => c.method === 'sendDocument' && c.status === 200, 2, 15_000);
  const files = docs.flatMap((d) => d.files ?? []);
  expect(files.map((f) => f.filename)).toEqual([
    expect.stringMatching(/^R-\d{8}-[0-9A-F]{8}\.html$/),
    expect.stringMatching(/^R-\d{8}-[0-9A-F]{8}\.json$/),
  ]);
  expect(fake.sentTexts(CHAT).join('\n')).toContain('收据已生成');
  // Every button press was answered.
  const presses = fake.calls.filter((c) => c.method === 'answerCallbackQuery' && c.status === 200);
  expect(presses.length).toBe(PATH.length);
  return JSON.parse(files[1]?.content.toString('utf8') ?? '{}') as unknown;
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const addr = s.address();
      s.close(() => resolve(typeof addr === 'object' && addr ? addr.port : 0));
    });
  });
}

function stopOnCleanup(child: ChildProcess, exited: Promise<unknown>) {
  cleanups.push(async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      await exited;
    }
  });
}

describe('Telegram end to end through npm start', () => {
  it('polling: /start to a receipt document, and the receipt verifies', async () => {
    const fake = await fakeApi();
    const dir = dataDir();
    const run = launchMain({
      DATA_DIR: dir,
      PORT: '0',
      LOG_LEVEL: 'info',
      TELEGRAM_BOT_TOKEN: fake.token,
      TELEGRAM_API_ROOT: `${fake.apiRoot}/`,
    });
    stopOnCleanup(run.child, run.exited);
    const running = await run.waitForLog((l) => String(l.msg).startsWith('CancelMate is running'));
    expect(running.channels).toEqual(['web', 'telegram']);
    const receipt = await walk(fake, async (u) => {
      fake.pushUpdate(u);
    });
    const key = publicKeyFromPem(readFileSync(join(dir, 'receipt-key.pub.pem'), 'utf8'));
    expect(verifyReceipt(receipt, key)).toMatchObject({ ok: true });
    expect(
      fake.calls.some(
        (c) =>
          c.method === 'setMyCommands' && (c.params as { language_code?: string }).language_code === 'zh',
      ),
    ).toBe(true);
    run.child.kill('SIGTERM');
    expect((await run.exited).code).toBe(0);
    expect(run.stdout()).not.toContain(String(CHAT));
  });

  it('webhook: setWebhook with the secret at start; updates with the secret run the whole path; others get 401', async () => {
    const fake = await fakeApi();
    const port = await freePort();
    const secret = 'e2e_secret-0123456789';
    const run = launchMain({
      DATA_DIR: dataDir(),
      PORT: String(port),
      LOG_LEVEL: 'info',
      PUBLIC_URL: `http://127.0.0.1:${port}`,
      TELEGRAM_BOT_TOKEN: fake.token,
      TELEGRAM_API_ROOT: fake.apiRoot,
      TELEGRAM_MODE: 'webhook',
      TELEGRAM_WEBHOOK_SECRET: secret,
    });
    stopOnCleanup(run.child, run.exited);
    await run.waitForLog((l) => String(l.msg).startsWith('CancelMate is running'));
    const [set] = await fake.waitForCalls((c) => c.method === 'setWebhook' && c.status === 200);
    expect(set?.params).toMatchObject({
      url: `http://127.0.0.1:${port}/telegram/webhook`,
      secret_token: secret,
    });

    const forged = await fake.postWebhook(
      `http://127.0.0.1:${port}/telegram/webhook`,
      fake.textUpdate(CHAT, '/start'),
      'wrong',
    );
    expect(forged.status).toBe(401);
    const none = await fake.postWebhook(
      `http://127.0.0.1:${port}/telegram/webhook`,
      fake.textUpdate(CHAT, '/start'),
    );
    expect(none.status).toBe(401);
    expect(fake.calls.filter((c) => c.method === 'sendMessage')).toHaveLength(0);

    await walk(fake, async (u) => {
      const res = await fake.deliverToWebhook(u);
      expect(res.status).toBe(200);
    });
    run.child.kill('SIGTERM');
    expect((await run.exited).code).toBe(0);
  });

  it('the Telegraf example bot runs the same guide to a receipt document', async () => {
    const fake = await fakeApi();
    const child = spawn(
      process.execPath,
      [join(ROOT, 'node_modules/tsx/dist/cli.mjs'), 'examples/telegraf-bot.ts'],
      {
        cwd: ROOT,
        env: {
          PATH: process.env.PATH ?? '',
          HOME: process.env.HOME ?? '',
          DATA_DIR: dataDir(),
          LOG_LEVEL: 'silent',
          TELEGRAM_BOT_TOKEN: fake.token,
          TELEGRAM_API_ROOT: fake.apiRoot,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stderr = '';
    child.stderr?.on('data', (c) => {
      stderr += String(c);
    });
    const exited = new Promise((done) => child.on('exit', done));
    stopOnCleanup(child, exited);
    await fake
      .waitForCalls((c) => c.method === 'getUpdates', 1, 15_000)
      .catch((err) => {
        throw new Error(`${(err as Error).message}\nstderr: ${stderr}`);
      });
    const receipt = await walk(fake, async (u) => {
      fake.pushUpdate(u);
    });
    expect(receipt).toMatchObject({ body: { lang: 'zh-CN' }, signature: { alg: 'Ed25519' } });
  });
});
