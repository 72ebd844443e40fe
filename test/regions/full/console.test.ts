// `npm run test:full`: the console's Regions view switches the primary region over and back, from
// its buttons, as a GameDay's operator would.
import { primaryRegion } from '@surge-lab/lab';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { lab } from '../../live/lab.ts';
import { openRegions, regionAPrimary, regionsBrowser } from '../console.ts';

let browser: Browser;
const deps = { runtime: lab.runtime, patroni: lab.patroni };

beforeAll(async () => {
  browser = await regionsBrowser();
});
afterAll(async () => {
  await regionAPrimary();
  await browser?.close();
});

const switchTo = async (page: Page, to: 'a' | 'b') => {
  const name = `Switch over to Region ${to.toUpperCase()}`;
  await page.locator(`#regions [data-region="${to}"]`).getByRole('button', { name }).click();
  // The button waits for the switchover; its message says when it is done.
  await page.locator('#regions .msg.ok', { hasText: `${name}: done` }).waitFor({ timeout: 180_000 });
  await expect.poll(() => page.locator(`#regions [data-region="${to}"]`).getAttribute('data-role'), { timeout: 30_000 }).toBe('primary');
  expect(await primaryRegion(deps)).toBe(to);
};

describe("the console's Regions view", () => {
  test('"Switch over to Region B" makes region B primary and says when it is done; "Switch over to Region A" brings it back', async () => {
    const page = await openRegions(browser);
    await switchTo(page, 'b');
    expect(await page.locator('#regions [data-region="a"]').getAttribute('data-role')).toBe('replica');
    await switchTo(page, 'a');
    await page.context().close();
  }, 600_000);
});
