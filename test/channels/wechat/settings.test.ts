import { describe, expect, it } from 'vitest';
import { wechatSettingsFrom } from '../../../src/channels/wechat/settings.ts';
import { ConfigError, loadConfig } from '../../../src/config.ts';
import { ACCOUNT } from './harness.ts';

const problems = (env: Record<string, string>) => {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.message;
    throw err;
  }
  return '';
};

describe('WeChat settings', () => {
  it('a malformed EncodingAESKey names the variable, says what it should be, and does not print the key', () => {
    const msg = problems({ ...ACCOUNT, WECHAT_ENCODING_AES_KEY: 'tooShort+secretish' });
    expect(msg).toContain(
      'WECHAT_ENCODING_AES_KEY=(hidden) is not valid: expected the 43-character EncodingAESKey',
    );
    expect(msg).not.toContain('tooShort+secretish');
    const wecom = problems({ ...ACCOUNT, WECOM_ENCODING_AES_KEY: `${ACCOUNT.WECOM_ENCODING_AES_KEY}x` });
    expect(wecom).toContain('WECOM_ENCODING_AES_KEY=(hidden) is not valid');
  });

  it('checks the token, AppID and CorpID shapes', () => {
    expect(problems({ WECHAT_TOKEN: 'a b' })).toContain('WECHAT_TOKEN=(hidden) is not valid');
    expect(problems({ WECHAT_TOKEN: 'AAAAA', WECHAT_APP_ID: 'gh_123' })).toContain(
      'WECHAT_APP_ID="gh_123" is not valid',
    );
    expect(problems({ ...ACCOUNT, WECOM_CORP_ID: 'corp' })).toContain('WECOM_CORP_ID="corp" is not valid');
  });

  it('settings that only work together are required together', () => {
    expect(problems({ WECHAT_APP_ID: ACCOUNT.WECHAT_APP_ID })).toContain('WECHAT_TOKEN is required');
    expect(
      problems({ WECHAT_TOKEN: 'AAAAA', WECHAT_ENCODING_AES_KEY: ACCOUNT.WECHAT_ENCODING_AES_KEY }),
    ).toContain('WECHAT_APP_ID is required when WECHAT_ENCODING_AES_KEY is set');
    expect(problems({ WECOM_TOKEN: 'QDG6eK' })).toContain(
      'WECOM_CORP_ID and WECOM_ENCODING_AES_KEY are required with the other WECOM_* settings',
    );
    expect(problems({ WECHAT_TOKEN: 'AAAAA' })).toBe('');
  });

  it('wechatSettingsFrom gives the channel only its own settings, or nothing when unconfigured', () => {
    expect(wechatSettingsFrom(loadConfig({}))).toBeUndefined();
    expect(wechatSettingsFrom(loadConfig({ WECHAT_TOKEN: 'AAAAA' }))).toEqual({
      officialAccount: { token: 'AAAAA' },
      defaultLang: 'zh-CN',
    });
    expect(
      wechatSettingsFrom(
        loadConfig({ ...ACCOUNT, PUBLIC_URL: 'https://cm.example.org', DEFAULT_LANG: 'en' }),
      ),
    ).toEqual({
      officialAccount: {
        token: 'AAAAA',
        appId: ACCOUNT.WECHAT_APP_ID,
        aesKey: ACCOUNT.WECHAT_ENCODING_AES_KEY,
      },
      wecom: { token: 'QDG6eK', corpId: ACCOUNT.WECOM_CORP_ID, aesKey: ACCOUNT.WECOM_ENCODING_AES_KEY },
      publicUrl: 'https://cm.example.org',
      defaultLang: 'en',
    });
  });
});
