import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig, loadDotEnv } from '../../../config.ts';
import { WECHAT_TEXT_MAX_BYTES } from '../compose.ts';
import {
  type SimAccount,
  type SimMessage,
  type SimMode,
  type SimRequest,
  TencentClient,
} from './tencentClient.ts';

/**
 * `npm run wechat -- sim`: try an account's settings against a running CancelMate before registering the
 * URL with Tencent. Signs (and encrypts) like Tencent's servers with the settings from `.env` / the
 * environment, runs the URL check, then sends each typed line as a message and prints the reply; reply
 * sizes and signatures are checked on stderr. Exit 0; 1 when the server is unreachable or the URL check
 * fails; 2 for bad usage or settings.
 *
 * @example
 * // npm start                                   (in one terminal)
 * // npm run wechat -- sim --mode safe            (in another)
 * // ✓ URL check passed (GET /wechat answered the echostr)
 * // > 取消会员
 */
const USAGE = `Usage: npm run wechat -- sim [--url URL] [--mode plain|compat|safe|wecom] [--user ID] [--check]

Signs and encrypts like Tencent's servers with WECHAT_TOKEN / WECHAT_APP_ID / WECHAT_ENCODING_AES_KEY
(or WECOM_TOKEN / WECOM_CORP_ID / WECOM_ENCODING_AES_KEY for --mode wecom) from .env or the environment,
runs the URL check, then sends each line you type and prints the reply. --check stops after the URL check.
Lines starting with ':' are special:
  :subscribe           follow the account (the welcome)
  :click KEY           a menu click (RESTART, BACK, HELP, RECEIPT, MYDATA, LANG, …)
  :voice TEXT          a voice message WeChat transcribed as TEXT (":voice" alone: no transcript)
  :image  :location    messages the guide cannot read
  :retry               send the last message again (same MsgId): the reply must be the same
`;

/**
 * Runs the simulator; resolves with the exit code.
 *
 * @example
 * await runSim(['sim', '--mode', 'safe'], { input: process.stdin, out: console.log, err: console.error }); // 0
 */
export async function runSim(
  argv: string[],
  io: { input: NodeJS.ReadableStream; out: (s: string) => void; err: (s: string) => void },
): Promise<number> {
  const [cmd, ...rest] = argv;
  if (cmd !== 'sim') {
    io.err(USAGE);
    return 2;
  }
  let values: { url?: string; mode?: string; user?: string; check?: boolean };
  try {
    values = parseArgs({
      args: rest,
      options: {
        url: { type: 'string' },
        mode: { type: 'string' },
        user: { type: 'string' },
        check: { type: 'boolean' },
      },
    }).values;
  } catch (e) {
    io.err(`${e instanceof Error ? e.message : String(e)}\n\n${USAGE}`);
    return 2;
  }
  let account: SimAccount;
  try {
    account = accountFrom(values);
  } catch (e) {
    io.err(`${e instanceof Error ? e.message : String(e)}\n`);
    return 2;
  }
  const tencent = new TencentClient(account);
  io.err(
    `Simulating ${account.mode} mode against ${account.baseUrl}${account.mode === 'wecom' ? '/wecom' : '/wechat'}\n`,
  );
  try {
    const check = await tencent.verifyUrl();
    if (!check.ok) {
      io.err(
        `✗ URL check failed: HTTP ${check.status}. Is the channel configured with the same token${account.mode === 'plain' ? '' : ' and EncodingAESKey'}, and is the server's clock right?\n`,
      );
      return 1;
    }
    io.err('✓ URL check passed\n');
    if (values.check) return 0;
    let last: SimRequest | undefined;
    const rl = createInterface({ input: io.input, terminal: false, crlfDelay: Number.POSITIVE_INFINITY });
    for await (const line of rl) {
      const request = line.trim() === ':retry' ? last : tencent.build(parseLine(line));
      if (!request) {
        io.err('nothing to retry yet\n');
        continue;
      }
      last = request;
      const reply = await tencent.deliver(request);
      report(reply, io);
    }
    return 0;
  } catch (e) {
    const cause = (e as { cause?: { code?: string } }).cause?.code;
    io.err(`✗ cannot reach ${account.baseUrl}${cause ? ` (${cause})` : ''}: is npm start running there?\n`);
    return 1;
  }
}

function report(
  reply: Awaited<ReturnType<TencentClient['deliver']>>,
  io: { out: (s: string) => void; err: (s: string) => void },
) {
  if (reply.status !== 200) {
    io.err(`✗ HTTP ${reply.status} (refused)\n`);
    return;
  }
  if (reply.text === undefined) {
    io.out('(no reply: answered success)\n\n');
    return;
  }
  io.out(`${reply.text}\n\n`);
  const bytes = Buffer.byteLength(reply.text, 'utf8');
  if (bytes > WECHAT_TEXT_MAX_BYTES)
    io.err(`✗ reply is ${bytes} bytes, over WeChat's ${WECHAT_TEXT_MAX_BYTES}\n`);
  if (reply.sealOk === false) io.err('✗ the encrypted reply has a wrong signature or receiver id\n');
}

/**
 * One typed line as a message (see USAGE).
 *
 * @example
 * parseLine(':click RECEIPT'); // { type: 'event', event: 'CLICK', key: 'RECEIPT' }
 */
export function parseLine(line: string): SimMessage {
  const m = /^:(\w+)\s*(.*)$/.exec(line.trim());
  if (!m) return { type: 'text', content: line };
  const [, cmd = '', arg = ''] = m;
  if (cmd === 'subscribe') return { type: 'event', event: 'subscribe' };
  if (cmd === 'click') return { type: 'event', event: 'CLICK', key: arg };
  if (cmd === 'voice') return arg ? { type: 'voice', recognition: arg } : { type: 'voice' };
  if (cmd === 'image') return { type: 'image' };
  if (cmd === 'location') return { type: 'location' };
  return { type: 'text', content: line };
}

function accountFrom(values: { url?: string; mode?: string; user?: string }): SimAccount {
  loadDotEnv();
  const config = loadConfig(process.env);
  const modes: SimMode[] = ['plain', 'compat', 'safe', 'wecom'];
  const fallback: SimMode =
    !config.WECHAT_TOKEN && config.WECOM_TOKEN ? 'wecom' : config.WECHAT_ENCODING_AES_KEY ? 'safe' : 'plain';
  const mode = (values.mode ?? fallback) as SimMode;
  if (!modes.includes(mode)) throw new ConfigError([`--mode must be one of ${modes.join(', ')}`]);
  const baseUrl = values.url ?? `http://127.0.0.1:${config.PORT}`;
  const user = values.user ? { user: values.user } : {};
  if (mode === 'wecom') {
    if (!config.WECOM_TOKEN || !config.WECOM_CORP_ID || !config.WECOM_ENCODING_AES_KEY)
      throw new ConfigError(['--mode wecom needs WECOM_TOKEN, WECOM_CORP_ID and WECOM_ENCODING_AES_KEY']);
    return {
      baseUrl,
      mode,
      token: config.WECOM_TOKEN,
      aesKey: config.WECOM_ENCODING_AES_KEY,
      receiverId: config.WECOM_CORP_ID,
      ...user,
    };
  }
  if (!config.WECHAT_TOKEN) throw new ConfigError(['WECHAT_TOKEN is not set (or use --mode wecom)']);
  if (mode !== 'plain' && (!config.WECHAT_ENCODING_AES_KEY || !config.WECHAT_APP_ID))
    throw new ConfigError([`--mode ${mode} needs WECHAT_APP_ID and WECHAT_ENCODING_AES_KEY`]);
  return {
    baseUrl,
    mode,
    token: config.WECHAT_TOKEN,
    ...(config.WECHAT_ENCODING_AES_KEY ? { aesKey: config.WECHAT_ENCODING_AES_KEY } : {}),
    ...(config.WECHAT_APP_ID ? { receiverId: config.WECHAT_APP_ID } : {}),
    ...user,
  };
}
