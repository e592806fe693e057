import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.ts';

describe('config', () => {
  it('has working defaults', () => {
    const c = loadConfig({});
    expect(c.PORT).toBe(3000);
    expect(c.HOST).toBe('127.0.0.1');
    expect(c.DATA_DIR.endsWith('/data')).toBe(true);
    expect(c.DEFAULT_LANG).toBe('zh-CN');
    expect(c.TIME_ZONE).toBe('Asia/Shanghai');
    expect(c.TELEGRAM_BOT_TOKEN).toBeUndefined();
  });

  it('takes an IANA TIME_ZONE and refuses anything else, saying what it should be', () => {
    expect(loadConfig({ TIME_ZONE: 'Europe/Berlin' }).TIME_ZONE).toBe('Europe/Berlin');
    expect(loadConfig({ TIME_ZONE: 'UTC' }).TIME_ZONE).toBe('UTC');
    for (const bad of ['Beijing', 'GMT+8', 'Asia/Shanghai;rm']) {
      expect(() => loadConfig({ TIME_ZONE: bad }), bad).toThrow(
        `TIME_ZONE="${bad}" is not valid: expected an IANA time zone name such as Asia/Shanghai or Europe/Berlin`,
      );
    }
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

  it('reads FLOWS_STALE_DAYS (1–3650, default 180) and FLOWS_WATCH (default on)', () => {
    expect(loadConfig({})).toMatchObject({ FLOWS_STALE_DAYS: 180, FLOWS_WATCH: true });
    expect(loadConfig({ FLOWS_STALE_DAYS: '90', FLOWS_WATCH: 'false' })).toMatchObject({
      FLOWS_STALE_DAYS: 90,
      FLOWS_WATCH: false,
    });
    expect(() => loadConfig({ FLOWS_STALE_DAYS: '0' })).toThrow(
      'FLOWS_STALE_DAYS="0" is not valid: expected a whole number of days, 1–3650',
    );
    expect(() => loadConfig({ FLOWS_WATCH: 'sometimes' })).toThrow('FLOWS_WATCH="sometimes" is not valid');
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

  it('takes a postgres:// DATABASE_URL and shared secret files (paths made absolute)', () => {
    const c = loadConfig({
      DATABASE_URL: 'postgresql://cm:pw@db.internal:5432/cancelmate?sslmode=require',
      RECEIPT_KEY_FILE: 'secrets/key.pem',
      SALT_FILE: '/run/secrets/salt',
    });
    expect(c.DATABASE_URL).toBe('postgresql://cm:pw@db.internal:5432/cancelmate?sslmode=require');
    expect(c.RECEIPT_KEY_FILE).toMatch(/^\/.*\/secrets\/key\.pem$/);
    expect(c.SALT_FILE).toBe('/run/secrets/salt');
    expect(loadConfig({}).DATABASE_URL).toBeUndefined();
  });

  it('refuses a DATABASE_URL that is not postgres://user@host/database, never showing its password', () => {
    for (const bad of [
      'mysql://cm:hunter2@db/cm',
      'postgres://cm:hunter2@db',
      'postgres://cm:hunter2@/cm',
      'hunter2',
    ]) {
      let message = '';
      try {
        loadConfig({ DATABASE_URL: bad });
      } catch (err) {
        expect(err).toBeInstanceOf(ConfigError);
        message = (err as Error).message;
      }
      expect(message, bad).toMatch(
        /DATABASE_URL=.* is not valid: expected postgres:\/\/user:password@host:5432\/database/,
      );
      expect(message, bad).not.toContain('hunter2');
    }
  });

  it('takes SQLITE_SYNCHRONOUS normal (the default) or full, and says what else is wrong', () => {
    expect(loadConfig({}).SQLITE_SYNCHRONOUS).toBe('normal');
    expect(loadConfig({ SQLITE_SYNCHRONOUS: 'full' }).SQLITE_SYNCHRONOUS).toBe('full');
    expect(() => loadConfig({ SQLITE_SYNCHRONOUS: 'off' })).toThrow(
      /SQLITE_SYNCHRONOUS="off" is not valid: expected normal .* or full/,
    );
  });
});
