import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
  randomBytes,
} from 'node:crypto';
import {
  chmodSync,
  closeSync,
  existsSync,
  fsyncSync,
  linkSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  statSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';

/**
 * The receipt signing key pair (Ed25519), as loaded by {@link loadOrCreateKeyPair}.
 * `publicKeyPem` is what gets published; the private key never leaves the process (a `KeyObject`
 * stringifies to `{}` and prints no key material).
 *
 * @example
 * const keys: ReceiptKeys = loadOrCreateKeyPair('./data');
 * console.log(keys.keyId, keys.publicKeyPem);
 */
export interface ReceiptKeys {
  privateKey: KeyObject;
  publicKey: KeyObject;
  /** SPKI PEM of the public key, as written to `receipt-key.pub.pem`. */
  publicKeyPem: string;
  /** First 16 hex chars of SHA-256 over the raw 32-byte public key (see {@link keyIdOf}). */
  keyId: string;
}

/**
 * File names inside the data directory.
 *
 * @example
 * join(dataDir, KEY_FILES.publicKey) // '<dataDir>/receipt-key.pub.pem'
 */
export const KEY_FILES = { privateKey: 'receipt-key.pem', publicKey: 'receipt-key.pub.pem' } as const;

/**
 * The key id of an Ed25519 key: the first 16 hex chars of SHA-256 over its raw 32-byte public key.
 * A private key gives the id of its public half.
 *
 * @example
 * keyIdOf(keys.publicKey) === keys.keyId // true
 */
export function keyIdOf(key: KeyObject): string {
  const publicKey = key.type === 'private' ? createPublicKey(key) : key;
  assertEd25519(publicKey, 'keyIdOf');
  const { x } = publicKey.export({ format: 'jwk' });
  if (typeof x !== 'string') throw new Error('keyIdOf: could not read the raw Ed25519 public key');
  return createHash('sha256').update(Buffer.from(x, 'base64url')).digest('hex').slice(0, 16);
}

/**
 * Parses an SPKI PEM public key (the contents of `receipt-key.pub.pem`) and checks it is Ed25519.
 *
 * @example
 * const publicKey = publicKeyFromPem(readFileSync('receipt-key.pub.pem', 'utf8'));
 */
export function publicKeyFromPem(pem: string): KeyObject {
  if (/-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----/.test(pem)) {
    throw new Error(
      'Expected a public key (-----BEGIN PUBLIC KEY-----), not a private key: pass receipt-key.pub.pem, and keep receipt-key.pem secret.',
    );
  }
  let key: KeyObject;
  try {
    key = createPublicKey({ key: pem, format: 'pem' });
  } catch (err) {
    throw new Error(
      `Not a PEM public key (${(err as Error).message}). Pass the receipt-key.pub.pem file the receipt's issuer published, starting with "-----BEGIN PUBLIC KEY-----".`,
    );
  }
  assertEd25519(key, 'publicKeyFromPem');
  return key;
}

/**
 * Loads the receipt key pair from `dataDir`, creating it on first use: `receipt-key.pem` (PKCS#8, mode 0600)
 * and `receipt-key.pub.pem` (SPKI, mode 0644). The directory is created with mode 0700 if missing.
 * Files are written to a temporary name and then published atomically without overwriting, so two
 * processes starting at once end up with the same key.
 *
 * Throws (naming the file and the fix) when the private key is readable by group or others, is not a
 * PKCS#8 Ed25519 key, or when the public key file does not belong to it.
 *
 * @example
 * const keys = loadOrCreateKeyPair('/var/lib/cancelmate');
 * signReceipt(body, keys);
 */
export function loadOrCreateKeyPair(dataDir: string): ReceiptKeys {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const privatePath = join(dataDir, KEY_FILES.privateKey);
  const publicPath = join(dataDir, KEY_FILES.publicKey);
  const keys = loadOrCreateKeyFile(privatePath);
  if (!existsSync(publicPath)) publishFile(publicPath, keys.publicKeyPem, 0o644);
  checkPublicFile(publicPath, privatePath, keys.keyId);
  return keys;
}

/**
 * Loads the Ed25519 private key in `privatePath` (PKCS#8 PEM, mode 0600), creating it when the file does not
 * exist; writes no public key file (RECEIPT_KEY_FILE: a key mounted into every replica). Throws like
 * {@link loadOrCreateKeyPair}.
 *
 * @example
 * const keys = loadOrCreateKeyFile('/run/secrets/cancelmate-receipt-key.pem');
 */
export function loadOrCreateKeyFile(privatePath: string): ReceiptKeys {
  if (!existsSync(privatePath)) {
    const { privateKey } = generateKeyPairSync('ed25519');
    const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    publishFile(privatePath, pem, 0o600);
  }
  const privateKey = loadPrivateKey(privatePath);
  const publicKey = createPublicKey(privateKey);
  const publicKeyPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
  return { privateKey, publicKey, publicKeyPem, keyId: keyIdOf(publicKey) };
}

function loadPrivateKey(path: string): KeyObject {
  const st = statSync(path);
  if (!st.isFile())
    throw new Error(`Receipt key ${path} is not a regular file. Move it away so a new key can be created.`);
  if (process.platform !== 'win32' && (st.mode & 0o077) !== 0) {
    throw new Error(
      `Receipt private key ${path} is readable by group or others (mode ${(st.mode & 0o777).toString(8)}). ` +
        `Run "chmod 600 ${path}" and restart; if others may have read it, replace the key and republish the public key.`,
    );
  }
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: readFileSync(path), format: 'pem' });
  } catch (err) {
    throw new Error(
      `Receipt private key ${path} could not be parsed as a PEM PKCS#8 key (${(err as Error).message}). ` +
        'Restore it from a backup; or move it away to create a new key (receipts signed with the old key then need the old public key to verify).',
    );
  }
  if (key.asymmetricKeyType !== 'ed25519') {
    throw new Error(
      `Receipt private key ${path} is a ${key.asymmetricKeyType ?? 'unknown'} key, not Ed25519. Move it away so a new Ed25519 key can be created.`,
    );
  }
  return key;
}

function checkPublicFile(publicPath: string, privatePath: string, keyId: string): void {
  let fileKeyId: string | undefined;
  try {
    fileKeyId = keyIdOf(publicKeyFromPem(readFileSync(publicPath, 'utf8')));
  } catch {
    fileKeyId = undefined;
  }
  if (fileKeyId !== keyId) {
    throw new Error(
      `Receipt public key ${publicPath} does not belong to the private key ${privatePath}. ` +
        'Delete the public key file and restart: it is rewritten from the private key.',
    );
  }
}

/**
 * Writes `content` to a temp file (fsynced), then links it into place; if `path` already exists, keeps that
 * one, so two processes creating the same secret at once end up with one.
 *
 * @example
 * publishFile('/var/lib/cancelmate/conversation-salt', `${salt}\n`, 0o600);
 */
export function publishFile(path: string, content: string, mode: number): void {
  const tmp = `${path}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  const fd = openSync(tmp, 'wx', mode);
  try {
    writeSync(fd, content);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  try {
    chmodSync(tmp, mode); // open()'s mode is filtered by the umask: make it exact
    try {
      linkSync(tmp, path); // atomic and never overwrites: a concurrent creator's key wins
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EEXIST') return;
      if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP') throw err;
      if (!existsSync(path)) renameSync(tmp, path); // file systems without hard links
    }
  } finally {
    if (existsSync(tmp)) unlinkSync(tmp);
  }
}

function assertEd25519(key: KeyObject, where: string): void {
  if (key.asymmetricKeyType !== 'ed25519') {
    throw new Error(
      `${where}: expected an Ed25519 key, got ${key.asymmetricKeyType ?? 'a non-asymmetric key'}. Use the receipt-key.pub.pem CancelMate wrote.`,
    );
  }
}
