// Drives the browser playground in headless Chromium (Debian's `chromium`, through
// playwright-core; no browser is downloaded): trains, checks that the loss falls, that the
// boundary and the tape are drawn, and saves a screenshot in a temporary directory.
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser } from 'playwright-core';
import { describeInBrowser, launchChromium } from '../../test/chromium';

const root = resolve(__dirname, '../..');

describeInBrowser('the browser playground', () => {
  let browser: Browser;

  beforeAll(async () => {
    execFileSync(process.execPath, [join(root, 'scripts/build-playground.mjs')], { cwd: root });
    browser = await launchChromium();
  }, 60_000);

  afterAll(async () => browser?.close());

  it('trains in the page: the loss falls, the boundary and the tape are drawn', async () => {
    const page = await browser.newPage({ viewport: { width: 960, height: 1400 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(pathToFileURL(join(root, 'docs/playground/index.html')).href);
    await page.waitForFunction(() => 'playground' in window);

    await page.selectOption('#dataset', 'moons');
    await page.click('#train');
    await page.waitForFunction(
      () =>
        (window as unknown as { playground: { losses(): number[] } }).playground.losses().length >=
        300,
      null,
      { timeout: 60_000 },
    );
    await page.click('#train'); // pause
    const losses = await page.evaluate(() =>
      (window as unknown as { playground: { losses(): number[] } }).playground.losses(),
    );
    expect(losses[losses.length - 1]).toBeLessThan(losses[0] * 0.3);

    expect(await page.textContent('#status')).toMatch(/^step \d+, loss \d\.\d{4}$/);
    const tape = await page.innerHTML('#tape');
    expect(tape).toContain('<svg');
    expect(tape).toContain('loss = ');
    expect(tape).toMatch(/>\d+\.weight</);
    // both classes' colours appear on the boundary canvas
    const colours = await page.evaluate(() => {
      const c = document.getElementById('boundary') as HTMLCanvasElement;
      const px = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
      const seen = new Set<string>();
      for (let i = 0; i < px.length; i += 4 * 97) seen.add(`${px[i]},${px[i + 1]},${px[i + 2]}`);
      return [...seen];
    });
    expect(colours).toEqual(expect.arrayContaining(['191,219,254', '254,202,202']));
    expect(errors).toEqual([]);

    const shot = join(mkdtempSync(join(tmpdir(), 'ad-playground-')), 'playground.png');
    await page.screenshot({ path: shot, fullPage: true });
    console.log(`screenshot: ${shot}`);
  }, 120_000);
});
