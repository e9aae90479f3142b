import { PermanentError } from '../../src/errors/app-error';
import type { EventDataByType, EventType } from '../../src/events/catalogue';
import type { EventEnvelope } from '../../src/events/envelope';
import { CURRENT_SCHEMA_VERSION, createEvent, parseEvent } from '../../src/events/envelope';

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** Full (every optional field) and minimal data for every event of the catalogue. */
const fullData: { [T in EventType]: EventDataByType[T] } = {
  'order.created': {
    orderId: 'order-1',
    userId: 'user-1',
    products: [
      { productId: 'prod1', quantity: 1, unitPrice: 999.99 },
      { productId: 'SKU_2.b-3', quantity: 1000, unitPrice: 0 },
    ],
    totalPrice: 999.99,
    currency: 'EUR',
    contact: { email: 'ada@example.com', phone: '+4915112345678' },
  },
  'inventory.status.updated': {
    orderId: 'order-1',
    status: 'FAILURE',
    reason: 'Insufficient inventory for product prod2: requested 2, available 0',
  },
  'order.status.updated': {
    orderId: 'order-1',
    userId: 'user-1',
    status: 'CANCELLED',
    previousStatus: 'PENDING',
    reason: 'Cancelled by customer',
    totalPrice: 0,
    currency: 'JPY',
    contact: { email: 'ada@example.com' },
  },
  'product.changed': { productId: 'prod1', name: 'Laptop', price: 999.99, currency: 'EUR' },
  'catalogue.requested': { requestId: 'request-1' },
  'notification.requested': { notificationId: 'notification-1' },
};

const minimalData: { [T in EventType]: EventDataByType[T] } = {
  'order.created': {
    orderId: 'order-1',
    userId: 'user-1',
    products: [{ productId: 'prod1', quantity: 1, unitPrice: 0 }],
    totalPrice: 0,
    currency: 'EUR',
  },
  'inventory.status.updated': { orderId: 'order-1', status: 'SUCCESS' },
  'order.status.updated': {
    orderId: 'order-1',
    userId: 'user-1',
    status: 'CONFIRMED',
    previousStatus: 'PENDING',
    totalPrice: 10,
    currency: 'USD',
  },
  'product.changed': { productId: 'p', name: 'P', price: 0.01, currency: 'GBP' },
  'catalogue.requested': { requestId: 'request-1' },
  'notification.requested': { notificationId: 'notification-1' },
};

/** Every event type of the catalogue: fullData has each, its type says so. */
const eventTypes = Object.keys(fullData) as EventType[];

function eventOf<T extends EventType>(eventType: T, data: EventDataByType[T]): EventEnvelope<T> {
  return createEvent({
    eventType,
    source: 'order-service',
    aggregateId: 'order-1',
    sequence: 1,
    correlationId: 'corr-1',
    data,
  });
}

/** A valid order.created envelope as plain JSON, to break one field at a time. */
function validWire(): Record<string, unknown> {
  return JSON.parse(JSON.stringify(eventOf('order.created', fullData['order.created'])));
}

function failureOf(body: Buffer | string): PermanentError {
  try {
    parseEvent(body);
  } catch (error) {
    expect(error).toBeInstanceOf(PermanentError);
    return error as PermanentError;
  }
  throw new Error('expected parseEvent to throw');
}

const withData = (data: unknown) => JSON.stringify({ ...validWire(), data });

describe('createEvent', () => {
  afterEach(() => jest.useRealTimers());

  it('when an event is created, then it carries the envelope fields of the contract', () => {
    jest.useFakeTimers({ now: new Date('2024-05-06T07:08:09.010Z') });

    const event = createEvent({
      eventType: 'inventory.status.updated',
      source: 'inventory-service',
      aggregateId: 'order-7',
      sequence: 3,
      correlationId: 'corr-7',
      causationId: 'cause-7',
      data: { orderId: 'order-7', status: 'SUCCESS' },
    });

    expect(event).toEqual({
      eventId: expect.stringMatching(UUID_V4),
      eventType: 'inventory.status.updated',
      schemaVersion: 1,
      occurredAt: '2024-05-06T07:08:09.010Z',
      source: 'inventory-service',
      correlationId: 'corr-7',
      causationId: 'cause-7',
      aggregateId: 'order-7',
      sequence: 3,
      data: { orderId: 'order-7', status: 'SUCCESS' },
    });
    expect(CURRENT_SCHEMA_VERSION).toBe(1);
  });

  it('when no causation id is given, then causationId is null', () => {
    expect(
      eventOf('inventory.status.updated', minimalData['inventory.status.updated']),
    ).toHaveProperty('causationId', null);
    const explicitUndefined = createEvent({
      eventType: 'inventory.status.updated',
      source: 'inventory-service',
      aggregateId: 'order-1',
      sequence: 1,
      correlationId: 'corr-1',
      causationId: undefined,
      data: minimalData['inventory.status.updated'],
    });
    expect(explicitUndefined.causationId).toBeNull();
  });

  it('when two events are created, then each gets its own event id', () => {
    const first = eventOf('order.created', minimalData['order.created']);
    const second = eventOf('order.created', minimalData['order.created']);
    expect(first.eventId).not.toBe(second.eventId);
  });
});

describe('parseEvent', () => {
  it.each(eventTypes)(
    'when a valid %s event with every field arrives, then it parses to the same event',
    (type) => {
      const event = eventOf(type, fullData[type]);
      expect(parseEvent(JSON.stringify(event))).toEqual(event);
    },
  );

  it.each(eventTypes)(
    'when a valid %s event with only required fields arrives, then it parses',
    (type) => {
      const event = eventOf(type, minimalData[type]);
      expect(parseEvent(JSON.stringify(event))).toEqual(event);
    },
  );

  it('when the body is a Buffer, then it is parsed like a string', () => {
    const event = eventOf('order.created', fullData['order.created']);
    expect(parseEvent(Buffer.from(JSON.stringify(event)))).toEqual(event);
  });

  it('when an event has a causation id, then it is kept', () => {
    const event = { ...validWire(), causationId: 'cause-1' };
    expect(parseEvent(JSON.stringify(event)).causationId).toBe('cause-1');
  });

  it.each(['not json{', '', '{"eventId": ', Buffer.from([0xff, 0xfe, 0x00])])(
    'when the body is not JSON (%p), then it is a PermanentError saying so',
    (body) => {
      expect(failureOf(body).message).toBe('Message body is not valid JSON');
    },
  );

  it.each(['42', 'null', '"order.created"', '[]'])(
    'when the body is JSON but not an object (%s), then it is an invalid envelope',
    (body) => {
      expect(failureOf(body).message).toMatch(/^Invalid event envelope: /);
    },
  );

  it.each([
    'eventId',
    'eventType',
    'schemaVersion',
    'occurredAt',
    'source',
    'correlationId',
    'causationId',
    'aggregateId',
    'sequence',
    'data',
  ])('when the envelope lacks %s, then the error names the missing field', (field) => {
    const wire = validWire();
    delete wire[field];
    expect(failureOf(JSON.stringify(wire)).message).toBe(
      `Invalid event envelope: "${field}" is required`,
    );
  });

  it('when several envelope fields are missing, then the error names all of them', () => {
    const wire = validWire();
    delete wire.eventId;
    delete wire.correlationId;
    const { message } = failureOf(JSON.stringify(wire));
    expect(message).toMatch(/^Invalid event envelope: /);
    expect(message).toContain('"eventId" is required');
    expect(message).toContain('"correlationId" is required');
  });

  it.each([2, 0, 1.5, 'v1'])(
    'when schemaVersion is %p, then the error names schemaVersion',
    (version) => {
      const { message } = failureOf(JSON.stringify({ ...validWire(), schemaVersion: version }));
      expect(message).toMatch(/^Invalid event envelope: .*"schemaVersion"/);
    },
  );

  it('when schemaVersion is a newer version, then the error says which version is accepted', () => {
    const { message } = failureOf(JSON.stringify({ ...validWire(), schemaVersion: 2 }));
    expect(message).toBe('Invalid event envelope: "schemaVersion" must be [1]');
  });

  it.each([
    ['sequence', 0],
    ['sequence', 1.5],
    ['occurredAt', 'yesterday'],
    ['eventId', ''],
    ['source', ''],
    ['causationId', ''],
    ['data', 'not an object'],
    ['data', null],
  ])(
    'when %s is %p, then the envelope is invalid and the error names the field',
    (field, value) => {
      const { message } = failureOf(JSON.stringify({ ...validWire(), [field]: value }));
      expect(message).toMatch(/^Invalid event envelope: /);
      expect(message).toContain(`"${field}"`);
    },
  );

  it('when the event type is unknown, then the error names the type', () => {
    const { message } = failureOf(JSON.stringify({ ...validWire(), eventType: 'order.deleted' }));
    expect(message).toBe('Unknown event type "order.deleted"');
  });

  it.each(['constructor', '__proto__', 'toString'])(
    'when the event type is an Object property name (%s), then it is unknown',
    (eventType) => {
      expect(failureOf(JSON.stringify({ ...validWire(), eventType })).message).toBe(
        `Unknown event type "${eventType}"`,
      );
    },
  );

  it('when a quantity is 0, then the error names the line and the rule', () => {
    const data = {
      ...fullData['order.created'],
      products: [{ productId: 'prod1', quantity: 0, unitPrice: 1 }],
    };
    expect(failureOf(withData(data)).message).toBe(
      'Invalid order.created data: "products[0].quantity" must be greater than or equal to 1',
    );
  });

  it.each(['prod 1', 'prod/1', '', 'p'.repeat(65), '$gt'])(
    'when a product id is %p, then the data is invalid and the error names productId',
    (productId) => {
      const data = { ...fullData['order.created'], products: [{ productId, quantity: 1 }] };
      const { message } = failureOf(withData(data));
      expect(message).toMatch(/^Invalid order\.created data: /);
      expect(message).toContain('"products[0].productId"');
    },
  );

  it('when a product id has a forbidden character, then the error mentions the product id pattern', () => {
    const data = { ...fullData['order.created'], products: [{ productId: 'prod 1', quantity: 1 }] };
    expect(failureOf(withData(data)).message).toContain('product id pattern');
  });

  it.each([
    [
      'a quantity that is not whole',
      { products: [{ productId: 'prod1', quantity: 1.5 }] },
      'quantity',
    ],
    ['no products', { products: [] }, 'products'],
    ['a negative total price', { totalPrice: -1 }, 'totalPrice'],
    ['no user id', { userId: undefined }, 'userId'],
  ])('when order.created data has %s, then the error names %s', (_case, change, field) => {
    const data = { ...fullData['order.created'], ...change };
    const { message } = failureOf(withData(data));
    expect(message).toMatch(/^Invalid order\.created data: /);
    expect(message).toContain(field);
  });

  it('when an envelope or its data carries fields this consumer does not know, then they are dropped', () => {
    const data = {
      ...fullData['order.created'],
      giftWrap: true,
      contact: { email: 'a@b.co', fax: '1' },
    };
    const event = parseEvent(JSON.stringify({ ...validWire(), traceId: 'abc', data }));
    expect(event).not.toHaveProperty('traceId');
    expect(event.data).not.toHaveProperty('giftWrap');
    expect(event.data).toMatchObject({ contact: { email: 'a@b.co' } });
    expect((event.data as { contact?: object }).contact).not.toHaveProperty('fax');
  });

  it('when data has several problems, then the error lists all of them', () => {
    const data = {
      ...fullData['order.created'],
      products: [{ productId: 'bad id', quantity: 0 }],
      totalPrice: -1,
    };
    const { message } = failureOf(withData(data));
    expect(message).toContain('"products[0].productId"');
    expect(message).toContain('"products[0].quantity"');
    expect(message).toContain('"totalPrice"');
  });

  it('when inventory.status.updated has an unknown status, then the data is invalid', () => {
    const wire = {
      ...validWire(),
      eventType: 'inventory.status.updated',
      data: { orderId: 'order-1', status: 'MAYBE' },
    };
    expect(failureOf(JSON.stringify(wire)).message).toBe(
      'Invalid inventory.status.updated data: "status" must be one of [SUCCESS, FAILURE]',
    );
  });

  it('when order.status.updated announces PENDING, then the data is invalid', () => {
    const wire = {
      ...validWire(),
      eventType: 'order.status.updated',
      data: { ...minimalData['order.status.updated'], status: 'PENDING' },
    };
    expect(failureOf(JSON.stringify(wire)).message).toBe(
      'Invalid order.status.updated data: "status" must be one of [CONFIRMED, CANCELLED]',
    );
  });

  it('when the data belongs to another event type, then it fails the declared type', () => {
    const wire = { ...validWire(), data: minimalData['inventory.status.updated'] };
    expect(failureOf(JSON.stringify(wire)).message).toMatch(/^Invalid order\.created data: /);
  });

  it('when a price has more than two decimals or an unknown currency, then the data is invalid', () => {
    const wire = (data: object) =>
      JSON.stringify({ ...validWire(), eventType: 'product.changed', data });
    const product = fullData['product.changed'];
    expect(failureOf(wire({ ...product, price: 9.999 })).message).toBe(
      'Invalid product.changed data: "price" must have at most two decimals',
    );
    expect(failureOf(wire({ ...product, currency: 'XYZ' })).message).toBe(
      'Invalid product.changed data: "currency" must be an ISO 4217 currency code, such as EUR',
    );
    expect(failureOf(wire({ ...product, price: '9.99' })).message).toBe(
      'Invalid product.changed data: "price" must be a number',
    );
  });
});
