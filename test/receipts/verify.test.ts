import { spawnSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canonicalJson } from '../../src/receipts/canonicalJson.ts';
import { loadOrCreateKeyPair, type ReceiptKeys } from '../../src/receipts/keys.ts';
import { renderReceiptHtml } from '../../src/receipts/renderHtml.ts';
import { signReceipt } from '../../src/receipts/sign.ts';
import { chainEntry } from '../../src/receipts/transcriptChain.ts';
import type { Receipt, ReceiptBody } from '../../src/receipts/types.ts';
import { extractReceipt, type VerifyResult, verifyReceipt } from '../../src/receipts/verify.ts';
import { sampleBody } from './sampleReceipt.ts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
let dir: string;
let keys: ReceiptKeys;
let other: ReceiptKeys;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'cancelmate-verify-'));
  keys = loadOrCreateKeyPair(join(dir, 'keys'));
  other = loadOrCreateKeyPair(join(dir, 'other'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

function failure(result: VerifyResult): string {
  return result.ok ? 'ok' : result.failure;
}

describe('signReceipt → verifyReceipt', () => {
  it.each(['zh-CN', 'en'] as const)('verifies a freshly signed %s receipt', (lang) => {
    const receipt = signReceipt(sampleBody(lang), keys);
    expect(receipt.signature).toMatchObject({ alg: 'Ed25519', keyId: keys.keyId });
    expect(Buffer.from(receipt.signature.value, 'base64')).toHaveLength(64);
    expect(verifyReceipt(receipt, keys.publicKey)).toEqual({
      ok: true,
      id: receipt.body.id,
      keyId: keys.keyId,
    });
    // …and after a trip through a JSON file.
    expect(verifyReceipt(JSON.parse(JSON.stringify(receipt)), keys.publicKey).ok).toBe(true);
  });

  it('signs a copy: later changes to the caller’s body do not alter the receipt', () => {
    const body = sampleBody();
    const receipt = signReceipt(body, keys);
    body.facts.amount = '1 元';
    expect(receipt.body.facts.amount).toBe('198 元');
    expect(verifyReceipt(receipt, keys.publicKey).ok).toBe(true);
  });

  const flipHex = (c: string | undefined) => (c === 'a' ? 'b' : 'a');
  it.each<[string, (json: string, body: ReceiptBody) => string]>([
    ['a step text', (j) => j.replace('管理/续费设置', '管理/续费没置')],
    ['the amount', (j) => j.replace('"amount":"198 元"', '"amount":"193 元"')],
    [
      'the chain head',
      (j, b) => j.replace(`"chainHead":"${b.chainHead[0]}`, `"chainHead":"${flipHex(b.chainHead[0])}`),
    ],
    ['the outcome', (j) => j.replace('"result":"blocked"', '"result":"worked"')],
    ['a transcript text', (j) => j.replace('按钮是灰的', '按钮是红的')],
  ])('tampering with %s → signature', (_, edit) => {
    const receipt = signReceipt(sampleBody(), keys);
    const json = canonicalJson(receipt.body);
    const forged = edit(json, receipt.body);
    expect(forged).not.toBe(json);
    const result = verifyReceipt({ body: JSON.parse(forged), signature: receipt.signature }, keys.publicKey);
    expect(failure(result)).toBe('signature');
    expect(result.ok ? '' : result.message).toMatch(/changed after it was signed/);
  });

  it('any single-character change of the canonical body JSON is rejected (signature or format)', () => {
    const receipt = signReceipt(sampleBody('en'), keys);
    const json = canonicalJson(receipt.body);
    const seen = new Set<string>();
    for (let i = 0; i < json.length; i++) {
      const c = json[i] === 'a' ? 'b' : 'a';
      let body: unknown;
      try {
        body = JSON.parse(json.slice(0, i) + c + json.slice(i + 1));
      } catch {
        continue; // not JSON any more: extractReceipt would already refuse it
      }
      const result = verifyReceipt({ body, signature: receipt.signature }, keys.publicKey);
      seen.add(failure(result));
    }
    expect([...seen].sort()).toEqual(['format', 'signature']);
  });

  it('a forged signature value → signature', () => {
    const receipt = signReceipt(sampleBody(), keys);
    const sig = Buffer.from(receipt.signature.value, 'base64');
    sig[10] = (sig[10] ?? 0) ^ 1;
    const forged = { ...receipt, signature: { ...receipt.signature, value: sig.toString('base64') } };
    expect(failure(verifyReceipt(forged, keys.publicKey))).toBe('signature');
  });

  it('another public key → unknown-key, naming both key ids', () => {
    const receipt = signReceipt(sampleBody(), keys);
    const result = verifyReceipt(receipt, other.publicKey);
    expect(failure(result)).toBe('unknown-key');
    expect(result.ok ? '' : result.message).toContain(keys.keyId);
    expect(result.ok ? '' : result.message).toContain(other.keyId);
  });

  it('a public key that is not Ed25519 → unknown-key', () => {
    const receipt = signReceipt(sampleBody(), keys);
    const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const result = verifyReceipt(receipt, publicKey);
    expect(failure(result)).toBe('unknown-key');
    expect(result.ok ? '' : result.message).toMatch(/expected an Ed25519 key/);
  });

  it('a receipt signed by another key but claiming our key id → signature', () => {
    const receipt = signReceipt(sampleBody(), { privateKey: other.privateKey, keyId: keys.keyId });
    expect(failure(verifyReceipt(receipt, keys.publicKey))).toBe('signature');
  });
});

describe('transcript chain (re-signed with the same key, so only the chain can catch it)', () => {
  const resign = (edit: (body: ReceiptBody) => void): Receipt => {
    const body = sampleBody();
    edit(body);
    return signReceipt(body, keys);
  };
  const expectChain = (receipt: Receipt, message: RegExp) => {
    const result = verifyReceipt(receipt, keys.publicKey);
    expect(failure(result)).toBe('chain');
    expect(result.ok ? '' : result.message).toMatch(message);
  };

  it('reordered entries → chain, naming the entry', () => {
    const receipt = resign((b) => {
      const [e3, e4] = [b.transcript[2], b.transcript[3]];
      if (!e3 || !e4) throw new Error('sample too short');
      b.transcript.splice(2, 2, e4, e3);
    });
    expectChain(receipt, /^chain entry 3: entry 3 is missing or out of order/);
  });

  it('a dropped middle entry → chain, naming the entry', () => {
    expectChain(
      resign((b) => b.transcript.splice(4, 1)),
      /^chain entry 5: /,
    );
  });

  it('a dropped middle entry with the rest renumbered → chain (link broken)', () => {
    const receipt = resign((b) => {
      b.transcript.splice(4, 1);
      b.transcript.forEach((e, i) => {
        e.seq = i + 1;
      });
    });
    expectChain(receipt, /^chain entry 5: /);
  });

  it('a dropped last entry → chain, naming it', () => {
    expectChain(
      resign((b) => b.transcript.pop()),
      /^chain entry 10: the transcript ends at entry 9/,
    );
  });

  it('an edited entry → chain: "chain entry 7: entry 7 was altered (hash mismatch)"', () => {
    const receipt = resign((b) => {
      const e7 = b.transcript[6];
      if (e7) e7.text = '我已经取消了';
    });
    expectChain(receipt, /^chain entry 7: entry 7 was altered \(hash mismatch\)$/);
  });

  it('a consistent but different chain head → chain', () => {
    expectChain(
      resign((b) => {
        b.chainHead = chainEntry(b.chainHead, { seq: 11, at: b.issuedAt, dir: 'in', text: 'x' }).hash;
      }),
      /^chain entry 11: /,
    );
  });
});

describe('format', () => {
  const good = () => JSON.parse(JSON.stringify(signReceipt(sampleBody(), keys))) as Record<string, unknown>;

  it.each([
    ['null', null, /this is null/],
    ['a string', 'receipt', /this is a string/],
    ['an array', [], /this is an array/],
  ])('rejects %s', (_, value, message) => {
    const result = verifyReceipt(value, keys.publicKey);
    expect(failure(result)).toBe('format');
    expect(result.ok ? '' : result.message).toMatch(message);
  });

  it('names a missing or bad field', () => {
    const cases: [(r: Record<string, unknown>) => void, RegExp][] = [
      [(r) => delete r.signature, /signature is missing/],
      [(r) => ((r.signature as Record<string, unknown>).alg = 'RSA'), /signature\.alg is invalid/],
      [(r) => delete (r.body as Record<string, unknown>).chainHead, /body\.chainHead is missing/],
      [
        (r) => delete ((r.body as ReceiptBody).transcript[2] as Partial<ReceiptBody['transcript'][0]>).hash,
        /body\.transcript\[2\]\.hash is missing/,
      ],
      [(r) => ((r.signature as Record<string, unknown>).value = 'abc'), /signature\.value is invalid/],
    ];
    for (const [edit, message] of cases) {
      const r = good();
      edit(r);
      const result = verifyReceipt(r, keys.publicKey);
      expect(failure(result)).toBe('format');
      expect(result.ok ? '' : result.message).toMatch(message);
    }
  });
});

describe('extractReceipt', () => {
  it('accepts the JSON file (with or without BOM) and the HTML page', () => {
    const receipt = signReceipt(sampleBody(), keys);
    const json = JSON.stringify(receipt, null, 2);
    expect(extractReceipt(json)).toEqual(receipt);
    expect(extractReceipt(`\uFEFF${json}\n`)).toEqual(receipt);
    expect(extractReceipt(renderReceiptHtml(receipt, { publicKeyPem: keys.publicKeyPem }))).toEqual(receipt);
  });

  it('throws a clear error when there is no receipt or its JSON is malformed', () => {
    expect(() => extractReceipt('<html><body>hello</body></html>')).toThrow(/No receipt found/);
    expect(() => extractReceipt('{"body": ')).toThrow(/Malformed JSON in the receipt JSON file/);
    expect(() =>
      extractReceipt('<script type="application/json" id="cancelmate-receipt">{oops}</script>'),
    ).toThrow(/Malformed JSON in the receipt data embedded in the HTML page/);
  });
});

describe('in a fresh process, with only the public key PEM', () => {
  it('verifies the JSON file and the HTML page', () => {
    const receipt = signReceipt(sampleBody('zh-CN'), keys);
    const work = mkdtempSync(join(dir, 'fresh-'));
    writeFileSync(join(work, 'receipt.json'), JSON.stringify(receipt, null, 2));
    writeFileSync(
      join(work, 'receipt.html'),
      renderReceiptHtml(receipt, { publicKeyPem: keys.publicKeyPem }),
    );
    writeFileSync(join(work, 'receipt-key.pub.pem'), keys.publicKeyPem);
    writeFileSync(
      join(work, 'check.mjs'),
      `import { readFileSync } from 'node:fs';
const [verifyUrl, keysUrl, work] = process.argv.slice(2);
const { verifyReceipt, extractReceipt } = await import(verifyUrl);
const { publicKeyFromPem } = await import(keysUrl);
const key = publicKeyFromPem(readFileSync(work + '/receipt-key.pub.pem', 'utf8'));
const out = ['receipt.json', 'receipt.html'].map((f) => verifyReceipt(extractReceipt(readFileSync(work + '/' + f, 'utf8')), key));
console.log(JSON.stringify(out));
`,
    );
    const url = (p: string) => pathToFileURL(join(root, p)).href;
    const run = spawnSync(
      process.execPath,
      [
        '--import',
        'tsx',
        join(work, 'check.mjs'),
        url('src/receipts/verify.ts'),
        url('src/receipts/keys.ts'),
        work,
      ],
      { cwd: root, encoding: 'utf8', timeout: 20_000 },
    );
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const expected = { ok: true, id: receipt.body.id, keyId: keys.keyId };
    expect(JSON.parse(run.stdout)).toEqual([expected, expected]);
  });
});
