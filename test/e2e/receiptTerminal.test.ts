import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT } from '../support/app.ts';
import { WRONGFUL_WITH_FACTS } from '../support/scripts.ts';

// Issue 3's "done when": a terminal run through the wrongful-deduction branch with facts ends with a
// receipt that `npm run receipt -- verify` accepts (JSON and HTML), and a one-byte edit makes it fail.
const tsx = join(ROOT, 'node_modules', '.bin', 'tsx');
const cli = join(ROOT, 'src', 'cli.ts');
const dataDir = mkdtempSync(join(tmpdir(), 'cancelmate-receipt-e2e-'));
const keyOnly = mkdtempSync(join(tmpdir(), 'cancelmate-pubkey-only-'));
afterAll(() => {
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(keyOnly, { recursive: true, force: true });
});

function verify(file: string, extra: string[] = [], env: Record<string, string> = { DATA_DIR: dataDir }) {
  return spawnSync('npm', ['run', '--silent', 'receipt', '--', 'verify', file, ...extra], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, ...env },
  });
}

describe('receipt from the terminal, verified by the CLI', () => {
  it('runs the branch, saves the files, and verifies them; any edit fails', () => {
    const input = `${WRONGFUL_WITH_FACTS.zh.slice(1).join('\n')}\n`;
    const chat = spawnSync(tsx, [cli, 'chat', '--lang', 'zh-CN', '--user', 'e2e', '--data-dir', dataDir], {
      cwd: ROOT,
      input,
      encoding: 'utf8',
    });
    expect(chat.status).toBe(0);
    expect(chat.stdout).toContain('收据已生成');
    const saved = readdirSync(join(dataDir, 'receipts')).sort();
    expect(saved).toHaveLength(2);
    const [html, json] = saved.map((f) => join(dataDir, 'receipts', f)) as [string, string];
    expect(chat.stdout).toContain(`→ ${json}`);

    const okJson = verify(json);
    expect(okJson.status, okJson.stderr).toBe(0);
    expect(okJson.stdout).toMatch(/^valid: receipt R-\d{8}-[0-9A-F]{8}/);
    expect(verify(html).status).toBe(0);

    // The HTML is one self-contained page that shows the complaint text.
    const page = readFileSync(html, 'utf8');
    expect(page).toContain('被投诉方：某某卡盟');
    expect(page).not.toMatch(/<(script|link|img)[^>]+(src|href)=["']https?:/i);

    // A fresh process with only the public key (no data directory with keys).
    const pub = join(keyOnly, 'cancelmate.pub.pem');
    copyFileSync(join(dataDir, 'receipt-key.pub.pem'), pub);
    const fresh = verify(json, ['--pubkey', pub], { DATA_DIR: join(keyOnly, 'empty') });
    expect(fresh.status, fresh.stderr).toBe(0);

    // One byte changed in the signed JSON → signature failure, named.
    const text = readFileSync(json, 'utf8');
    const edited = join(keyOnly, 'edited.json');
    writeFileSync(edited, text.replace('A20261103001', 'A20261103002'));
    const bad = verify(edited, ['--pubkey', pub]);
    expect(bad.status).toBe(3);
    expect(bad.stderr).toContain('invalid (signature)');

    // Another key → unknown key.
    const other = mkdtempSync(join(tmpdir(), 'cancelmate-otherkey-'));
    spawnSync(tsx, [cli, 'receipt', 'pubkey'], {
      cwd: ROOT,
      env: { ...process.env, DATA_DIR: other },
      encoding: 'utf8',
    });
    const wrongKey = verify(json, ['--pubkey', join(other, 'receipt-key.pub.pem')]);
    rmSync(other, { recursive: true, force: true });
    expect(wrongKey.status).toBe(5);
    expect(wrongKey.stderr).toContain('invalid (unknown-key)');
  });
});
