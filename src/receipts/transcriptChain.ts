import { createHash } from 'node:crypto';
import { canonicalJson } from './canonicalJson.ts';

/**
 * The hash chain over a conversation's transcript: each entry's hash covers its content and the hash
 * of the entry before it, so dropping, reordering or editing an entry breaks every hash after it.
 *
 * @example
 * const e1 = chainEntry(GENESIS, { seq: 1, at: '2026-11-25T01:00:00.000Z', dir: 'in', text: '1' });
 * verifyChain([e1]); // { ok: true, head: e1.hash }
 */

/** The `prev` of the first entry. */
export const GENESIS = '0'.repeat(64);

/**
 * What one transcript entry says: who spoke, when, and the text (with the choices offered, for the guide). The
 * guide's entries also name the flow version that answered (`flow`); entries written before versions were
 * recorded have none, and their hash is what it always was (an absent member is not hashed).
 *
 * @example
 * const reply: TranscriptContent = { seq: 2, at: '2026-11-25T01:00:00.000Z', dir: 'out', text: '好的', flow: '2026.11.25+3f2a9c1d' };
 */
export interface TranscriptContent {
  seq: number;
  at: string;
  dir: 'in' | 'out';
  text: string;
  choices?: string[];
  /** The flow version the guide answered with (its replies only). */
  flow?: string;
}

/** A transcript entry with its place in the chain. */
export interface TranscriptEntry extends TranscriptContent {
  prev: string;
  hash: string;
}

/** SHA-256 over the canonical JSON of the content plus the previous hash, as lower-case hex. */
export function entryHash(prev: string, content: TranscriptContent): string {
  const { seq, at, dir, text, choices, flow } = content;
  // canonicalJson drops undefined members: an entry without `flow` hashes exactly as before it existed.
  return createHash('sha256')
    .update(canonicalJson({ prev, seq, at, dir, text, choices, flow }))
    .digest('hex');
}

/** Links `content` after the entry whose hash is `prev`. */
export function chainEntry(prev: string, content: TranscriptContent): TranscriptEntry {
  return { ...content, prev, hash: entryHash(prev, content) };
}

/** The result of {@link verifyChain}: the head hash, or the 1-based sequence number where the chain breaks. */
export type ChainCheck = { ok: true; head: string } | { ok: false; seq: number; reason: string };

/** Checks that entries are numbered 1..n, each links to the one before, and each hash matches its content. */
export function verifyChain(entries: readonly TranscriptEntry[]): ChainCheck {
  let prev = GENESIS;
  for (const [i, e] of entries.entries()) {
    const expectedSeq = i + 1;
    if (e.seq !== expectedSeq)
      return { ok: false, seq: expectedSeq, reason: `entry ${expectedSeq} is missing or out of order` };
    if (e.prev !== prev)
      return { ok: false, seq: e.seq, reason: `entry ${e.seq} does not link to the entry before it` };
    if (entryHash(prev, e) !== e.hash)
      return { ok: false, seq: e.seq, reason: `entry ${e.seq} was altered (hash mismatch)` };
    prev = e.hash;
  }
  return { ok: true, head: prev };
}
