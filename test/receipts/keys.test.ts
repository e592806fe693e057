import { generateKeyPairSync } from 'node:crypto';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { KEY_FILES, keyIdOf, loadOrCreateKeyPair, publicKeyFromPem } from '../../src/receipts/keys.ts';

const posix = process.platform !== 'win32';
let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'cancelmate-keys-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('loadOrCreateKeyPair', () => {
  it('creates the data dir and both key files with modes 0700/0600/0644, then reloads the same key', () => {
    const dataDir = join(dir, 'data', 'nested');
    const first = loadOrCreateKeyPair(dataDir);
    expect(first.keyId).toMatch(/^[0-9a-f]{16}$/);
    expect(first.publicKeyPem).toContain('-----BEGIN PUBLIC KEY-----');
    const privPath = join(dataDir, KEY_FILES.privateKey);
    const pubPath = join(dataDir, KEY_FILES.publicKey);
    expect(readFileSync(privPath, 'utf8')).toContain('-----BEGIN PRIVATE KEY-----');
    expect(readFileSync(pubPath, 'utf8')).toBe(first.publicKeyPem);
    if (posix) {
      expect(statSync(dataDir).mode & 0o777).toBe(0o700);
      expect(statSync(privPath).mode & 0o777).toBe(0o600);
      expect(statSync(pubPath).mode & 0o777).toBe(0o644);
    }
    expect(readdirSync(dataDir).sort()).toEqual([KEY_FILES.privateKey, KEY_FILES.publicKey]); // no temp files left

    const second = loadOrCreateKeyPair(dataDir);
    expect(second.keyId).toBe(first.keyId);
    expect(second.publicKeyPem).toBe(first.publicKeyPem);
    expect(keyIdOf(second.privateKey)).toBe(first.keyId);
  });

  it('never prints the private key when stringified or inspected', () => {
    const keys = loadOrCreateKeyPair(dir);
    const secret = readFileSync(join(dir, KEY_FILES.privateKey), 'utf8').split('\n')[1] ?? 'missing';
    expect(JSON.stringify(keys)).not.toContain(secret);
    expect(inspect(keys, { depth: 5 })).not.toContain(secret);
  });

  it.skipIf(!posix)('refuses a private key readable by group or others, naming the file and the fix', () => {
    loadOrCreateKeyPair(dir);
    const privPath = join(dir, KEY_FILES.privateKey);
    chmodSync(privPath, 0o640);
    expect(() => loadOrCreateKeyPair(dir)).toThrow(privPath);
    expect(() => loadOrCreateKeyPair(dir)).toThrow(/chmod 600/);
    chmodSync(privPath, 0o604);
    expect(() => loadOrCreateKeyPair(dir)).toThrow(/readable by group or others/);
  });

  it('refuses an unparsable private key', () => {
    mkdirSync(dir, { recursive: true });
    const privPath = join(dir, KEY_FILES.privateKey);
    writeFileSync(privPath, '-----BEGIN PRIVATE KEY-----\nnot a key\n-----END PRIVATE KEY-----\n', {
      mode: 0o600,
    });
    expect(() => loadOrCreateKeyPair(dir)).toThrow(/could not be parsed/);
    expect(() => loadOrCreateKeyPair(dir)).toThrow(privPath);
  });

  it('refuses a private key that is not Ed25519', () => {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    writeFileSync(join(dir, KEY_FILES.privateKey), privateKey.export({ type: 'pkcs8', format: 'pem' }), {
      mode: 0o600,
    });
    expect(() => loadOrCreateKeyPair(dir)).toThrow(/not Ed25519/);
  });

  it('rewrites a missing public key file and refuses one that belongs to another key', () => {
    const keys = loadOrCreateKeyPair(dir);
    const pubPath = join(dir, KEY_FILES.publicKey);
    rmSync(pubPath);
    expect(loadOrCreateKeyPair(dir).keyId).toBe(keys.keyId);
    expect(existsSync(pubPath)).toBe(true);

    const other = loadOrCreateKeyPair(join(dir, 'other'));
    writeFileSync(pubPath, other.publicKeyPem);
    expect(() => loadOrCreateKeyPair(dir)).toThrow(/does not belong to the private key/);
  });
});

describe('publicKeyFromPem / keyIdOf', () => {
  it('round-trips the published PEM to the same key id', () => {
    const keys = loadOrCreateKeyPair(dir);
    expect(keyIdOf(publicKeyFromPem(keys.publicKeyPem))).toBe(keys.keyId);
  });

  it('rejects garbage, private keys and non-Ed25519 keys with a clear message', () => {
    expect(() => publicKeyFromPem('hello')).toThrow(/receipt-key\.pub\.pem/);
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    expect(() => publicKeyFromPem(ec.publicKey.export({ type: 'spki', format: 'pem' }).toString())).toThrow(
      /Ed25519/,
    );
    const ed = generateKeyPairSync('ed25519');
    const privPem = ed.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    expect(() => publicKeyFromPem(privPem)).toThrow(/not a private key/);
  });
});
