// The lab console in real Chromium through the edge: kill a catalog replica from its tile and
// watch it go down and come back while the storefront keeps working; reset all clears every
// toxic; the scaling modes switch the autoscaler's parts; without the token the console asks for
// it and its API refuses.

import { join } from 'node:path';
import type { ControllerState, ScalingModes } from '@surge-lab/contracts/autoscaler';
import { hostConsoleToken, injectedToxics, type ProxyState } from '@surge-lab/lab';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { lab, labProject, toxiproxyUrl } from '../live/lab.ts';
import { launchBrowser, newPage, shots } from './browser.ts';

let browser: Browser;
const token = await hostConsoleToken(lab.root, lab.runtime);
const replica = `${labProject}-catalog-1`;

beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await fetch(`${toxiproxyUrl()}/reset`, { method: 'POST' }).catch(() => {});
  await browser?.close();
});

async function openConsole(width = 1280, height = 900): Promise<Page> {
  const page = await newPage(browser, width, height);
  await page.goto(`/lab/#token=${token}`);
  await page.locator(`[data-container="${replica}"]`).waitFor({ timeout: 15_000 });
  return page;
}
const healthOf = (page: Page, name: string) => page.locator(`[data-container="${name}"]`).getAttribute('data-health');
// Injected toxics only: the WAN's proxies always carry their standing latency.
const toxicsEverywhere = async () =>
  Object.values((await (await fetch(`${toxiproxyUrl()}/proxies`)).json()) as Record<string, ProxyState>).map((p) => ({ enabled: p.enabled, toxics: injectedToxics(p) }));

describe('lab console in Chromium', () => {
  test('without the token the console asks for it, and its API answers 401', async () => {
    const page = await newPage(browser);
    await page.goto('/lab/');
    await page.getByRole('heading', { name: 'Sign in to the lab console' }).waitFor();
    const r = await page.request.get('/lab/api/topology');
    expect(r.status()).toBe(401);
    expect((await r.json()).error.code).toBe('REQUEST_UNAUTHORIZED');
    // The address lab:console prints signs in, and the token leaves the address bar.
    await page.goto(`/lab/#token=${token}`);
    await page.locator('[data-service="catalog"]').waitFor();
    expect(page.url()).not.toContain(token);
    // One region: the Regions view says so, shows region A alone and offers nothing to switch.
    await page.locator('#regions p', { hasText: /^One region runs/ }).waitFor();
    await expect.poll(() => page.locator('#regions [data-region]').count()).toBe(1);
    expect(await page.locator('#regions [data-region="a"]').getAttribute('data-role')).toBe('primary');
    expect(await page.locator('#regions button[data-action]').count()).toBe(0);
    await page.context().close();
  });

  test('kill a catalog replica from its tile: it goes down, the storefront keeps working, and it is healthy again once the fault is reverted', async () => {
    const page = await openConsole();
    expect(await healthOf(page, replica)).toBe('healthy');
    await page.screenshot({ path: join(shots, 'console-topology.png') });
    await page.getByRole('button', { name: `kill ${replica}` }).click();
    await expect.poll(() => healthOf(page, replica), { timeout: 20_000 }).toBe('down');
    await expect.poll(() => page.locator('[data-service="catalog"] .replicas').textContent()).toMatch(/^1(\/2)? running/);
    await page.screenshot({ path: join(shots, 'console-replica-down.png') });

    // The shop meanwhile: the grid and a product page (read past the edge cache) still work.
    const shop = await newPage(browser);
    await shop.goto('/');
    await expect.poll(() => shop.getByRole('button', { name: /^Add .* to cart$/ }).count(), { timeout: 15_000 }).toBeGreaterThan(10);
    const product = await shop.request.get('/api/products/p-00042', { headers: { 'x-bypass-edge-cache': '1' } });
    expect(product.status()).toBe(200);
    await shop.context().close();

    const held = page.locator('[data-fault-id]').filter({ hasText: replica });
    await held.getByRole('button', { name: /^revert / }).click();
    await expect.poll(() => healthOf(page, replica), { timeout: 120_000, interval: 1_000 }).toBe('healthy');
    await expect.poll(() => page.locator('[data-fault-id]').count()).toBe(0);
    await page.context().close();
  });

  test('reset all clears every toxic and enables every link', async () => {
    const page = await openConsole();
    // One fault from the form, one behind the console's back.
    const form = page.locator('form.fault-form');
    await form.getByLabel('Fault', { exact: true }).selectOption('link-latency');
    await form.getByLabel('Link', { exact: true }).selectOption('redis');
    await form.getByLabel(/^Latency \(ms\)/).fill('150');
    await form.getByRole('button', { name: 'Inject' }).click();
    await expect.poll(async () => (await toxicsEverywhere()).reduce((n, p) => n + p.toxics.length, 0)).toBe(1);
    await fetch(`${toxiproxyUrl()}/proxies/payment`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ enabled: false }) });
    await expect.poll(() => page.locator('[data-link="payment"]').getAttribute('data-enabled'), { timeout: 10_000 }).toBe('false');
    await page.getByRole('heading', { name: 'Faults', exact: true }).scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(shots, 'console-faults.png') });

    await page.getByRole('button', { name: 'Reset all' }).click();
    await page.getByText(/^Reset done/).waitFor({ timeout: 120_000 });
    const proxies = await toxicsEverywhere();
    expect(proxies.every((p) => p.enabled && p.toxics.length === 0)).toBe(true);
    await expect.poll(() => page.locator('[data-link="payment"]').getAttribute('data-enabled'), { timeout: 10_000 }).toBe('true');
    await page.locator('#charts svg').first().scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(shots, 'console-charts.png') });
    await page.locator('[data-scaling-service="checkout"]').scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(shots, 'console-scaling.png') });
    await page.context().close();
  });

  test("the Forecast floors switch turns the forecast's floors off in the autoscaler and says so; switched back, they apply again", async () => {
    const page = await openConsole();
    const state = () => lab.autoscaler.state<ControllerState>();
    const before = await state();
    const forecast = page.getByRole('switch', { name: 'Forecast floors' });
    await expect.poll(() => forecast.isEnabled(), { timeout: 15_000 }).toBe(true);
    expect(await forecast.isChecked()).toBe(before.forecastFloors);
    try {
      if (!before.forecastFloors) {
        await forecast.click();
        await expect.poll(async () => (await state()).forecastFloors).toBe(true);
      }
      await forecast.click();
      await page.getByText('Forecast floors are off: shown, not applied.').waitFor();
      expect(await state()).toMatchObject({ forecastFloors: false, scheduleFloors: before.scheduleFloors, autoscaling: before.autoscaling });
      await forecast.click();
      await page.getByText('Forecast floors are on: they raise the replica counts.').waitFor();
      expect((await state()).forecastFloors).toBe(true);
    } finally {
      await lab.autoscaler.setModes<ScalingModes>({ forecastFloors: before.forecastFloors });
      await page.context().close();
    }
  });
});
