import {
  deliveryTargetsFor,
  newPendingNotification,
  nextDeliveryStep,
  notificationKey,
  orderTemplateVariables,
  templateNameFor,
  templateTypeFor,
  UNKNOWN_CANCELLATION_REASON,
} from '../../src/domain/notification-rules';

describe('when the channels of an order notification are chosen', () => {
  it('then an email and a phone each get their channel', () => {
    expect(deliveryTargetsFor({ email: 'ada@example.com', phone: '+4915112345678' }, 'u1')).toEqual(
      [
        { channel: 'email', recipient: 'ada@example.com' },
        { channel: 'sms', recipient: '+4915112345678' },
      ],
    );
  });

  it('then an email alone gets only email, a phone alone only sms', () => {
    expect(deliveryTargetsFor({ email: 'ada@example.com' }, 'u1')).toEqual([
      { channel: 'email', recipient: 'ada@example.com' },
    ]);
    expect(deliveryTargetsFor({ phone: '+4915112345678' }, 'u1')).toEqual([
      { channel: 'sms', recipient: '+4915112345678' },
    ]);
  });

  it.each([
    ['no contact', undefined],
    ['an empty contact', {}],
    ['empty strings', { email: '', phone: '' }],
  ])('then %s gives a single log record to the user', (_case, contact) => {
    expect(deliveryTargetsFor(contact, 'user-7')).toEqual([
      { channel: 'log', recipient: 'user-7' },
    ]);
  });
});

describe('when the template of an order notification is chosen', () => {
  it('then CONFIRMED is order_confirmation and CANCELLED is order_cancelled', () => {
    expect(templateNameFor('CONFIRMED')).toBe('order_confirmation');
    expect(templateNameFor('CANCELLED')).toBe('order_cancelled');
  });

  it('then sms uses the sms template, and email and log the email template', () => {
    expect(templateTypeFor('sms')).toBe('sms');
    expect(templateTypeFor('email')).toBe('email');
    expect(templateTypeFor('log')).toBe('email');
  });

  it('then the variables carry the total with two decimals and its currency, and a cancellation reason', () => {
    expect(
      orderTemplateVariables({
        orderId: 'o1',
        totalPrice: 5,
        currency: 'EUR',
        status: 'CONFIRMED',
      }),
    ).toEqual({ orderId: 'o1', total: '5.00 EUR' });
    expect(
      orderTemplateVariables({
        orderId: 'o1',
        totalPrice: 999.99,
        currency: 'USD',
        status: 'CANCELLED',
        reason: 'r',
      }),
    ).toEqual({ orderId: 'o1', total: '999.99 USD', reason: 'r' });
  });

  it('then a cancellation without a reason still has one to show', () => {
    expect(
      orderTemplateVariables({ orderId: 'o1', totalPrice: 1, currency: 'EUR', status: 'CANCELLED' })
        .reason,
    ).toBe(UNKNOWN_CANCELLATION_REASON);
  });
});

describe('when a notification key is made', () => {
  it('then it is the order, status and channel, so one fact has one key', () => {
    expect(notificationKey('o-1', 'CONFIRMED', 'email')).toBe('o-1:CONFIRMED:email');
    expect(notificationKey('o-1', 'CONFIRMED', 'sms')).not.toBe(
      notificationKey('o-1', 'CANCELLED', 'sms'),
    );
  });
});

describe('when a notification that exists already is met again', () => {
  const now = new Date('2024-05-01T12:00:00Z');
  const secondsAgo = (seconds: number) => new Date(now.getTime() - seconds * 1000);

  it('then a SENT one is done, whenever it was attempted', () => {
    expect(nextDeliveryStep({ status: 'SENT', lastAttemptAt: secondsAgo(0) }, now)).toBe('done');
  });

  it('then a PENDING one inside the lease is in flight, and past it is attempted again', () => {
    expect(nextDeliveryStep({ status: 'PENDING', lastAttemptAt: secondsAgo(9) }, now, 10_000)).toBe(
      'in-flight',
    );
    expect(
      nextDeliveryStep({ status: 'PENDING', lastAttemptAt: secondsAgo(10) }, now, 10_000),
    ).toBe('attempt-again');
  });

  it('then a FAILED one is attempted again at once', () => {
    expect(nextDeliveryStep({ status: 'FAILED', lastAttemptAt: secondsAgo(0) }, now)).toBe(
      'attempt-again',
    );
  });
});

describe('when a new notification is made', () => {
  it('then it is PENDING with its first attempt started and the rendered message kept', () => {
    const now = new Date('2024-05-01T12:00:00Z');
    expect(
      newPendingNotification(
        { id: 'n1', type: 'email', recipient: 'ada@example.com', template: 't' },
        { subject: 'S', text: 'T', html: '<p>T</p>' },
        now,
      ),
    ).toEqual({
      id: 'n1',
      type: 'email',
      recipient: 'ada@example.com',
      template: 't',
      status: 'PENDING',
      attempts: 1,
      subject: 'S',
      body: 'T',
      htmlBody: '<p>T</p>',
      createdAt: now,
      lastAttemptAt: now,
    });
  });
});
