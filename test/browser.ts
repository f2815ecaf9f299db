// Shared by the browser tests (no tests here): Debian's chromium driven by playwright-core.
import { chromium, type Browser, type Page } from 'playwright-core';

// The canvas API used inside page functions (the test build has no DOM lib).
interface CanvasEl { width: number; height: number; getContext(kind: '2d'): { getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } } | null }

/** Headless Chromium as this machine needs it: root (no sandbox), no GPU, no background network. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

/** A page whose script errors are collected in `errors`, once the dashboard says it is ready. */
export async function openPage(browser: Browser, url: string, o: { offline?: boolean; width?: number } = {}): Promise<Page & { errors: string[] }> {
  const context = await browser.newContext({ viewport: { width: o.width ?? 1100, height: 900 }, offline: o.offline ?? false });
  const page = (await context.newPage()) as Page & { errors: string[] };
  page.errors = [];
  page.on('pageerror', (e) => page.errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error') page.errors.push(m.text());
  });
  await page.goto(url);
  await page.waitForSelector('body[data-ready="1"]', { timeout: 15_000 });
  return page;
}

/** Pixels of each chart's canvas within a small distance of `rgb`: data drawn in that series' colour. */
export async function colouredPixels(page: Page, rgb: [number, number, number]): Promise<number[]> {
  return page.$$eval('.chart canvas', (canvases, [r, g, b]) => canvases.map((c) => {
    const cv = c as unknown as CanvasEl;
    const d = cv.getContext('2d')!.getImageData(0, 0, cv.width, cv.height).data;
    let n = 0;
    for (let i = 0; i < d.length; i += 4) {
      if (d[i + 3]! > 200 && Math.abs(d[i]! - r!) < 30 && Math.abs(d[i + 1]! - g!) < 30 && Math.abs(d[i + 2]! - b!) < 30) n++;
    }
    return n;
  }), rgb);
}
