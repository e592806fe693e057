import type { Logger } from '../../logger.ts';
import type { ChannelHandle } from '../kit/channel.ts';
import { type WechatEngine, WechatGuide } from './guide.ts';
import { WECHAT_PATH, WECOM_PATH, wechatRoutes } from './routes.ts';
import type { WechatSettings } from './settings.ts';

/**
 * The WeChat channel as `main.ts` runs channels: `routes` mounts `/wechat` (Official Account) and / or
 * `/wecom` (WeCom app), whichever is configured; there is nothing to start (Tencent calls us) and nothing to
 * stop beyond the server. `start` returns the URLs to register in the admin consoles.
 *
 * @example
 * const settings = wechatSettingsFrom(config);
 * if (settings) channels.push(wechatChannel({ settings, engine: app.engine, logger }));
 */
export function wechatChannel(deps: {
  settings: WechatSettings;
  engine: WechatEngine;
  logger: Logger;
  /** Override the 4.5 s answer deadline (tests). */
  deadlineMs?: number;
}): ChannelHandle {
  const { settings, engine, logger } = deps;
  const guide = new WechatGuide({
    engine,
    logger,
    defaultLang: settings.defaultLang,
    ...(settings.publicUrl ? { publicUrl: settings.publicUrl } : {}),
    ...(deps.deadlineMs !== undefined ? { deadlineMs: deps.deadlineMs } : {}),
  });
  return {
    name: 'wechat',
    routes: wechatRoutes({ settings, guide, logger }),
    async start({ baseUrl }) {
      const base = baseUrl.replace(/\/+$/, '');
      const urls = [
        ...(settings.officialAccount ? [`${base}${WECHAT_PATH}`] : []),
        ...(settings.wecom ? [`${base}${WECOM_PATH}`] : []),
      ];
      if (!settings.publicUrl)
        logger.warn(
          { channel: 'wechat' },
          'PUBLIC_URL is not set: WeChat replies cannot link to receipts, and Tencent can only reach this server at a public https address',
        );
      if (settings.officialAccount && !settings.officialAccount.aesKey)
        logger.info(
          { channel: 'wechat' },
          'WECHAT_ENCODING_AES_KEY is not set: /wechat answers plaintext messages only (明文模式)',
        );
      return urls.join(' ');
    },
    async stop() {},
  };
}
