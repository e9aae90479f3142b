import { emptyOrderForm, orderRequestOf, totalOf } from '../../src/web/order-form';
import type { OrderForm, PricedProduct } from '../../src/web/order-form';

const laptop: PricedProduct = {
  productId: 'prod1',
  name: 'Laptop',
  price: 999.99,
  currency: 'EUR',
};
const dime: PricedProduct = { productId: 'dime', name: 'Dime', price: 0.1, currency: 'EUR' };
const cable: PricedProduct = { productId: 'cable', name: 'Cable', price: 5, currency: 'USD' };

const filled = (patch: Partial<OrderForm> = {}): OrderForm => ({
  ...emptyOrderForm(),
  userId: ' alice ',
  lines: [{ product: laptop, quantity: '2' }],
  ...patch,
});

describe('orderRequestOf', () => {
  it('when the form is filled, then it is the body of POST /api/orders with the total it showed, trimmed and typed', () => {
    expect(orderRequestOf(filled({ email: ' a@example.com ', phone: '' }))).toEqual({
      request: {
        userId: 'alice',
        products: [{ productId: 'prod1', quantity: 2 }],
        totalPrice: 1999.98,
        contact: { email: 'a@example.com' },
      },
    });
  });

  it('when no contact is given, then the body has none', () => {
    const outcome = orderRequestOf(filled());
    expect('request' in outcome && outcome.request).not.toHaveProperty('contact');
  });

  it.each([
    [{ userId: '  ' }, 'Enter a user.'],
    [{ lines: [{ quantity: '1' }] }, 'Choose a product.'],
    [
      { lines: [{ product: laptop, quantity: '0' }] },
      'The quantity must be a whole number of at least 1.',
    ],
    [
      { lines: [{ product: laptop, quantity: '1.5' }] },
      'The quantity must be a whole number of at least 1.',
    ],
    [
      { lines: [{ product: laptop, quantity: '1' }, { quantity: '1' }] },
      'Choose a product on line 2.',
    ],
    [
      {
        lines: [
          { product: laptop, quantity: '1' },
          { product: cable, quantity: '1' },
        ],
      },
      'The products are priced in EUR and USD: one currency an order.',
    ],
  ])('when the form has %j, then it says "%s"', (patch, problem) => {
    expect(orderRequestOf(filled(patch))).toEqual({ problem });
  });
});

describe('totalOf', () => {
  it('when lines are priced, then the total is summed exactly, in minor units', () => {
    expect(totalOf([{ product: dime, quantity: '3' }])).toEqual({
      totalPrice: 0.3,
      currency: 'EUR',
    });
    expect(
      totalOf([
        { product: laptop, quantity: '2' },
        { product: dime, quantity: '1' },
      ]),
    ).toEqual({ totalPrice: 2000.08, currency: 'EUR' });
  });

  it('when no line is complete yet, then there is no total', () => {
    expect(totalOf([{ quantity: '1' }, { product: laptop, quantity: '' }])).toEqual({
      empty: true,
    });
  });
});
