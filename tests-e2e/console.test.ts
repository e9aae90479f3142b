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

/**
 * Finds `productId` in the order form by typing (part of) it into the line's Product field, and
 * chooses it among the matches, which show its price.
 */
async function chooseProduct(productId: string, label = 'Product', typed = productId) {
  await page.getByLabel(label, { exact: true }).fill(typed);
  const match = page
    .getByRole('list', { name: `Products matching ${typed}` })
    .getByRole('button')
    .filter({ hasText: `(${productId})` });
  await match.click({ timeout: SEEN_WITHIN_MS });
}

/** Fills the order form for one line of `productId`. */
async function fillOrderForm(productId: string, quantity: number, userId = 'console-user') {
  await page.getByLabel('User', { exact: true }).fill(userId);
  await chooseProduct(productId);
  await page.getByLabel('Quantity', { exact: true }).fill(String(quantity));
}

/** Places an order through the form; returns the id the page reports. */
async function placeThroughForm(productId: string, quantity: number): Promise<string> {
  await fillOrderForm(productId, quantity);
  return placeOrderFromFilledForm();
}

/** Clicks Place order on a filled form; returns the id the page reports. */
async function placeOrderFromFilledForm(): Promise<string> {
  await page.getByRole('button', { name: 'Place order' }).click();
  const placed = page.getByRole('status').filter({ hasText: 'placed' });
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

  it('when a product is found by part of its name, then its price and the computed total show, and the order is placed at that total', async () => {
    const productId = await system.createProduct(5, 0.1);
    const name = `Silver dime ${randomUUID().slice(0, 8)}`;
    await call('PATCH', system.inventory(`/${productId}`), { admin: true, body: { name } });
    await open('/');
    await page.getByLabel('User', { exact: true }).fill('console-user');

    // Found by its name alone, whatever the case.
    await expectSoon(async () =>
      expect((await call('GET', system.prices(`/${productId}`))).body.name).toBe(name),
    );
    await chooseProduct(productId, 'Product', name.toLowerCase().slice(7));
    await page.getByLabel('Quantity', { exact: true }).fill('3');

    await expectSoon(async () => {
      expect(await page.getByText('0.10 EUR each').count()).toBe(1);
      expect(await page.getByLabel('Total', { exact: true }).innerText()).toBe('0.30 EUR');
    });
    const orderId = await placeOrderFromFilledForm();
    expect((await call('GET', system.orders(`/${orderId}`))).body).toMatchObject({
      totalPrice: 0.3,
      currency: 'EUR',
      products: [{ productId, quantity: 3, unitPrice: 0.1 }],
    });
  });

  it('when the price changed after the form showed it, then the order is refused, the new total shows, and a second try places it', async () => {
    const productId = await system.createProduct(5, 10);
    await open('/');
    await fillOrderForm(productId, 2);
    await expectSoon(async () =>
      expect(await page.getByLabel('Total', { exact: true }).innerText()).toBe('20.00 EUR'),
    );
    await call('PATCH', system.inventory(`/${productId}`), { admin: true, body: { price: 12 } });
    await system.priceKnown(productId, 12);

    await page.getByRole('button', { name: 'Place order' }).click();

    await expectSoon(async () => {
      expect(await page.getByRole('alert').innerText()).toContain('The total is 24 EUR');
      expect(await page.getByLabel('Total', { exact: true }).innerText()).toBe('24.00 EUR');
    });
    const orderId = await placeOrderFromFilledForm();
    expect((await call('GET', system.orders(`/${orderId}`))).body.totalPrice).toBe(24);
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
      // The form prices from the order service's own list: it works without the inventory.
      await chooseProduct(productId);
      expect(await page.getByRole('alert').count()).toBe(0);
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

    await page
      .getByRole('status')
      .filter({ hasText: 'placed' })
      .waitFor({ timeout: SEEN_WITHIN_MS });
    await expectSoon(async () =>
      expect((await call('GET', system.orders(`?userId=${userId}`))).body.total).toBe(1),
    );
  });

  it('when a second line is added, then the order holds both products, and the status filter finds it', async () => {
    const [first, second] = [await system.createProduct(5), await system.createProduct(5)];
    await open('/');
    await fillOrderForm(first, 1);
    await page.getByRole('button', { name: 'Add line' }).click();
    await chooseProduct(second, 'Product 2');
    await page.getByLabel('Quantity 2', { exact: true }).fill('2');
    await expectSoon(async () =>
      expect(await page.getByLabel('Total', { exact: true }).innerText()).toBe('3.00 EUR'),
    );

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
    await chooseProduct(productId);
    await page.getByLabel('Phone', { exact: true }).fill('not a phone');

    await page.getByRole('button', { name: 'Place order' }).click();

    const alert = page.getByRole('alert');
    await alert.waitFor({ timeout: SEEN_WITHIN_MS });
    expect(await alert.innerText()).toMatch(/phone/i);
    expect(await alert.innerText()).not.toContain('{');
  });

  it('when an order id is clicked, then its lines, total, contact, times, history and (with the token) notifications show', async () => {
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
      expect(text).toContain(`3 × ${productId} at 14.00 EUR`);
      expect(text).toContain('42.00 EUR');
      expect(text).toContain('detail@example.com');
      expect(text).toMatch(/Last updated/);
      expect(text).toMatch(/email to detail@example\.com: order_confirmation, SENT/);
    });
    const history = detail.getByRole('list', { name: 'History' }).getByRole('listitem');
    await expectSoon(async () => {
      const steps = await history.allInnerTexts();
      expect(steps).toHaveLength(2);
      expect(steps[0]).toMatch(/^PENDING, .*: order\.created from order-service$/);
      expect(steps[1]).toMatch(
        /^CONFIRMED, .*: inventory\.status\.updated from inventory-service$/,
      );
    });
  });
});

describe('the Inventory page', () => {
  /** The Inventory page, searched for `productId`: its row is on the first page then. */
  async function findOnInventoryPage(productId: string) {
    await page.getByLabel('Find a product').fill(productId);
    const row = page
      .getByRole('row')
      .filter({ has: page.getByRole('cell', { name: productId, exact: true }) });
    await row.waitFor({ timeout: SEEN_WITHIN_MS });
    return row;
  }

  it('when the admin token is given and a stock and a price are set, then they show, and the order service prices with the new price', async () => {
    const productId = await system.createProduct(5, 2.5);
    await open('/inventory');
    await enterToken();
    const row = await findOnInventoryPage(productId);
    expect(await row.getByRole('cell').nth(2).innerText()).toBe('2.50 EUR');

    await page.getByLabel(`New stock for ${productId}`).fill('17');
    await row.getByRole('button', { name: 'Set stock' }).click();
    await page.getByLabel(`New price for ${productId}`).fill('3.75');
    await row.getByRole('button', { name: 'Set price' }).click();

    await expectSoon(async () => {
      const cells = row.getByRole('cell');
      expect(await cells.nth(2).innerText()).toBe('3.75 EUR');
      expect(await cells.nth(3).innerText()).toBe('17');
    });
    expect((await call('GET', system.inventory(`/${productId}`))).body).toMatchObject({
      available: 17,
      price: 3.75,
    });
    await system.priceKnown(productId, 3.75);
  });

  it('when the catalogue has more than a page, then it pages, and a search finds a product by name', async () => {
    for (let i = 0; i < 21; i++) await system.createProduct(1);
    await open('/inventory');
    const status = page.getByText(/^Products 1–20 of \d+\.$/);
    await status.waitFor({ timeout: SEEN_WITHIN_MS });
    const total = Number(/of (\d+)/.exec(await status.innerText())?.[1]);
    expect(total).toBeGreaterThan(20);
    await page.getByRole('button', { name: 'Next page' }).click();
    await page.getByText(`Products 21–${Math.min(40, total)} of ${total}.`).waitFor({
      timeout: SEEN_WITHIN_MS,
    });
    expect(await page.getByRole('button', { name: 'Previous page' }).isDisabled()).toBe(false);

    await page.getByLabel('Find a product').fill('keyboard');
    await page.getByText('Products 1–1 of 1.').waitFor({ timeout: SEEN_WITHIN_MS });
    expect(await page.getByRole('row').filter({ hasText: 'prod3' }).innerText()).toContain(
      'Mechanical Keyboard',
    );
  });

  it('when a product is added through its form, then it is listed', async () => {
    const productId = `${system.env.runId}-added`;
    await open('/inventory');
    await enterToken();

    await page.getByLabel('Product id', { exact: true }).fill(productId);
    await page.getByLabel('Name', { exact: true }).fill('Added in the browser');
    await page.getByLabel('Price', { exact: true }).fill('12.34');
    await page.getByLabel('Stock', { exact: true }).fill('4');
    await page.getByRole('button', { name: 'Add product' }).click();

    await expectSoon(async () =>
      expect(await (await findOnInventoryPage(productId)).innerText()).toContain(
        'Added in the browser',
      ),
    );
    await system.priceKnown(productId, 12.34);
  });

  it('when there is no token, then the admin actions are disabled; a wrong one gives a 401 in words', async () => {
    const productId = await system.createProduct(5);
    await open('/inventory');
    const setStock = (await findOnInventoryPage(productId)).getByRole('button', {
      name: 'Set stock',
    });
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
