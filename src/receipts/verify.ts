import { type KeyObject, verify } from 'node:crypto';
import { z } from 'zod';
import { canonicalJson } from './canonicalJson.ts';
import { keyIdOf } from './keys.ts';
import { isTimeZone } from './localTime.ts';
import { verifyChain } from './transcriptChain.ts';
import type { Receipt } from './types.ts';

/**
 * The outcome of {@link verifyReceipt} (and of `verifyReceiptFileText` for a page). `failure` says which check
 * failed, in the order they run: `format` (not a receipt), `unknown-key` (signed by another key), `signature`
 * (content changed after signing), `chain` (transcript entries dropped, reordered or altered before signing,
 * with the entry's `seq`), `page` (an HTML page shows something other than its signed data, with `where`),
 * `renderer` (an HTML page from another layout version, which cannot be compared word for word).
 *
 * @example
 * const r: VerifyResult = verifyReceipt(extractReceipt(text), publicKey);
 * if (!r.ok) console.error(`${r.failure}: ${r.message}`);
 */
export type VerifyResult =
  | { ok: true; id: string; keyId: string }
  | {
      ok: false;
      failure: 'format' | 'unknown-key' | 'signature' | 'chain' | 'page' | 'renderer';
      message: string;
      /** For `chain`: the 1-based transcript entry where the chain breaks. */
      seq?: number;
      /** For `page`: where the visible page differs from the signed receipt. */
      where?: PageDifference;
    };

/**
 * Where a receipt page differs from what its signed data renders to: the place (section heading, then the
 * field, letter or entry within it, as the page labels them), and the visible text on each side (absent when
 * the words are the same and only markup or styles changed).
 *
 * @example
 * const d: PageDifference = { place: ['你提供的信息', '金额'], shown: '999.00 CNY', signed: '39.90 CNY' };
 */
export interface PageDifference {
  place: string[];
  shown?: string;
  signed?: string;
}

const hex64 = z.string().regex(/^[0-9a-f]{64}$/, 'expected 64 lower-case hex characters');
const optStr = z.string().optional();

const entrySchema = z.object({
  seq: z.number().int(),
  at: z.string(),
  dir: z.enum(['in', 'out']),
  text: z.string(),
  choices: z.array(z.string()).optional(),
  flow: optStr,
  prev: hex64,
  hash: hex64,
});

const receiptSchema: z.ZodType<Receipt> = z.object({
  body: z.object({
    v: z.literal(1),
    id: z.string().min(1),
    conversation: z.string(),
    issuedAt: z.string(),
    flowVersion: z.string(),
    flowVersions: z.array(z.string()).optional(),
    lang: z.enum(['zh-CN', 'en']),
    chosen: z.object({ platform: optStr, membership: optStr, channel: optStr, payment: optStr }),
    paths: z.array(
      z.object({
        platform: z.string(),
        channel: z.string(),
        steps: z.array(z.string()),
        source: z.string(),
        verified: optStr,
        compiled: optStr,
        unverified: z.boolean(),
      }),
    ),
    outcome: z.object({ result: z.enum(['worked', 'blocked']), reason: optStr }).optional(),
    facts: z.object({
      merchant: optStr,
      url: optStr,
      order: optStr,
      amount: optStr,
      date: optStr,
      ticket: optStr,
      noticeReceived: z.enum(['yes', 'no', 'unsure']).optional(),
    }),
    rights: z.array(z.object({ text: z.string(), citations: z.array(z.string()) })),
    evidence: z.array(z.string()),
    complaint: z
      .object({ demandLetter: z.string(), complaint12315: z.string(), complaint12315Zh: optStr })
      .optional(),
    transcript: z.array(entrySchema),
    chainHead: hex64,
    caseKind: z
      .enum([
        'noNotice',
        'unsureNotice',
        'notified',
        'oneoff',
        'lifetime',
        'notDelivered',
        'blocked',
        'redflag',
        'general',
      ])
      .optional(),
    timeZone: z.string().refine(isTimeZone, 'expected an IANA time zone such as Asia/Shanghai').optional(),
    verifyUrl: z
      .string()
      .regex(/^https?:\/\/\S+$/, 'expected an http(s) address')
      .optional(),
  }),
  signature: z.object({
    alg: z.literal('Ed25519'),
    keyId: z.string().regex(/^[0-9a-f]{16}$/, 'expected 16 lower-case hex characters'),
    value: z.string().regex(/^[A-Za-z0-9+/]{86}==$/, 'expected the base64 of a 64-byte Ed25519 signature'),
  }),
});

/**
 * Checks a receipt offline with the issuer's public key: shape, key id, Ed25519 signature over the
 * canonical JSON of the body, then the transcript hash chain and its head.
 *
 * @example
 * const result = verifyReceipt(JSON.parse(text), publicKeyFromPem(pem));
 * // { ok: false, failure: 'chain', message: 'chain entry 7: entry 7 was altered (hash mismatch)' }
 */
export function verifyReceipt(receipt: unknown, publicKey: KeyObject): VerifyResult {
  if (typeof receipt !== 'object' || receipt === null || Array.isArray(receipt)) {
    const got = receipt === null ? 'null' : Array.isArray(receipt) ? 'an array' : `a ${typeof receipt}`;
    return fail('format', `a receipt is a JSON object with "body" and "signature", but this is ${got}`);
  }
  const parsed = receiptSchema.safeParse(receipt);
  if (!parsed.success) return fail('format', describeIssue(receipt, parsed.error.issues[0]));
  // Verify the object as given, not zod's output: unknown members are covered by the signature too.
  const { body, signature } = receipt as Receipt;

  let expectedKeyId: string;
  try {
    expectedKeyId = keyIdOf(publicKey);
  } catch (err) {
    return fail('unknown-key', (err as Error).message);
  }
  if (signature.keyId !== expectedKeyId) {
    return fail(
      'unknown-key',
      `the receipt was signed with key ${signature.keyId}, but the public key given is ${expectedKeyId}; ` +
        `use the receipt-key.pub.pem whose key id is ${signature.keyId}`,
    );
  }

  const signed = Buffer.from(canonicalJson(body), 'utf8');
  if (!verify(null, signed, publicKey, Buffer.from(signature.value, 'base64'))) {
    return fail(
      'signature',
      'the signature does not match the receipt content: the receipt was changed after it was signed; use the file exactly as issued',
    );
  }

  const chain = verifyChain(body.transcript);
  if (!chain.ok) return { ...fail('chain', `chain entry ${chain.seq}: ${chain.reason}`), seq: chain.seq };
  if (chain.head !== body.chainHead) {
    const n = body.transcript.length;
    return {
      ...fail(
        'chain',
        `chain entry ${n + 1}: the transcript ends at entry ${n}, but the recorded chain head ${body.chainHead.slice(0, 16)}… ` +
          `is not that entry's hash ${chain.head.slice(0, 16)}…; entries were dropped from the end or the head was changed`,
      ),
      seq: n + 1,
    };
  }
  return { ok: true, id: body.id, keyId: signature.keyId };
}

const SCRIPT_BLOCK = /<script\b[^>]*\bid\s*=\s*["']?cancelmate-receipt["']?[^>]*>([\s\S]*?)<\/script\s*>/i;

/**
 * Finds the receipt in a file's text: either the receipt JSON file itself, or the HTML page, which embeds
 * the exact receipt JSON in `<script type="application/json" id="cancelmate-receipt">`. Returns the parsed
 * (unverified) value; throws an Error saying what to do when there is no receipt or its JSON is malformed.
 *
 * @example
 * const result = verifyReceipt(extractReceipt(readFileSync('receipt.html', 'utf8')), publicKey);
 */
export function extractReceipt(fileText: string): unknown {
  const text = fileText.replace(/^\uFEFF/, '').trim();
  let json: string;
  let where: string;
  if (text.startsWith('{')) {
    json = text;
    where = 'the receipt JSON file';
  } else {
    const match = SCRIPT_BLOCK.exec(text);
    if (!match) {
      throw new Error(
        'No receipt found: expected the receipt .json file or the receipt .html page CancelMate issued ' +
          '(it contains <script type="application/json" id="cancelmate-receipt">). ' +
          'If a browser re-saved the page, use the original download instead.',
      );
    }
    json = match[1] ?? '';
    where = 'the receipt data embedded in the HTML page';
  }
  try {
    return JSON.parse(json) as unknown;
  } catch (err) {
    throw new Error(
      `Malformed JSON in ${where} (${(err as Error).message}). The file was damaged or edited; use the file exactly as issued.`,
    );
  }
}

/**
 * A failed {@link VerifyResult}.
 *
 * @example
 * const f: VerifyFailure = { ok: false, failure: 'signature', message: 'the signature does not match …' };
 */
export type VerifyFailure = Extract<VerifyResult, { ok: false }>;

function fail(failure: VerifyFailure['failure'], message: string): VerifyFailure {
  return { ok: false, failure, message };
}

function describeIssue(root: object, issue: z.core.$ZodIssue | undefined): string {
  if (!issue) return 'the receipt does not have the expected shape';
  const path = issue.path
    .map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i === 0 ? '' : '.'}${String(p)}`))
    .join('');
  let value: unknown = root;
  for (const p of issue.path) {
    value =
      typeof value === 'object' && value !== null ? (value as Record<PropertyKey, unknown>)[p] : undefined;
  }
  const field = path || 'receipt';
  if (value === undefined && issue.path.length > 0) return `receipt field ${field} is missing`;
  return `receipt field ${field} is invalid (${issue.message})`;
}
