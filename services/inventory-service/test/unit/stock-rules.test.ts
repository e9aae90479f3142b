import type { StockedProduct } from '../../src/domain/inventory';
import { revise } from '../../src/domain/catalogue-rules';
import { commitHold, holdUnits, releaseHold } from '../../src/domain/stock-rules';

// Each stock step must be a no-op when repeated, whatever other orders hold the same product.

const now = new Date('2024-01-01T00:00:00Z');
const product = (available: number): StockedProduct => ({
  productId: 'p',
  name: 'P',
  price: 10,
  currency: 'EUR',
  available,
  reserved: 0,
  holds: [],
  createdAt: now,
  updatedAt: now,
});

/** Applies the steps in order, as the product's store does. */
function apply(
  start: StockedProduct,
  ...steps: Array<(p: StockedProduct) => { next?: StockedProduct } | null>
) {
  return steps.reduce((state, step) => step(state)?.next ?? state, start);
}

describe('when an order holds a product that other orders hold too', () => {
  it('then holding it again (a redelivered reservation) takes nothing more', () => {
    const held = apply(product(5), holdUnits('a', 1, now), holdUnits('b', 2, now));
    expect(holdUnits('a', 1, now)(held)).toEqual({ result: { held: true, placed: false } });
    expect(held).toMatchObject({ available: 2, reserved: 3 });
    expect(held.holds).toEqual([
      { orderId: 'a', quantity: 1 },
      { orderId: 'b', quantity: 2 },
    ]);
  });

  it('then releasing or committing twice gives back or takes out once', () => {
    const settled = apply(
      product(4),
      holdUnits('c', 1, now),
      holdUnits('d', 2, now),
      releaseHold('c', now),
      releaseHold('c', now),
      commitHold('d', now),
      commitHold('d', now),
    );
    expect(settled).toMatchObject({ available: 2, reserved: 0, holds: [] });
  });

  it('then a shortfall reports what is available and changes nothing', () => {
    const held = apply(product(1), holdUnits('e', 1, now));
    expect(holdUnits('f', 1, now)(held)).toEqual({ result: { held: false, available: 0 } });
  });

  it('then a release with no hold writes nothing', () => {
    expect(releaseHold('nobody', now)(product(3))).toBeNull();
    expect(commitHold('nobody', now)(product(3))).toBeNull();
  });

  it('then setting the stock keeps the holds', () => {
    const held = apply(product(5), holdUnits('g', 2, now));
    expect(revise({ quantity: 10, name: 'New' }, 'corr-1', now)(held).next).toMatchObject({
      available: 10,
      reserved: 2,
      name: 'New',
      holds: [{ orderId: 'g', quantity: 2 }],
    });
  });
});
