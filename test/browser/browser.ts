// Real Chromium for the browser tests: Debian's (or CHROMIUM_PATH), driven by playwright-core,
// never downloaded. Pages open on the lab's edge; screenshots go to reports/screenshots/.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { edgeUrl, projectRoot } from '../live/lab.ts';

export const shots = join(projectRoot, 'reports', 'screenshots');

export async function launchBrowser(): Promise<Browser> {
  mkdirSync(shots, { recursive: true });
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}

export async function newPage(browser: Browser, width = 1200, height = 900): Promise<Page> {
  const context = await browser.newContext({ viewport: { width, height }, baseURL: edgeUrl() });
  return context.newPage();
}
