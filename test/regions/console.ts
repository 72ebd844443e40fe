// The console in Chromium for the region tests: signed in, its Regions view loaded.
import { hostConsoleToken, primaryRegion, switchoverTo } from '@surge-lab/lab';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, newPage } from '../browser/browser.ts';
import { lab } from '../live/lab.ts';

const token = await hostConsoleToken(lab.root, lab.runtime);

export async function openRegions(b: Browser): Promise<Page> {
  const page = await newPage(b, 1280, 1000);
  await page.goto(`/lab/#token=${token}`);
  await page.locator('#regions [data-region="b"]').waitFor({ timeout: 15_000 });
  return page;
}

const deps = { runtime: lab.runtime, patroni: lab.patroni };
/** Region A primary, whatever ran before (the Regions tests start and end there). */
export const regionAPrimary = async () => {
  if ((await primaryRegion(deps)) !== 'a') await switchoverTo(deps, 'a');
};

/** Chromium with region A primary. */
export async function regionsBrowser(): Promise<Browser> {
  await regionAPrimary();
  return launchBrowser();
}
