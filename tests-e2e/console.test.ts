import { randomUUID } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import { EventProbe, eventually } from '@ecommerce/shared/testing';
import { ConsoleProcess, horizontalOverflow, launchChromium, screenshot } from './support/console';
import { call } from './support/http';
import { publishOrderServicePoison } from './support/poison';
import { ADMIN_TOKEN, System } from './support/system';

/**
 * The console in a real browser (Debian's Chromium through playwright-core), in front of the
 * three services as processes: what a person sees and clicks, found by role and name as a
 * screen reader would find it.
 */
let system: System;
let consoleServer: ConsoleProcess;
let browser: Browser;
let page: Page;
let probe: EventProbe;

// A browser step waits at most this long for what it expects to see.
const SEEN_WITHIN_MS = 15_000;

beforeAll(async () => {
  system = await System.start('e2e-console');
  consoleServer = await ConsoleProcess.start(system);
  probe = await EventProbe.connect(system.env.rabbitmqUrl, 'ecommerce.events');
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await probe?.close();
  await consoleServer?.stop();
  await system?.stop();
});

beforeEach(async () => {
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
});

afterEach(async () => {
  await page?.close();
});

async function open(path: string): Promise<void> {
  await page.goto(`${consoleServer.url}${path}`);
}

async function enterToken(token = ADMIN_TOKEN): Promise<void> {
  await page.getByLabel('Admin token').fill(token);
}

/** The row of the latest-orders table whose Order cell is `orderId`. */
function orderRow(orderId: string) {
  return page.getByRole('row').filter({ has: page.getByRole('button', { name: orderId }) });
}

/** Fills the order form for one line of `productId`. */
async function fillOrderForm(productId: string, quantity: number, userId = 'console-user') {
  await page.getByLabel('User', { exact: true }).fill(userId);
  const product = page.getByLabel('Product', { exact: true });
  // The choices come from the inventory, a moment after the page loads.
  await expectSoon(async () =>
    expect(await product.locator('option').allTextContents()).toEqual(
      expect.arrayContaining([expect.stringContaining(productId)]),
    ),
  );
  await product.selectOption(productId);
  await page.getByLabel('Quantity', { exact: true }).fill(String(quantity));
  await page.getByLabel('Total', { exact: true }).fill('12.5');
}

/** Places an order through the form; returns the id the page reports. */
async function placeThroughForm(productId: string, quantity: number): Promise<string> {
  await fillOrderForm(productId, quantity);
  return placeOrderFromFilledForm();
}

/** Clicks Place order on a filled form; returns the id the page reports. */
async function placeOrderFromFilledForm(): Promise<string> {
  await page.getByRole('button', { name: 'Place order' }).click();
  const placed = page.getByRole('status');
  await placed.waitFor({ timeout: SEEN_WITHIN_MS });
  const id = /Order (\S+) placed/.exec(await placed.innerText())?.[1];
  if (!id) throw new Error(`No order id in "${await placed.innerText()}"`);
  return id;
}

function expectSoon(assertion: () => Promise<void>): Promise<void> {
  return eventually(assertion, { timeoutMs: SEEN_WITHIN_MS, intervalMs: 100 });
}

describe('the Orders page', () => {
  it('when an order is placed through the form, then it shows CONFIRMED without a reload', async () => {
    const productId = await system.createProduct(5);
    await open('/');

    const orderId = await placeThroughForm(productId, 2);

    await expectSoon(async () =>
      expect(await orderRow(orderId).getByRole('cell').nth(2).innerText()).toBe('CONFIRMED'),
    );
    expect((await call('GET', system.orders(`/${orderId}`))).body.status).toBe('CONFIRMED');
  });

  it('when the product is out of stock, then the order shows CANCELLED with the reason', async () => {
    const productId = await system.createProduct(0);
    await open('/');

    const orderId = await placeThroughForm(productId, 1);

    await expectSoon(async () => {
      const cells = orderRow(orderId).getByRole('cell');
      expect(await cells.nth(2).innerText()).toBe('CANCELLED');
      expect(await cells.nth(3).innerText()).toBe(
        `Insufficient inventory for product ${productId}: requested 1, available 0`,
      );
    });
  });

  it('when a PENDING order is cancelled with its button, then it shows CANCELLED', async () => {
    const productId = await system.createProduct(5);
    // Without the inventory, the order waits in PENDING for as long as the test needs.
    await system.services['inventory-service'].stop();
    try {
      const placed = await call('POST', system.orders(), {
        body: { userId: 'console-user', products: [{ productId, quantity: 1 }], totalPrice: 1 },
      });
      await open('/');
      const row = orderRow(placed.body.id);
      await row.getByRole('button', { name: 'Cancel' }).click();

      await expectSoon(async () =>
        expect(await row.getByRole('cell').nth(2).innerText()).toBe('CANCELLED'),
      );
      expect(await row.getByRole('button', { name: 'Cancel' }).count()).toBe(0);
      // The page says, in words, which service does not answer (the product choices come from it).
      await expectSoon(async () =>
        expect(await page.getByRole('alert').allInnerTexts()).toContain(
          'inventory-service is down: it does not answer (503).',
        ),
      );
    } finally {
      await system.services['inventory-service'].start();
    }
  });

  it('when Place order is double-clicked, then one order is made (one Idempotency-Key per submission)', async () => {
    const productId = await system.createProduct(5);
    const userId = `double-click-${randomUUID()}`;
    await open('/');
    await fillOrderForm(productId, 1, userId);

    await page.getByRole('button', { name: 'Place order' }).dblclick();

    await page.getByRole('status').waitFor({ timeout: SEEN_WITHIN_MS });
    await expectSoon(async () =>
      expect((await call('GET', system.orders(`?userId=${userId}`))).body.total).toBe(1),
    );
  });

  it('when a second line is added, then the order holds both products, and the status filter finds it', async () => {
    const [first, second] = [await system.createProduct(5), await system.createProduct(5)];
    await open('/');
    await fillOrderForm(first, 1);
    await page.getByRole('button', { name: 'Add line' }).click();
    await page.getByLabel('Product 2', { exact: true }).selectOption(second);
    await page.getByLabel('Quantity 2', { exact: true }).fill('2');

    const orderId = await placeOrderFromFilledForm();

    await expectSoon(async () =>
      expect((await call('GET', system.orders(`/${orderId}`))).body).toMatchObject({
        status: 'CONFIRMED',
        products: [
          { productId: first, quantity: 1 },
          { productId: second, quantity: 2 },
        ],
      }),
    );
    await page.getByLabel('Show').selectOption('CANCELLED');
    await expectSoon(async () => expect(await orderRow(orderId).count()).toBe(0));
    await page.getByLabel('Show').selectOption('CONFIRMED');
    await expectSoon(async () => expect(await orderRow(orderId).count()).toBe(1));
  });

  it('when the API refuses the order, then the reason is shown next to the form in words', async () => {
    const productId = await system.createProduct(5);
    await open('/');
    await page.getByLabel('User', { exact: true }).fill('console-user');
    await expectSoon(async () =>
      expect(
        await page.getByLabel('Product', { exact: true }).locator('option').count(),
      ).toBeGreaterThan(1),
    );
    await page.getByLabel('Product', { exact: true }).selectOption(productId);
    await page.getByLabel('Phone', { exact: true }).fill('not a phone');

    await page.getByRole('button', { name: 'Place order' }).click();

    const alert = page.getByRole('alert');
    await alert.waitFor({ timeout: SEEN_WITHIN_MS });
    expect(await alert.innerText()).toMatch(/phone/i);
    expect(await alert.innerText()).not.toContain('{');
  });

  it('when an order id is clicked, then its lines, total, contact, times and (with the token) notifications show', async () => {
    const productId = await system.createProduct(5, 14);
    const placed = await call('POST', system.orders(), {
      body: {
        userId: 'console-user',
        products: [{ productId, quantity: 3 }],
        totalPrice: 42,
        contact: { email: 'detail@example.com' },
      },
    });
    await open('/');
    await enterToken();

    await page.getByRole('button', { name: placed.body.id }).click();

    const detail = page.getByRole('region', { name: 'Order detail' });
    await expectSoon(async () => {
      const text = await detail.innerText();
      expect(text).toContain(`3 × ${productId}`);
      expect(text).toContain('42.00');
      expect(text).toContain('detail@example.com');
      expect(text).toMatch(/Last updated/);
      expect(text).toMatch(/email to detail@example\.com: order_confirmation, SENT/);
    });
  });
});

describe('the Inventory page', () => {
  it('when the admin token is given and a stock is set, then the new stock shows', async () => {
    const productId = await system.createProduct(5);
    await open('/inventory');
    await enterToken();

    await page.getByLabel(`New stock for ${productId}`).fill('17');
    await page
      .getByRole('row')
      .filter({ hasText: productId })
      .getByRole('button', { name: 'Set stock' })
      .click();

    await expectSoon(async () => {
      const cells = page.getByRole('row').filter({ hasText: productId }).getByRole('cell');
      expect(await cells.nth(2).innerText()).toBe('17');
    });
    expect((await call('GET', system.inventory(`/${productId}`))).body.available).toBe(17);
  });

  it('when a product is added through its form, then it is listed', async () => {
    const productId = `${system.env.runId}-added`;
    await open('/inventory');
    await enterToken();

    await page.getByLabel('Product id', { exact: true }).fill(productId);
    await page.getByLabel('Name', { exact: true }).fill('Added in the browser');
    await page.getByLabel('Stock', { exact: true }).fill('4');
    await page.getByRole('button', { name: 'Add product' }).click();

    await expectSoon(async () =>
      expect(await page.getByRole('row').filter({ hasText: productId }).innerText()).toContain(
        'Added in the browser',
      ),
    );
  });

  it('when there is no token, then the admin actions are disabled; a wrong one gives a 401 in words', async () => {
    const productId = await system.createProduct(5);
    await open('/inventory');
    const setStock = page
      .getByRole('row')
      .filter({ hasText: productId })
      .getByRole('button', { name: 'Set stock' });
    await setStock.waitFor({ timeout: SEEN_WITHIN_MS });
    expect(await setStock.isDisabled()).toBe(true);
    expect(await page.getByRole('button', { name: 'Add product' }).isDisabled()).toBe(true);

    await enterToken('not-the-token');
    await page.getByLabel(`New stock for ${productId}`).fill('3');
    await setStock.click();

    await expectSoon(async () =>
      expect(await page.getByRole('alert').allInnerTexts()).toContain(
        'The admin token is missing or wrong: enter it above (401).',
      ),
    );
    expect((await call('GET', system.inventory(`/${productId}`))).body.available).toBe(5);
  });
});

describe('the Dead letters page', () => {
  const poison = () => publishOrderServicePoison(probe, 'e2e-console');

  /** When the order service last dead-lettered the event (0 when it is not in its DLQ). */
  async function failedAt(eventId: string): Promise<number> {
    const { body } = await call('GET', `${system.url('order-service')}/api/admin/dlq?limit=100`, {
      admin: true,
    });
    const letter = body.items.find((item: { eventId: string }) => item.eventId === eventId);
    return letter ? Date.parse(letter.failedAt) : 0;
  }

  const orderServiceTable = () => page.getByRole('table', { name: 'order-service' });
  const letterRow = (eventId: string) =>
    orderServiceTable().getByRole('row').filter({ hasText: eventId });

  it('when a poisoned message is replayed, poisoned again and discarded, then the table follows each step', async () => {
    const eventId = await poison();
    await open('/dead-letters');
    await enterToken();
    await expectSoon(async () => expect(await letterRow(eventId).count()).toBe(1));
    expect(await letterRow(eventId).innerText()).toContain('inventory.status.updated');

    // Replayed, it fails again (the order still does not exist) and is back in the DLQ.
    const before = await failedAt(eventId);
    await letterRow(eventId).getByRole('button', { name: 'Replay' }).click();
    await expectSoon(async () => expect(await failedAt(eventId)).toBeGreaterThan(before));
    await expectSoon(async () => expect(await letterRow(eventId).count()).toBe(1));

    await letterRow(eventId).getByRole('button', { name: 'Discard' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('button', { name: 'Keep' }).click();
    expect(await dialog.count()).toBe(0);
    expect(await letterRow(eventId).count()).toBe(1);

    await letterRow(eventId).getByRole('button', { name: 'Discard' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Discard' }).click();

    await expectSoon(async () => expect(await letterRow(eventId).count()).toBe(0));
    const { body } = await call('GET', `${system.url('order-service')}/api/admin/dlq`, {
      admin: true,
    });
    expect(body.items.map((item: { eventId: string }) => item.eventId)).not.toContain(eventId);
  });

  it('when Replay all and Discard all are used, then the whole queue is worked', async () => {
    const eventIds = [await poison(), await poison()];
    await open('/dead-letters');
    await enterToken();
    await expectSoon(async () => {
      for (const eventId of eventIds) expect(await letterRow(eventId).count()).toBe(1);
    });
    const section = page.getByRole('region', { name: 'order-service' });

    const before = await Promise.all(eventIds.map(failedAt));
    await section.getByRole('button', { name: 'Replay all' }).click();
    await expectSoon(async () => {
      for (const [index, eventId] of eventIds.entries()) {
        expect(await failedAt(eventId)).toBeGreaterThan(before[index]);
      }
    });
    // Back in the queue: the table shows them again within its refresh.
    await expectSoon(async () => {
      for (const eventId of eventIds) expect(await letterRow(eventId).count()).toBe(1);
    });

    await section.getByRole('button', { name: 'Discard all' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Discard' }).click();

    await expectSoon(async () => {
      for (const eventId of eventIds) expect(await letterRow(eventId).count()).toBe(0);
    });
  });
});

describe('every page', () => {
  it.each([1280, 390])(
    'when the window is %i px wide, then it loads directly, has no sideways scroll, and is saved as a screenshot',
    async (width) => {
      await page.setViewportSize({ width, height: 900 });
      for (const [path, name] of [
        ['/', 'Orders'],
        ['/inventory', 'Inventory'],
        ['/dead-letters', 'Dead letters'],
      ] as const) {
        await open(path);
        await enterToken();
        await page.getByRole('heading', { level: 1, name }).waitFor({ timeout: SEEN_WITHIN_MS });
        for (const link of ['Orders', 'Inventory', 'Dead letters']) {
          expect(await page.getByRole('link', { name: link, exact: true }).count()).toBe(1);
        }
        // Let the live tables fill before the picture is taken.
        await page.getByRole('table').first().waitFor({ timeout: SEEN_WITHIN_MS });
        expect(await horizontalOverflow(page)).toBe(0);
        await screenshot(page, name.toLowerCase().replace(' ', '-'));
      }
    },
  );

  it('when a page asks for something, then it asks the console alone (nothing from other hosts)', async () => {
    const hosts = new Set<string>();
    page.on('request', (request) => hosts.add(new URL(request.url()).host));
    for (const path of ['/', '/inventory', '/dead-letters']) {
      await open(path);
      await page.getByRole('heading', { level: 1 }).waitFor({ timeout: SEEN_WITHIN_MS });
    }
    expect([...hosts]).toEqual([new URL(consoleServer.url).host]);
  });
});
