import type { Lang } from '../../i18n/lang.ts';

/**
 * The web chat's own words: the page around the conversation (title, buttons, labels) and the JSON
 * API's error messages, in both languages. The dialogue itself comes from `locales/`; these are only
 * the frame, so they live with the channel.
 *
 * @example
 * WEB_STRINGS['zh-CN'].send; // '发送'
 * apiErrorMessage('en', 'too_many_requests'); // 'You are sending messages very quickly. …'
 */
export interface PageStrings {
  title: string;
  tagline: string;
  language: string;
  restart: string;
  restartCommand: string;
  inputLabel: string;
  placeholder: string;
  send: string;
  you: string;
  guide: string;
  options: string;
  sending: string;
  retry: string;
  offline: string;
  earlier: string;
  receiptHtml: string;
  receiptJson: string;
  safety: string;
  noscript: string;
}

/** Error codes the JSON API answers with (the `error` field). */
export const API_ERROR_CODES = [
  'bad_json',
  'bad_request',
  'too_large',
  'unsupported_media_type',
  'too_many_requests',
  'forbidden',
  'not_found',
  'unavailable',
  'internal',
] as const;
/** One of {@link API_ERROR_CODES}. */
export type ApiErrorCode = (typeof API_ERROR_CODES)[number];

/** See {@link PageStrings}. */
export const WEB_STRINGS: Record<Lang, PageStrings> = {
  'zh-CN': {
    title: '会员取消助手',
    tagline: '一步步帮你取消会员、要回被多扣的钱',
    language: '语言',
    restart: '重新开始',
    restartCommand: '重新开始',
    inputLabel: '输入消息',
    placeholder: '输入文字，或选项前的数字…',
    send: '发送',
    you: '你说：',
    guide: '助手说：',
    options: '可选的回答',
    sending: '正在发送…',
    retry: '重试',
    offline: '连不上服务器。请检查网络，然后点「重试」。你的进度已保存。',
    earlier: '之前的对话',
    receiptHtml: '查看收据（网页）',
    receiptJson: '下载收据数据（JSON）',
    safety: '请不要在这里输入密码、支付密码、付款码或验证码。',
    noscript: '这个页面需要开启 JavaScript 才能聊天。',
  },
  en: {
    title: 'CancelMate',
    tagline: 'Step-by-step help to cancel a membership and get wrongly taken money back',
    language: 'Language',
    restart: 'Restart',
    restartCommand: 'restart',
    inputLabel: 'Your message',
    placeholder: 'Type a reply or a number…',
    send: 'Send',
    you: 'You said:',
    guide: 'Guide said:',
    options: 'Possible answers',
    sending: 'Sending…',
    retry: 'Try again',
    offline:
      'Could not reach the server. Check your connection, then tap "Try again". Your progress is saved.',
    earlier: 'Earlier in this conversation',
    receiptHtml: 'View receipt (web page)',
    receiptJson: 'Download receipt data (JSON)',
    safety: 'Never type passwords, payment PINs, payment codes or verification codes here.',
    noscript: 'This page needs JavaScript to chat.',
  },
};

const API_ERRORS: Record<Lang, Record<ApiErrorCode, string>> = {
  'zh-CN': {
    bad_json: '消息格式不对（不是有效的 JSON）。请刷新页面后再发一次。',
    bad_request: '消息内容不完整或格式不对。请刷新页面后再发一次。',
    too_large: '这条消息太长了。请缩短到 4000 字以内再发。',
    unsupported_media_type: '只接受 JSON 格式的消息（Content-Type: application/json）。',
    too_many_requests: '你发得太快了。请等 {{seconds}} 秒再发，你的进度已保存。',
    forbidden: '这个请求来自其他网站，已被拒绝。请直接在本页面里聊天。',
    not_found: '没有这个页面。请回到首页。',
    unavailable: '服务暂时不可用（可能正在重启）。请稍后再试，你的进度已保存。',
    internal: '出错了，你的进度已保存。请再发一次。',
  },
  en: {
    bad_json: 'That message was not valid JSON. Please reload the page and send it again.',
    bad_request: 'That message was incomplete or malformed. Please reload the page and send it again.',
    too_large: 'That message is too long. Please keep it under 4000 characters.',
    unsupported_media_type: 'Only JSON messages are accepted (Content-Type: application/json).',
    too_many_requests:
      'You are sending messages very quickly. Please wait {{seconds}} seconds and try again; your progress is saved.',
    forbidden: 'This request came from another website and was refused. Please chat on this page directly.',
    not_found: 'There is no such page. Please go back to the start page.',
    unavailable:
      'The service is briefly unavailable (it may be restarting). Please try again soon; your progress is saved.',
    internal: 'Something went wrong; your progress is saved. Please send that again.',
  },
};

/** The user-facing message for an API error, with `{{name}}` placeholders filled from `vars`. */
export function apiErrorMessage(
  lang: Lang,
  code: ApiErrorCode,
  vars: Record<string, string | number> = {},
): string {
  return API_ERRORS[lang][code].replace(/\{\{(\w+)\}\}/g, (m, k: string) =>
    k in vars ? String(vars[k]) : m,
  );
}
