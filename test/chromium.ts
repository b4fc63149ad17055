// Headless Chromium for the browser tests: Debian's `chromium` driven by playwright-core (no
// browser is ever downloaded). CI installs it (.ci/run) and sets CI, so there a missing
// browser fails the tests; elsewhere they are skipped with a note.
import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';

const executablePath = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find(existsSync);
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

/** `describe`, or `describe.skip` when there is no browser and this is not CI. */
export function describeInBrowser(name: string, fn: () => void): void {
  const runs = executablePath !== undefined || process.env.CI !== undefined;
  if (!runs) console.warn(`${name}: skipped, no chromium (apt-get install chromium)`);
  (runs ? describe : describe.skip)(name, fn);
}

export async function launchChromium(): Promise<Browser> {
  if (executablePath === undefined)
    throw new Error('chromium is not installed: apt-get install -y chromium');
  return chromium.launch({ executablePath, args: FLAGS });
}

/**
 * Opens `url` in a fresh headless Chromium and waits for the page to set `window.result`:
 * that value, and the errors the page threw meanwhile.
 */
export async function pageResult(
  url: string,
  timeout = 30_000,
): Promise<{ result: unknown; errors: string[] }> {
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(url);
    await page.waitForFunction(() => 'result' in window, null, { timeout });
    const result = await page.evaluate(() => (window as unknown as { result: unknown }).result);
    return { result, errors };
  } finally {
    await browser.close();
  }
}
