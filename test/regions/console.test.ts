// The console's Regions view in Chromium against both regions: each region's role, its database
// members, whether the region controller sees it, and the actions it offers (switch over to the
// replica region; fail or partition the primary one). test/regions/full clicks the switchover.
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { shots } from '../browser/browser.ts';
import { lab } from '../live/lab.ts';
import { openRegions, regionsBrowser } from './console.ts';

let browser: Browser;
beforeAll(async () => {
  browser = await regionsBrowser();
});
afterAll(async () => {
  await browser?.close();
});

const card = (page: Page, region: 'a' | 'b') => page.locator(`#regions [data-region="${region}"]`);

describe("the console's Regions view", () => {
  test('shows region A primary with its leader and region B a replica region of two streaming members, both in the controller’s sight, with the actions each offers', async () => {
    const page = await openRegions(browser);
    await expect.poll(() => card(page, 'a').getAttribute('data-role')).toBe('primary');
    expect(await card(page, 'b').getAttribute('data-role')).toBe('replica');
    await expect.poll(() => card(page, 'a').locator('.region-role').textContent()).toMatch(/^primary: pg-[12] takes the writes$/);
    await expect.poll(() => card(page, 'b').locator('.region-role').textContent()).toMatch(/^replica region, (caught up|[\d.]+ s behind)/);
    // Region B's two members stream from the leader and are never its synchronous standby.
    const members = await card(page, 'b').locator('.member').allTextContents();
    expect(members).toHaveLength(2);
    for (const m of members) expect(m).toMatch(/^pg-b[12] · replica · streaming · never a synchronous standby/);
    await expect.poll(() => card(page, 'b').locator('.region-sight').textContent(), { timeout: 20_000 }).toBe('in the region controller’s sight');
    // The actions: switch over to the replica region; fail or partition the primary one.
    expect(await card(page, 'b').getByRole('button').allTextContents()).toEqual(['Switch over to Region B']);
    expect(await card(page, 'a').getByRole('button').allTextContents()).toEqual(['Fail Region A', 'Partition Region A']);
    await expect(card(page, 'a').getByRole('button', { name: 'Partition Region A' }).getAttribute('aria-describedby')).resolves.toBeTruthy();
    await page.locator('#regions').screenshot({ path: join(shots, 'console-regions.png') });
    // A length out of range is refused in words before anything is sent.
    await page.fill('#region-seconds', '5');
    await card(page, 'a').getByRole('button', { name: 'Fail Region A' }).click();
    await expect.poll(() => page.locator('#regions .msg.problem').textContent()).toMatch(/from 10 to 600/);
    expect(await page.locator('#region-seconds').getAttribute('aria-invalid')).toBe('true');
    expect(await lab.runtime.containers()).toEqual(expect.arrayContaining([expect.objectContaining({ service: 'pg-1', state: 'running' })]));
    await page.context().close();
  });
});
