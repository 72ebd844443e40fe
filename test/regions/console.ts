// The console in Chromium for the region tests: signed in, its Regions view loaded.
import { hostConsoleToken } from '@surge-lab/lab';
import type { Browser, Page } from 'playwright-core';
import { newPage } from '../browser/browser.ts';
import { lab } from '../live/lab.ts';

const token = await hostConsoleToken(lab.root, lab.runtime);

export async function openRegions(b: Browser): Promise<Page> {
  const page = await newPage(b, 1280, 1000);
  await page.goto(`/lab/#token=${token}`);
  await page.locator('#regions [data-region="b"]').waitFor({ timeout: 15_000 });
  return page;
}
