import type { ServiceUnderTest } from '@ecommerce/shared/testing';
import { eventually, productChangedEvent } from '@ecommerce/shared/testing';

let lastSequence = Date.now();

/**
 * Plays the inventory: announces each product at its price (`product.changed`, each newer than
 * any announced before) and waits until the order service's price list has them all.
 */
export async function announcePrices(
  subject: ServiceUnderTest,
  prices: Record<string, number>,
  currency = 'EUR',
): Promise<void> {
  for (const [productId, price] of Object.entries(prices)) {
    lastSequence += 1;
    await subject.probe.publish(
      productChangedEvent(productId, price, { currency, sequence: lastSequence }),
    );
  }
  await eventually(async () => {
    for (const [productId, price] of Object.entries(prices)) {
      const response = await subject.api().get(`/api/prices/${productId}`);
      expect(response.body).toMatchObject({ price, currency });
    }
  });
}
