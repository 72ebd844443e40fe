// The storefront in real Chromium (Debian's, driven by playwright-core; no browser download),
// through the edge of the running lab. Screenshots of the main pages go to reports/screenshots/.
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { pgQuery } from '../live/lab.ts';
import { setStock } from '../live/shop.ts';
import { launchBrowser, newPage as openPage, shots } from './browser.ts';

let browser: Browser;

beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

const newPage = (width?: number, height?: number) => openPage(browser, width, height);

async function addFromProductPage(page: Page, productId: string, quantity = 1): Promise<void> {
  await page.goto(`/product/${productId}`);
  await page.getByRole('heading', { level: 1 }).waitFor();
  if (quantity !== 1) await page.getByLabel('Quantity').fill(String(quantity));
  await page.getByRole('button', { name: 'Add to cart' }).click();
  await page
    .locator('p.done')
    .getByText(/Added \d+ × .* to your cart/)
    .waitFor();
}

async function ordersFor(email: string) {
  return pgQuery<{ id: string; status: string }>('PG_RW_PORT', 'SELECT id, status FROM orders WHERE email = $1', [email]);
}

describe('storefront in Chromium', () => {
  test('browse the grid and a category, add two products, check out: the order page moves to "Shipped" by itself', async () => {
    await setStock('p-04921', 50);
    await setStock('p-04922', 50);
    const page = await newPage();
    await page.goto('/');
    await expect.poll(() => page.getByRole('button', { name: /^Add .* to cart$/ }).count(), { timeout: 15_000 }).toBeGreaterThan(10);
    // The footer names the region that served the page's answers (the single-region lab is region A).
    await expect.poll(() => page.getByTestId('served-by').textContent()).toBe('Served by region A');
    await page.screenshot({ path: join(shots, 'storefront-home.png') });
    await page.getByRole('navigation', { name: 'Categories' }).getByRole('link', { name: 'Books' }).click();
    await page.waitForURL(/category=books/);

    await addFromProductPage(page, 'p-04921', 2);
    await page.screenshot({ path: join(shots, 'storefront-product.png') });
    await addFromProductPage(page, 'p-04922');
    await page.goto('/cart');
    await page.getByRole('link', { name: 'Go to checkout' }).waitFor();
    await expect.poll(() => page.getByRole('button', { name: /^Remove .* from cart$/ }).count()).toBe(2);
    await page.screenshot({ path: join(shots, 'storefront-cart.png') });

    await page.getByRole('link', { name: 'Go to checkout' }).click();
    const email = `browser-${randomUUID()}@example.com`;
    await page.getByLabel('Email address').fill(email);
    await page.getByRole('button', { name: 'Place order' }).click();
    await page.waitForURL(/\/orders\/[0-9a-f-]{36}$/, { timeout: 15_000 });
    await expect
      .poll(
        () =>
          page
            .getByRole('status')
            .filter({ hasText: /^Shipped\./ })
            .count(),
        { timeout: 60_000, interval: 500 },
      )
      .toBe(1);
    await page.screenshot({ path: join(shots, 'storefront-order-shipped.png') });

    const orders = await ordersFor(email);
    expect(orders).toEqual([{ id: page.url().split('/').at(-1), status: 'shipped' }]);
    const lines = await pgQuery<{ product_id: string; quantity: number }>('PG_RW_PORT', 'SELECT product_id, quantity FROM order_items WHERE order_id = $1 ORDER BY product_id', [orders[0]!.id]);
    expect(lines).toEqual([
      { product_id: 'p-04921', quantity: 2 },
      { product_id: 'p-04922', quantity: 1 },
    ]);
  });

  test('a double click on "Place order" makes exactly one order', async () => {
    await setStock('p-04923', 50);
    const page = await newPage();
    await addFromProductPage(page, 'p-04923');
    await page.goto('/checkout');
    const email = `double-${randomUUID()}@example.com`;
    await page.getByLabel('Email address').fill(email);
    await page.getByRole('button', { name: 'Place order' }).dblclick();
    await page.waitForURL(/\/orders\/[0-9a-f-]{36}$/, { timeout: 15_000 });
    await new Promise((r) => setTimeout(r, 1_000)); // a second request, if one went out, has landed by now
    const orders = await ordersFor(email);
    expect(orders).toHaveLength(1);
    expect(page.url()).toContain(orders[0]!.id);
  });

  test('on a phone-sized screen the grid fits without sideways scrolling', async () => {
    const page = await newPage(375, 740);
    await page.goto('/');
    await expect.poll(() => page.getByRole('button', { name: /^Add .* to cart$/ }).count(), { timeout: 15_000 }).toBeGreaterThan(0);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await page.screenshot({ path: join(shots, 'storefront-phone.png') });
  });
});
