import type { Lang } from '../../i18n/lang.ts';

/**
 * What the WeChat channel needs to know, and nothing more: the Official Account's and the WeCom app's
 * credentials (either may be absent), the public address for receipt links and the language for users
 * whose conversation has none yet. `main.ts` builds it from the configuration.
 *
 * @example
 * const settings: WechatSettings = {
 *   officialAccount: { token: 'AAAAA', appId: 'wx5823bf96d3bd56c7' },
 *   defaultLang: 'zh-CN',
 * };
 */
export interface WechatSettings {
  /** `/wechat`: WECHAT_TOKEN, WECHAT_APP_ID and (for compatible and safe mode) WECHAT_ENCODING_AES_KEY. */
  officialAccount?: { token: string; appId?: string; aesKey?: string };
  /** `/wecom`: WECOM_TOKEN, WECOM_CORP_ID, WECOM_ENCODING_AES_KEY (WeCom always encrypts). */
  wecom?: { token: string; corpId: string; aesKey: string };
  /** PUBLIC_URL: receipt links point here; without it replies say how to get a receipt instead. */
  publicUrl?: string;
  /** DEFAULT_LANG: the language of the channel's own words before a conversation has one. */
  defaultLang: Lang;
}

/**
 * The subset of the configuration {@link wechatSettingsFrom} reads (the names of the environment variables).
 *
 * @example
 * wechatSettingsFrom(loadConfig(process.env)); // a Config is a WechatEnv
 */
export interface WechatEnv {
  WECHAT_TOKEN?: string | undefined;
  WECHAT_APP_ID?: string | undefined;
  WECHAT_ENCODING_AES_KEY?: string | undefined;
  WECOM_TOKEN?: string | undefined;
  WECOM_CORP_ID?: string | undefined;
  WECOM_ENCODING_AES_KEY?: string | undefined;
  PUBLIC_URL?: string | undefined;
  DEFAULT_LANG: Lang;
}

/**
 * The channel's settings from the validated configuration, or undefined when neither the Official
 * Account nor WeCom is configured (the channel is then not mounted).
 *
 * @example
 * wechatSettingsFrom({ DEFAULT_LANG: 'zh-CN' }); // undefined
 * wechatSettingsFrom({ DEFAULT_LANG: 'en', WECHAT_TOKEN: 'AAAAA' })?.officialAccount; // { token: 'AAAAA' }
 */
export function wechatSettingsFrom(env: WechatEnv): WechatSettings | undefined {
  const oa = env.WECHAT_TOKEN
    ? {
        token: env.WECHAT_TOKEN,
        ...(env.WECHAT_APP_ID ? { appId: env.WECHAT_APP_ID } : {}),
        ...(env.WECHAT_ENCODING_AES_KEY ? { aesKey: env.WECHAT_ENCODING_AES_KEY } : {}),
      }
    : undefined;
  const wecom =
    env.WECOM_TOKEN && env.WECOM_CORP_ID && env.WECOM_ENCODING_AES_KEY
      ? { token: env.WECOM_TOKEN, corpId: env.WECOM_CORP_ID, aesKey: env.WECOM_ENCODING_AES_KEY }
      : undefined;
  if (!oa && !wecom) return undefined;
  return {
    ...(oa ? { officialAccount: oa } : {}),
    ...(wecom ? { wecom } : {}),
    ...(env.PUBLIC_URL ? { publicUrl: env.PUBLIC_URL } : {}),
    defaultLang: env.DEFAULT_LANG,
  };
}
