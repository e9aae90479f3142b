import { productChangedEvent } from '@ecommerce/shared/testing';
import { PriceChangedError } from '../../src/domain/order-errors';
import type { ProductPrice } from '../../src/domain/product-price';
import {
  checkExpectedTotal,
  priceChange,
  priceFrom,
  priceOrder,
} from '../../src/domain/pricing-rules';

const at = new Date('2026-12-04T12:00:00Z');
const entry = (productId: string, price: number, currency = 'EUR'): [string, ProductPrice] => [
  productId,
  { productId, name: productId, price, currency, version: 1, createdAt: at, updatedAt: at },
];

describe('priceOrder', () => {
  const prices = new Map([entry('a', 19.99), entry('b', 0.07), entry('usd', 1, 'USD')]);

  it('when lines are priced, then each gets its unit price and the total is their exact sum', () => {
    expect(
      priceOrder(
        [
          { productId: 'a', quantity: 3 },
          { productId: 'b', quantity: 7 },
        ],
        prices,
      ),
    ).toEqual({
      products: [
        { productId: 'a', quantity: 3, unitPrice: 19.99 },
        { productId: 'b', quantity: 7, unitPrice: 0.07 },
      ],
      totalPrice: 60.46, // 59.97 + 0.49; 3 * 19.99 + 7 * 0.07 is 60.459999999999994 in floating point
      currency: 'EUR',
    });
  });

  it('when every unknown product is named, then the error lists them all', () => {
    expect(() =>
      priceOrder(
        [
          { productId: 'x', quantity: 1 },
          { productId: 'a', quantity: 1 },
          { productId: 'y', quantity: 1 },
        ],
        prices,
      ),
    ).toThrow('Unknown products: x, y');
  });

  it('when currencies differ, then MIXED_CURRENCIES names them', () => {
    expect(() =>
      priceOrder(
        [
          { productId: 'a', quantity: 1 },
          { productId: 'usd', quantity: 1 },
        ],
        prices,
      ),
    ).toThrow(
      expect.objectContaining({
        code: 'MIXED_CURRENCIES',
        details: { currencies: ['EUR', 'USD'] },
      }),
    );
  });
});

describe('checkExpectedTotal', () => {
  const order = { products: [], totalPrice: 0.3, currency: 'EUR' };

  it('when no total or the same total is sent, then it passes (0.1 + 0.2 counts as 0.3)', () => {
    expect(() => checkExpectedTotal(undefined, order)).not.toThrow();
    expect(() => checkExpectedTotal(0.3, order)).not.toThrow();
    expect(() => checkExpectedTotal(0.1 + 0.2, order)).not.toThrow();
  });

  it('when another total is sent, then PRICE_CHANGED carries the current one', () => {
    expect(() => checkExpectedTotal(0.31, order)).toThrow(PriceChangedError);
    expect(() => checkExpectedTotal(0.31, order)).toThrow(
      expect.objectContaining({ details: { totalPrice: 0.3, currency: 'EUR' } }),
    );
  });
});

describe('priceChange', () => {
  const current: ProductPrice = { ...entry('a', 10)[1], version: 5 };

  it('when the announcement is newer, then the entry takes it with its sequence as version', () => {
    const event = productChangedEvent('a', 12, { name: 'A', sequence: 6 });
    const later = new Date('2026-12-04T13:00:00Z');
    // It keeps when the list first had the product.
    expect(priceChange(event, later)(current)).toEqual({
      next: { ...priceFrom(event, later), createdAt: at },
    });
    expect(priceFrom(event, at)).toEqual({
      productId: 'a',
      name: 'A',
      price: 12,
      currency: 'EUR',
      version: 6,
      createdAt: at,
      updatedAt: at,
    });
  });

  it.each([5, 4])(
    'when the announcement is sequence %i, not newer, then nothing changes',
    (sequence) => {
      expect(priceChange(productChangedEvent('a', 12, { sequence }), at)(current)).toBeNull();
    },
  );
});
