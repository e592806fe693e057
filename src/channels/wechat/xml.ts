import { XMLParser } from 'fast-xml-parser';

/**
 * The XML WeChat and WeCom speak, read defensively and written by hand: a body over
 * {@link MAX_XML_BYTES} or containing `<!DOCTYPE` / `<!ENTITY` is refused before parsing (WeChat never
 * sends them, and internal entities are how "billion laughs" bombs work); fast-xml-parser runs with no type
 * coercion (`parseTagValue: false`: a MsgId of 4561255354251345929 or a Content of " 00123 " stays the
 * string it was); the root must be `<xml>` and every field we read must be a single string.
 *
 * @example
 * parseWechatXml('<xml><MsgType><![CDATA[text]]></MsgType><MsgId>4561255354251345929</MsgId></xml>');
 * // { MsgType: 'text', MsgId: '4561255354251345929' }
 * textReplyXml({ to: 'oUser', from: 'gh_account', createTime: 1714037059, content: '你好' });
 * // '<xml><ToUserName><![CDATA[oUser]]></ToUserName>…<Content><![CDATA[你好]]></Content></xml>'
 */
export const MAX_XML_BYTES = 64 * 1024;

/**
 * Why a body was refused (never echoes the body).
 *
 * @example
 * parseWechatXml('<!DOCTYPE x><xml/>'); // throws WechatXmlError
 */
export class WechatXmlError extends Error {
  override name = 'WechatXmlError';
}

/**
 * The fields CancelMate reads; each must be one string when present. Others are ignored.
 *
 * @example
 * KNOWN_FIELDS.includes('MsgId'); // true
 */
export const KNOWN_FIELDS = [
  'ToUserName',
  'FromUserName',
  'CreateTime',
  'MsgType',
  'Content',
  'MsgId',
  'Event',
  'EventKey',
  'Recognition',
  'Encrypt',
  'AgentID',
  'MsgSignature',
  'TimeStamp',
  'Nonce',
] as const;

/**
 * A parsed message: the known fields that were present, as strings.
 *
 * @example
 * const f: WechatFields = { MsgType: 'text', Content: '你好', MsgId: '4561255354251345929' };
 */
export type WechatFields = Partial<Record<(typeof KNOWN_FIELDS)[number], string>>;

const parser = new XMLParser({
  parseTagValue: false,
  parseAttributeValue: false,
  ignoreAttributes: true,
  processEntities: true,
  htmlEntities: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
  trimValues: true,
});

/**
 * Parses a WeChat XML body into its known fields; throws {@link WechatXmlError} for anything else.
 *
 * @example
 * parseWechatXml('<xml><Encrypt><![CDATA[abc=]]></Encrypt></xml>').Encrypt; // 'abc='
 */
export function parseWechatXml(body: string): WechatFields {
  if (Buffer.byteLength(body, 'utf8') > MAX_XML_BYTES) throw new WechatXmlError('body too large');
  if (/<!\s*(DOCTYPE|ENTITY)/i.test(body))
    throw new WechatXmlError('DOCTYPE or ENTITY declarations are refused');
  let tree: unknown;
  try {
    tree = parser.parse(body, true);
  } catch {
    throw new WechatXmlError('not well-formed XML');
  }
  const root = isRecord(tree) ? tree.xml : undefined;
  if (!isRecord(tree) || Object.keys(tree).length !== 1 || !isRecord(root))
    throw new WechatXmlError('the document must be one <xml> element with fields inside');
  const out: WechatFields = {};
  for (const name of KNOWN_FIELDS) {
    if (!Object.hasOwn(root, name)) continue;
    const value = root[name];
    if (typeof value !== 'string') throw new WechatXmlError(`field ${name} must appear once, as text`);
    out[name] = value;
  }
  return out;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Text inside CDATA: characters XML 1.0 forbids are dropped and `]]>` is split across two sections.
 *
 * @example
 * cdata('a]]>b'); // '<![CDATA[a]]]]><![CDATA[>b]]>'
 */
export function cdata(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: removing characters XML cannot carry is the point.
  const clean = text.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '');
  return `<![CDATA[${clean.replaceAll(']]>', ']]]]><![CDATA[>')}]]>`;
}

/**
 * A passive text reply: to the user who wrote (their FromUserName), from the account (their ToUserName).
 *
 * @example
 * textReplyXml({ to: 'oUser', from: 'gh_account', createTime: 1714037059, content: '回复 1：取消会员' });
 */
export function textReplyXml(r: { to: string; from: string; createTime: number; content: string }): string {
  return (
    `<xml><ToUserName>${cdata(r.to)}</ToUserName><FromUserName>${cdata(r.from)}</FromUserName>` +
    `<CreateTime>${Math.floor(r.createTime)}</CreateTime><MsgType><![CDATA[text]]></MsgType>` +
    `<Content>${cdata(r.content)}</Content></xml>`
  );
}

/**
 * The envelope of an encrypted reply: the ciphertext, its msg_signature, the timestamp and nonce signed.
 *
 * @example
 * encryptedReplyXml({ encrypt: 'base64…', signature: 'ab12…', timestamp: '1714037059', nonce: '486452656' });
 */
export function encryptedReplyXml(r: {
  encrypt: string;
  signature: string;
  timestamp: string;
  nonce: string;
}): string {
  return (
    `<xml><Encrypt>${cdata(r.encrypt)}</Encrypt><MsgSignature>${cdata(r.signature)}</MsgSignature>` +
    `<TimeStamp>${r.timestamp}</TimeStamp><Nonce>${cdata(r.nonce)}</Nonce></xml>`
  );
}
