import { fingerprintOf } from '../../src/entry-points/api/order-routes';

const body = {
  userId: 'user-1',
  products: [
    { productId: 'prod1', quantity: 1 },
    { productId: 'prod2', quantity: 2 },
  ],
  totalPrice: 999.99,
  contact: { email: 'ada@example.com', phone: '+4915112345678' },
};

describe('fingerprintOf', () => {
  it('when the body is fingerprinted, then it is a sha256 hex digest', () => {
    expect(fingerprintOf(body)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('when the same body is fingerprinted twice, then the fingerprints are equal', () => {
    expect(fingerprintOf(body)).toBe(fingerprintOf(JSON.parse(JSON.stringify(body))));
  });

  it('when only the key order differs, at any depth, then the fingerprints are equal', () => {
    const reordered = {
      contact: { phone: '+4915112345678', email: 'ada@example.com' },
      totalPrice: 999.99,
      products: [
        { quantity: 1, productId: 'prod1' },
        { quantity: 2, productId: 'prod2' },
      ],
      userId: 'user-1',
    };
    expect(fingerprintOf(reordered)).toBe(fingerprintOf(body));
  });

  it('when the body was sent with different whitespace, then the parsed bodies fingerprint alike', () => {
    const compact = JSON.parse(JSON.stringify(body));
    const pretty = JSON.parse(JSON.stringify(body, null, 4));
    expect(fingerprintOf(pretty)).toBe(fingerprintOf(compact));
  });

  it.each([
    ['a quantity', { ...body, products: [{ productId: 'prod1', quantity: 2 }, body.products[1]] }],
    ['the total price', { ...body, totalPrice: 1000 }],
    ['the user', { ...body, userId: 'user-2' }],
    ['the contact', { ...body, contact: { email: 'bob@example.com' } }],
    ['a number to a string', { ...body, totalPrice: '999.99' }],
    ['an extra key', { ...body, note: 'gift' }],
    [
      'a missing key',
      { userId: body.userId, products: body.products, totalPrice: body.totalPrice },
    ],
    ['a value to null', { ...body, contact: null }],
  ])('when %s differs, then the fingerprints differ', (_change, other) => {
    expect(fingerprintOf(other)).not.toBe(fingerprintOf(body));
  });

  it('when the order of array items differs, then the fingerprints differ', () => {
    const swapped = { ...body, products: [body.products[1], body.products[0]] };
    expect(fingerprintOf(swapped)).not.toBe(fingerprintOf(body));
  });

  it('when a string contains JSON punctuation, then it does not collide with a structure', () => {
    expect(fingerprintOf({ a: '1,"b":2' })).not.toBe(fingerprintOf({ a: 1, b: 2 }));
    expect(fingerprintOf({ 'a,b': 1 })).not.toBe(fingerprintOf({ a: 1, b: 1 }));
    expect(fingerprintOf(['a,b'])).not.toBe(fingerprintOf(['a', 'b']));
  });

  it('when values are scalars or empty, then each fingerprint is distinct', () => {
    const fingerprints = [null, 0, '', '0', false, [], {}, [[]], [{}]].map(fingerprintOf);
    expect(new Set(fingerprints).size).toBe(fingerprints.length);
  });
});
