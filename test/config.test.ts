import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.ts';

describe('config', () => {
  it('has working defaults', () => {
    const c = loadConfig({});
    expect(c.PORT).toBe(3000);
    expect(c.HOST).toBe('127.0.0.1');
    expect(c.DATA_DIR.endsWith('/data')).toBe(true);
    expect(c.DEFAULT_LANG).toBe('zh-CN');
    expect(c.TELEGRAM_BOT_TOKEN).toBeUndefined();
  });

  it('names each bad variable and what it should be, and hides secrets', () => {
    try {
      loadConfig({ PORT: 'abc', DEFAULT_LANG: 'fr', TELEGRAM_BOT_TOKEN: 'not-a-token-but-secret' });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      const msg = (err as Error).message;
      expect(msg).toContain('PORT="abc" is not valid: expected a port number from 0 to 65535');
      expect(msg).toContain('DEFAULT_LANG="fr" is not valid: expected zh-CN or en');
      expect(msg).toContain('TELEGRAM_BOT_TOKEN=(hidden)');
      expect(msg).not.toContain('not-a-token-but-secret');
    }
  });

  it('refuses webhook mode without a secret', () => {
    expect(() =>
      loadConfig({ TELEGRAM_BOT_TOKEN: '123456:ABCDEFGHIJKLMNOPQRSTUVWXYZ', TELEGRAM_MODE: 'webhook' }),
    ).toThrow(/TELEGRAM_WEBHOOK_SECRET is required/);
    expect(() =>
      loadConfig({
        TELEGRAM_BOT_TOKEN: '123456:ABCDEFGHIJKLMNOPQRSTUVWXYZ',
        TELEGRAM_MODE: 'webhook',
        TELEGRAM_WEBHOOK_SECRET: 'abc',
      }),
    ).toThrow(/PUBLIC_URL is required when TELEGRAM_MODE=webhook/);
  });

  it('treats empty values as unset', () => {
    expect(loadConfig({ PORT: '', PUBLIC_URL: ' ' }).PORT).toBe(3000);
  });

  it('takes SQLITE_SYNCHRONOUS normal (the default) or full, and says what else is wrong', () => {
    expect(loadConfig({}).SQLITE_SYNCHRONOUS).toBe('normal');
    expect(loadConfig({ SQLITE_SYNCHRONOUS: 'full' }).SQLITE_SYNCHRONOUS).toBe('full');
    expect(() => loadConfig({ SQLITE_SYNCHRONOUS: 'off' })).toThrow(
      /SQLITE_SYNCHRONOUS="off" is not valid: expected normal .* or full/,
    );
  });
});
