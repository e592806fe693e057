/**
 * Issue 11's sample messages, each as a short conversation and the step it must land on, for the channel
 * tests (terminal, web, Telegram, WeChat). "Now" is Wednesday 2026-11-25, noon in Shanghai:
 * channel tests send it as the inbound's `at`, so 昨天 and 上个月15号 have fixed answers.
 *
 * @example
 * for (const s of UNDERSTAND_SAMPLES) for (const text of s.say) await send(text);
 */
export interface UnderstandSample {
  name: string;
  lang: 'zh-CN' | 'en';
  /** Typed in order, after /start. */
  say: string[];
  /** The flow state it must land on. */
  state: string;
  /** Words the last reply shows. */
  shows: string;
  /** Context fields that must be set (undefined: must not be set). */
  fields?: Record<string, string | undefined>;
  platform?: string;
}

/** The moment the channel tests pretend it is. */
export const SAMPLE_NOW = new Date('2026-11-25T04:00:00Z');

// refund → the first platform → auto-renewal → not remembered how → no reminder → escalate → personal → yes
const TO_FACTS = ['2', '1', '1', '4', '1', '2', '1', '1'];

/** See {@link UnderstandSample}. */
export const UNDERSTAND_SAMPLES: UnderstandSample[] = [
  {
    name: 'a whole story, confirmed',
    lang: 'zh-CN',
    say: ['我在XX卡盟买的钻石会员被自动扣了30块', '1'],
    // The platform and how the money went are answered; how the renewal was switched on is asked.
    state: 'optin_q',
    shows: '当初开通会员时，自动续费是怎么选上的？',
    fields: { deduction: 'auto', fact_amount: '30.00 CNY', fact_merchant: 'XX卡盟' },
    platform: 'kamen',
  },
  {
    name: 'English, confirmed',
    lang: 'en',
    // "without telling me" answers the reminder question once the one before it is answered.
    say: ['iQIYI charged me again without telling me', 'yes', "I don't remember"],
    state: 'wrongful',
    shows: 'you can claim that money back',
    fields: { optin: 'unsure', notice: 'no' },
    platform: 'iqiyi',
  },
  {
    name: 'how the renewal was switched on, and no reminder, in one story',
    lang: 'zh-CN',
    say: ['爱奇艺默认勾选的自动续费，没提醒就扣了30块', '1', '1'],
    state: 'wrongful',
    shows: '《消费者权益保护法实施条例》第十条第二款',
    fields: { optin: 'preticked', notice: 'no', fact_amount: '30.00 CNY' },
    platform: 'iqiyi',
  },
  {
    name: 'a platform at the first question',
    lang: 'zh-CN',
    say: ['爱奇艺', '对'],
    state: 'membership',
    shows: '是哪种会员？',
    platform: 'iqiyi',
  },
  {
    name: 'support will not answer',
    lang: 'zh-CN',
    say: ['客服不理我', '是的'],
    state: 'blocked_noanswer',
    shows: '客服没回应、排队太久时',
  },
  { name: 'an ordinal', lang: 'zh-CN', say: ['第一个'], state: 'platform', shows: '会员是在哪里买的' },
  { name: 'a Chinese typo', lang: 'zh-CN', say: ['取消会原'], state: 'platform', shows: '好的：想取消。' },
  {
    name: 'an English typo',
    lang: 'en',
    say: ['cancle', 'yes'],
    state: 'platform',
    shows: 'Where did you buy',
  },
  {
    name: 'a scam in progress, from a later step',
    lang: 'zh-CN',
    say: ['1', '网站打不开了，客服说要先交解冻费才能退款'],
    state: 'redflag_fees',
    shows: '真正的退款不需要你先付钱',
  },
  {
    name: '「1」 at the merchant question, 「无」 at the order question, 昨天',
    lang: 'zh-CN',
    say: [...TO_FACTS, '1', '无', '无', '三十块', '昨天'],
    state: 'fact_ticket',
    shows: '工单号',
    fields: {
      fact_merchant: undefined,
      fact_order: undefined,
      fact_amount: '30.00 CNY',
      fact_date: '2026-11-24',
    },
  },
  {
    name: '上个月15号',
    lang: 'zh-CN',
    say: [...TO_FACTS, '某某卡盟', '无', '无', '30', '上个月15号'],
    state: 'fact_ticket',
    shows: '工单号',
    fields: { fact_merchant: '某某卡盟', fact_date: '2026-10-15' },
  },
  {
    name: '11月15日',
    lang: 'zh-CN',
    say: [...TO_FACTS, '某某卡盟', '无', '无', '30', '11月15日'],
    state: 'fact_ticket',
    shows: '工单号',
    fields: { fact_date: '2026-11-15' },
  },
];
