import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';

/**
 * A headless Chromium for the browser tests, with nothing but what `npm ci` installs: the Chromium that
 * the `@sparticuz/chromium` package ships inside itself (unpacked to /tmp on first use), or the one
 * `CHROMIUM_PATH` names (e.g. Debian's /usr/bin/chromium). `CANCELMATE_SKIP_BROWSER=1` skips the
 * browser tests on a machine where neither can start.
 *
 * @example
 * const browser = await launchBrowser();
 * const page = await (await browser.newContext({ viewport: { width: 390, height: 844 } })).newPage();
 */
export const SKIP_BROWSER = process.env.CANCELMATE_SKIP_BROWSER === '1';

/** Flags for a quiet headless run on a machine with no network but loopback. */
const QUIET = [
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
];

/** See {@link SKIP_BROWSER}. Throws an Error saying what to do when no Chromium can be found. */
export async function launchBrowser(): Promise<Browser> {
  const fromEnv = process.env.CHROMIUM_PATH;
  if (fromEnv) {
    if (!existsSync(fromEnv))
      throw new Error(`CHROMIUM_PATH=${fromEnv} does not exist; unset it to use the bundled Chromium.`);
    return chromium.launch({
      executablePath: fromEnv,
      args: ['--headless', '--no-sandbox', '--disable-gpu', ...QUIET],
    });
  }
  const { default: bundled } = await import('@sparticuz/chromium');
  const executablePath = await bundled.executablePath();
  // --single-process (meant for AWS Lambda) makes browser contexts share one cookie jar: a second context's
  // fetch() carries the first one's session cookie, so "another browser" would be the same user.
  const args = bundled.args.filter((a) => a !== '--single-process');
  return chromium.launch({ executablePath, args: [...args, ...QUIET], headless: true });
}
