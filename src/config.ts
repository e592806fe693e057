import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { z } from 'zod';
import { DEFAULT_STALE_DAYS } from './flows/check.ts';
import { DEFAULT_TIME_ZONE, isTimeZone } from './receipts/localTime.ts';

/**
 * Environment → typed config. Every setting has a default that works on a laptop; a bad or
 * contradictory one stops start-up with a message naming the variable and what it should be.
 *
 * @example
 * const config = loadConfig(process.env); // throws ConfigError listing every problem
 */
const bool = z
  .enum(['1', '0', 'true', 'false', 'yes', 'no', 'on', 'off', ''])
  .transform((v) => ['1', 'true', 'yes', 'on'].includes(v));

const SETTINGS = {
  DATA_DIR: z.string().min(1).default('./data').describe('a directory path'),
  FLOWS_DIR: z.string().min(1).default('./flows').describe('a directory path'),
  LOCALES_DIR: z.string().min(1).default('./locales').describe('a directory path'),
  FLOWS_STALE_DAYS: z.coerce
    .number()
    .int()
    .min(1)
    .max(3650)
    .default(DEFAULT_STALE_DAYS)
    .describe('a whole number of days, 1–3650 (paths checked longer ago are reported as stale)'),
  FLOWS_WATCH: bool
    .default(true)
    .describe('true or false (false: reload flows/ and locales/ only on SIGHUP)'),
  DEFAULT_LANG: z.enum(['zh-CN', 'en']).default('zh-CN').describe('zh-CN or en'),
  TIME_ZONE: z
    .string()
    .refine(isTimeZone)
    .default(DEFAULT_TIME_ZONE)
    .describe(
      "an IANA time zone name such as Asia/Shanghai or Europe/Berlin (the users' calendar: 「昨天」, dates on letters and receipts)",
    ),
  LOG_LEVEL: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
    .default('info')
    .describe('one of fatal, error, warn, info, debug, trace, silent'),
  HOST: z.string().min(1).default('127.0.0.1').describe('an interface address such as 127.0.0.1 or 0.0.0.0'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000).describe('a port number from 0 to 65535'),
  PUBLIC_URL: z
    .url({ protocol: /^https?$/ })
    .optional()
    .describe('the public https:// address of this server, e.g. https://cancelmate.example.org'),
  RETENTION_DAYS: z.coerce
    .number()
    .int()
    .min(1)
    .max(3650)
    .default(180)
    .describe('a whole number of days, 1–3650'),
  RATE_LIMIT_PER_MINUTE: z.coerce
    .number()
    .int()
    .min(1)
    .max(100000)
    .default(60)
    .describe('requests per minute per client'),
  TRUST_PROXY: z
    .string()
    .regex(
      /^(loopback|linklocal|uniquelocal|[0-9a-fA-F.:]+(\/\d{1,3})?)(\s*,\s*(loopback|linklocal|uniquelocal|[0-9a-fA-F.:]+(\/\d{1,3})?))*$/,
    )
    .optional()
    .describe(
      'the addresses of the reverse proxies in front of this server, comma-separated (e.g. loopback, or 10.0.0.0/8); unset when clients connect directly',
    ),
  SQLITE_SYNCHRONOUS: z
    .enum(['normal', 'full'])
    .default('normal')
    .describe(
      'normal (survives a crash of the process; a power loss may lose the last moments) or full (survives a power loss too, at the cost of a disk flush per message; see docs/deploy.md)',
    ),
  WEB_CHAT: bool.default(true).describe('true or false'),
  TELEGRAM_BOT_TOKEN: z
    .string()
    .regex(/^\d+:[A-Za-z0-9_-]{20,}$/)
    .optional()
    .describe('the token from @BotFather, like 123456:ABC-…'),
  TELEGRAM_MODE: z.enum(['polling', 'webhook']).default('polling').describe('polling or webhook'),
  TELEGRAM_WEBHOOK_SECRET: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,256}$/)
    .optional()
    .describe('1–256 characters of A-Z a-z 0-9 _ -'),
  TELEGRAM_API_ROOT: z
    .url({ protocol: /^https?$/ })
    .optional()
    .describe('a Bot API server address such as http://127.0.0.1:8081'),
  WECHAT_TOKEN: z
    .string()
    .regex(/^[A-Za-z0-9]{3,32}$/)
    .optional()
    .describe('the Token from 公众平台 → 设置与开发 → 基本配置 → 服务器配置: 3–32 letters or digits'),
  WECHAT_APP_ID: z
    .string()
    .regex(/^wx[0-9A-Za-z]{16}$/)
    .optional()
    .describe('the AppID (开发者ID) from 公众平台 → 设置与开发 → 基本配置, like wx5823bf96d3bd56c7'),
  WECHAT_ENCODING_AES_KEY: aesKey('公众平台 → 设置与开发 → 基本配置 → 服务器配置'),
  WECOM_TOKEN: z
    .string()
    .regex(/^[A-Za-z0-9]{1,32}$/)
    .optional()
    .describe('the Token from 企业微信管理后台 → 应用管理 → your app → 接收消息: up to 32 letters or digits'),
  WECOM_CORP_ID: z
    .string()
    .regex(/^w[wx][0-9A-Za-z]{16}$/)
    .optional()
    .describe('the 企业ID from 企业微信管理后台 → 我的企业, like ww0123456789abcdef'),
  WECOM_ENCODING_AES_KEY: aesKey('企业微信管理后台 → 应用管理 → your app → 接收消息'),
  // Several replicas on one PostgreSQL database (docs/deploy.md, "Several replicas"). DATABASE_URL is checked
  // in databaseProblems below, so that a bad one is never echoed with its password.
  DATABASE_URL: z.string().optional().describe('postgres://user:password@host:5432/database'),
  RECEIPT_KEY_FILE: z.string().min(1).optional().describe('a file path (an Ed25519 private key in PEM)'),
  SALT_FILE: z.string().min(1).optional().describe('a file path (secret text of at least 32 bytes)'),
} as const;

/** An EncodingAESKey: exactly 43 letters or digits, as Tencent generates it (base64 of 32 bytes, no padding). */
function aesKey(where: string) {
  return z
    .string()
    .regex(/^[A-Za-z0-9]{43}$/)
    .optional()
    .describe(`the 43-character EncodingAESKey (letters and digits) from ${where}`);
}

const ConfigSchema = z.object(SETTINGS);

/** The validated settings. */
export type Config = z.infer<typeof ConfigSchema>;

/** Every problem with the environment, one line per variable. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Configuration problem(s); see .env.example:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Validates `env` (empty strings count as unset). */
export function loadConfig(env: Record<string, string | undefined>): Config {
  const input: Record<string, string> = {};
  for (const key of Object.keys(SETTINGS)) {
    const v = env[key]?.trim();
    if (v) input[key] = v;
  }
  const parsed = ConfigSchema.safeParse(input);
  const problems: string[] = [];
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const key = String(issue.path[0]);
      const want = SETTINGS[key as keyof typeof SETTINGS]?.description ?? issue.message;
      const shown = /TOKEN|SECRET|AES_KEY/.test(key) ? '(hidden)' : JSON.stringify(input[key]);
      problems.push(`${key}=${shown} is not valid: expected ${want}`);
    }
    throw new ConfigError(problems);
  }
  const c = parsed.data;
  if (c.TELEGRAM_MODE === 'webhook' && c.TELEGRAM_BOT_TOKEN && !c.TELEGRAM_WEBHOOK_SECRET)
    problems.push(
      'TELEGRAM_WEBHOOK_SECRET is required when TELEGRAM_MODE=webhook (Telegram sends it back on every update)',
    );
  if (c.TELEGRAM_MODE === 'webhook' && c.TELEGRAM_BOT_TOKEN && !c.PUBLIC_URL)
    problems.push(
      'PUBLIC_URL is required when TELEGRAM_MODE=webhook (the webhook is registered at PUBLIC_URL/telegram/webhook)',
    );
  problems.push(...wechatProblems(c));
  problems.push(...databaseProblems(c));
  if (problems.length) throw new ConfigError(problems);
  return {
    ...c,
    DATA_DIR: resolve(c.DATA_DIR),
    FLOWS_DIR: resolve(c.FLOWS_DIR),
    LOCALES_DIR: resolve(c.LOCALES_DIR),
    ...(c.RECEIPT_KEY_FILE ? { RECEIPT_KEY_FILE: resolve(c.RECEIPT_KEY_FILE) } : {}),
    ...(c.SALT_FILE ? { SALT_FILE: resolve(c.SALT_FILE) } : {}),
  };
}

/** Settings that only make sense together: the Official Account's and WeCom's. */
function wechatProblems(c: Config): string[] {
  const out: string[] = [];
  if (!c.WECHAT_TOKEN && (c.WECHAT_APP_ID || c.WECHAT_ENCODING_AES_KEY))
    out.push(
      'WECHAT_TOKEN is required when WECHAT_APP_ID or WECHAT_ENCODING_AES_KEY is set (it signs every request)',
    );
  if (c.WECHAT_ENCODING_AES_KEY && !c.WECHAT_APP_ID)
    out.push(
      'WECHAT_APP_ID is required when WECHAT_ENCODING_AES_KEY is set (safe mode checks each message is for this AppID)',
    );
  const wecom = {
    WECOM_TOKEN: c.WECOM_TOKEN,
    WECOM_CORP_ID: c.WECOM_CORP_ID,
    WECOM_ENCODING_AES_KEY: c.WECOM_ENCODING_AES_KEY,
  };
  const missing = Object.entries(wecom).filter(([, v]) => !v);
  if (missing.length > 0 && missing.length < 3)
    out.push(
      `${missing.map(([k]) => k).join(' and ')} ${missing.length > 1 ? 'are' : 'is'} required with the other WECOM_* settings (WeCom signs and encrypts every callback)`,
    );
  return out;
}

/** DATABASE_URL must be a postgres:// URL with a host and a database; shown without its password. */
function databaseProblems(c: { DATABASE_URL?: string | undefined }): string[] {
  const url = c.DATABASE_URL;
  if (!url) return [];
  let parsed: URL | undefined;
  try {
    parsed = new URL(url);
  } catch {
    parsed = undefined;
  }
  const ok =
    parsed &&
    (parsed.protocol === 'postgres:' || parsed.protocol === 'postgresql:') &&
    parsed.hostname !== '' &&
    parsed.pathname.length > 1;
  if (ok) return [];
  const shown = parsed
    ? `${parsed.protocol}//${parsed.password ? `${parsed.username}:***@` : ''}${parsed.host}${parsed.pathname}`
    : '(not a URL)';
  return [
    `DATABASE_URL=${shown} is not valid: expected postgres://user:password@host:5432/database (leave it empty for the embedded SQLite database in DATA_DIR)`,
  ];
}

/** Loads `.env` from the working directory into process.env when present (real env wins). */
export function loadDotEnv(file = '.env'): void {
  if (existsSync(file)) process.loadEnvFile(file);
}
