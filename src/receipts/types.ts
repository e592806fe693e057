import type { Lang } from '../i18n/lang.ts';
import type { TranscriptEntry } from './transcriptChain.ts';

/**
 * The receipt: what the consumer shows the merchant, the payment channel or 12315.
 * `body` is signed as canonical JSON (see canonicalJson.ts); `signature` covers exactly that string.
 *
 * @example
 * const r: Receipt = { body, signature: { alg: 'Ed25519', keyId: 'k1a2b3c4d5e6f708', value: 'base64…' } };
 */
export interface Receipt {
  body: ReceiptBody;
  signature: ReceiptSignature;
}

/** Ed25519 over the UTF-8 canonical JSON of the body; keyId = first 16 hex chars of SHA-256(raw public key). */
export interface ReceiptSignature {
  alg: 'Ed25519';
  keyId: string;
  /** base64 of the 64-byte signature. */
  value: string;
}

/** One cancel path the guide showed, with where it comes from and when it was last checked. */
export interface ShownPath {
  platform: string;
  channel: string;
  steps: string[];
  source: string;
  /** ISO date (YYYY-MM-DD) the path was last checked, absent when unverified. */
  verified?: string;
  /** ISO date a path compiled from public how-to guides was written down (not followed by us; still unverified). */
  compiled?: string;
  unverified: boolean;
}

/** A legal point as the guide explained it, with its citations (only those in shared/knowledge/rights.md). */
export interface RightExplained {
  text: string;
  citations: string[];
}

/**
 * The drafted letters. `complaint12315Zh` is the Chinese 12315 text given to users who read English (12315
 * takes Chinese); absent in Chinese receipts.
 *
 * @example
 * const t: ComplaintTexts = { demandLetter: '致 某某卡盟…', complaint12315: '被投诉方：某某卡盟…' };
 */
export interface ComplaintTexts {
  demandLetter: string;
  complaint12315: string;
  complaint12315Zh?: string;
}

/**
 * What a receipt is about, as {@link ReceiptBody.caseKind}: it picks the receipt's title (a receipt where
 * nothing was cancelled is not titled a cancellation receipt).
 *
 * @example
 * const k: ReceiptCaseKind = 'unsureNotice'; // charged by auto-renewal; the user does not remember a reminder
 */
export type ReceiptCaseKind =
  | 'noNotice'
  | 'unsureNotice'
  | 'notified'
  | 'oneoff'
  | 'lifetime'
  | 'notDelivered'
  | 'blocked'
  | 'redflag'
  | 'general';

/** Facts the user gave about their case; every one is optional. */
export interface CaseFacts {
  merchant?: string;
  url?: string;
  order?: string;
  amount?: string;
  date?: string;
  ticket?: string;
  noticeReceived?: 'yes' | 'no' | 'unsure';
}

/** The signed content of a receipt. */
export interface ReceiptBody {
  v: 1;
  id: string;
  /** A salted hash of channel and user id, never the raw id. */
  conversation: string;
  issuedAt: string;
  /** The flow version that issued the receipt. */
  flowVersion: string;
  /**
   * Every flow version that answered in the conversation, oldest first (each guide entry of the transcript
   * names its own); absent when the transcript predates per-entry versions.
   */
  flowVersions?: string[];
  lang: Lang;
  /** What the user chose, as display names in `lang`. */
  chosen: { platform?: string; membership?: string; channel?: string; payment?: string };
  paths: ShownPath[];
  outcome?: { result: 'worked' | 'blocked'; reason?: string };
  facts: CaseFacts;
  rights: RightExplained[];
  evidence: string[];
  complaint?: ComplaintTexts;
  transcript: TranscriptEntry[];
  chainHead: string;
  /** The kind of case (absent in receipts issued before it was recorded). */
  caseKind?: ReceiptCaseKind;
  /** The IANA time zone the receipt's dates and times are shown in; Asia/Shanghai when absent. */
  timeZone?: string;
  /**
   * The installation's address for checking this receipt (`<PUBLIC_URL>/v/<id>`), when it has a public
   * address. Signed, so a page cannot point its reader to another checker unnoticed; the secret token that
   * opens the stored copy is added when rendering, never signed.
   */
  verifyUrl?: string;
}
