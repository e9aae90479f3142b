import { emptyOrderForm, orderRequestOf } from '../../src/web/order-form';
import type { OrderForm } from '../../src/web/order-form';

const filled = (patch: Partial<OrderForm> = {}): OrderForm => ({
  ...emptyOrderForm(),
  userId: ' alice ',
  lines: [{ productId: 'prod1', quantity: '2' }],
  totalPrice: '19.90',
  ...patch,
});

describe('orderRequestOf', () => {
  it('when the form is filled, then it is the body of POST /api/orders, trimmed and typed', () => {
    expect(orderRequestOf(filled({ email: ' a@example.com ', phone: '' }))).toEqual({
      request: {
        userId: 'alice',
        products: [{ productId: 'prod1', quantity: 2 }],
        totalPrice: 19.9,
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
    [{ lines: [{ productId: '', quantity: '1' }] }, 'Choose a product.'],
    [
      { lines: [{ productId: 'prod1', quantity: '0' }] },
      'The quantity must be a whole number of at least 1.',
    ],
    [
      { lines: [{ productId: 'prod1', quantity: '1.5' }] },
      'The quantity must be a whole number of at least 1.',
    ],
    [
      {
        lines: [
          { productId: 'prod1', quantity: '1' },
          { productId: '', quantity: '1' },
        ],
      },
      'Choose a product on line 2.',
    ],
    [{ totalPrice: '' }, 'The total must be a number of at least 0.'],
    [{ totalPrice: '-1' }, 'The total must be a number of at least 0.'],
    [{ totalPrice: 'abc' }, 'The total must be a number of at least 0.'],
  ])('when the form has %j, then it says "%s"', (patch, problem) => {
    expect(orderRequestOf(filled(patch))).toEqual({ problem });
  });
});
