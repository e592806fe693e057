/**
 * Inputs that walk the wrongful-auto-deduction branch with facts to the end (a receipt), for tests: refund →
 * 卡盟网站 → auto-renewal → "I chose it myself" → no reminder → escalate → personal use → note the facts.
 *
 * @example
 * for (const text of WRONGFUL_WITH_FACTS.zh) engine.handle({ …, text });
 */
export const WRONGFUL_WITH_FACTS = {
  zh: [
    '/start',
    '2',
    '1',
    '1',
    '3',
    '1',
    '2',
    '1',
    '1',
    '某某卡盟',
    'kamen.example.com',
    'A20261103001',
    '¥39.9',
    '2026-11-03',
    'T-7788',
    '1',
    '1',
    '1',
    '1',
    '1',
  ],
  en: [
    '/start',
    '2',
    '1',
    '1',
    '3',
    '1',
    '2',
    '1',
    '1',
    'Shady Cards Ltd',
    'shady.example.com',
    'ORD-55512',
    '$5',
    '2026-11-02',
    '跳过',
    '1',
    '1',
    '1',
    '1',
    '1',
  ],
} as const;

/** The facts typed in {@link WRONGFUL_WITH_FACTS}, as the receipt keeps them. */
export const FACTS_AS_KEPT = {
  zh: {
    merchant: '某某卡盟',
    url: 'kamen.example.com',
    order: 'A20261103001',
    amount: '39.90 CNY',
    date: '2026-11-03',
    ticket: 'T-7788',
  },
  en: {
    merchant: 'Shady Cards Ltd',
    url: 'shady.example.com',
    order: 'ORD-55512',
    amount: '5.00 USD',
    date: '2026-11-02',
  },
} as const;

/**
 * Typed in Chinese, from the welcome to the ticket-number question of a wrongful auto-deduction bought to
 * resell, with every fact given (the letters come after the ticket number).
 *
 * @example
 * const TO_LETTERS = [...TO_TICKET_QUESTION_ZH, '跳过'];
 */
export const TO_TICKET_QUESTION_ZH = [
  '2',
  '卡盟网站',
  '自动续费扣的',
  '是我自己选的',
  '没有提醒',
  '怎么要钱',
  '为了转卖',
  '继续',
  '好，记下来',
  '某某卡盟',
  'kamen.example.com',
  'A20261103001',
  '¥39.9',
  '2026年11月3日',
] as const;
