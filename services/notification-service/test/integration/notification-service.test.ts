import request from 'supertest';
import { ADMIN, eventually, ServiceUnderTest } from '@ecommerce/shared/testing';
import type { NotificationServiceConfig } from '../../src/config';
import { notificationServiceSettings } from '../../src/config';
import { defaultTemplates } from '../../src/domain/default-templates';
import { startNotificationService } from '../../src/start';
import type { NotificationBody } from './notification-test-support';
import {
  confirmElevenTimes,
  notificationsOfOrder,
  orderStatusUpdated,
  uniqueOrderId,
} from './notification-test-support';

/** The contract's example request: `order_confirmation` needs no variable but these two. */
const exampleRequest = {
  type: 'email',
  recipient: 'ada@example.com',
  template: 'order_confirmation',
  variables: { orderId: 'ord-example-1', total: 99.99 },
};

let subject: ServiceUnderTest;
/** The config the service started with: a second instance starts on the same database. */
let config: NotificationServiceConfig;

beforeAll(async () => {
  subject = await ServiceUnderTest.start({
    label: 'notification-service',
    settings: notificationServiceSettings,
    start: (loaded) => {
      config = loaded;
      return startNotificationService(config);
    },
    // Templates are kept in memory: reread often, so that a template deleted here shows soon.
    env: { MAX_ATTEMPTS: '3', TEMPLATE_REFRESH_INTERVAL_MS: '100' },
  });
  // Calls through: the log provider still writes, and tests count what it wrote.
  jest.spyOn(subject.service.logger, 'info');
});

afterAll(async () => {
  jest.restoreAllMocks();
  await subject?.stop();
});

const api = () => subject.api();
// The raw collections, for states the API cannot create (a crash mid-delivery, a lost template).
type RawDocument = { _id: string } & Record<string, unknown>;
const notifications = () => subject.service.db.collection<RawDocument>('notifications');
const templates = () => subject.service.db.collection<RawDocument>('templates');

/** What the log provider delivered for notifications whose id starts with `idPrefix`. */
function loggedDeliveries(idPrefix: string): Array<Record<string, unknown>> {
  return (jest.mocked(subject.service.logger.info).mock.calls as unknown[][])
    .filter(([message]) => message === 'Notification delivered to the log')
    .map(([, fields]) => fields as Record<string, unknown>)
    .filter((fields) => String(fields.notificationId).startsWith(idPrefix));
}

async function storedCount(): Promise<number> {
  return (await api().get('/api/notifications').set(ADMIN).expect(200)).body.total;
}

describe('when the service starts', () => {
  it('then the default templates are seeded and listed without a token', async () => {
    const response = await api().get('/api/templates').expect(200);

    expect(response.body).toHaveLength(4);
    expect(response.body).toContainEqual({
      name: 'order_confirmation',
      type: 'email',
      subject: 'Your order {{orderId}} is confirmed',
      body: expect.stringContaining('{{total}}'),
      htmlBody: expect.stringContaining('<p>'),
      variables: ['orderId', 'total'],
    });
    expect(response.body).toContainEqual({
      name: 'order_confirmation',
      type: 'sms',
      body: expect.any(String),
      variables: ['orderId', 'total'],
    });
    const cancelled = response.body.filter((t: { name: string }) => t.name === 'order_cancelled');
    expect(cancelled.map((t: { type: string }) => t.type).sort()).toEqual(['email', 'sms']);
    for (const template of cancelled) {
      expect([...template.variables].sort()).toEqual(['orderId', 'reason', 'total']);
    }
  });

  it('then starting again keeps an edited template and adds none twice', async () => {
    const original = defaultTemplates.find((t) => t.name === 'order_cancelled' && t.type === 'sms');
    const edited = 'Edited: order {{orderId}} ({{total}}) cancelled: {{reason}}';
    await templates().updateOne({ _id: 'order_cancelled:sms' }, { $set: { body: edited } });
    const second = await startNotificationService(config);
    try {
      await second.bus.whenConnected();
      const listed = (await request(second.app).get('/api/templates').expect(200)).body;
      expect(listed).toHaveLength(4);
      expect(listed).toContainEqual(
        expect.objectContaining({ name: 'order_cancelled', type: 'sms', body: edited }),
      );
    } finally {
      await second.stop();
      await templates().updateOne(
        { _id: 'order_cancelled:sms' },
        { $set: { body: original?.body } },
      );
    }
  });
});

describe('when an admin sends a notification', () => {
  it("then the contract's example is accepted with 202, delivered by the log provider and stored", async () => {
    const response = await api()
      .post('/api/notifications')
      .set(ADMIN)
      .send(exampleRequest)
      .expect(202);

    expect(response.body).toMatchObject({
      type: 'email',
      recipient: 'ada@example.com',
      template: 'order_confirmation',
      status: 'SENT',
      attempts: 1,
      provider: 'log',
      subject: 'Your order ord-example-1 is confirmed',
      body: expect.stringContaining('Total: 99.99'),
      createdAt: expect.any(String),
      sentAt: expect.any(String),
    });
    expect(response.body.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(response.body).not.toHaveProperty('error');
    expect(response.body).not.toHaveProperty('orderId');

    const stored = (
      await api().get('/api/notifications').query({ recipient: 'ada@example.com' }).set(ADMIN)
    ).body;
    expect(stored.items).toContainEqual(response.body);
    expect(loggedDeliveries(response.body.id)).toEqual([
      expect.objectContaining({
        channel: 'email',
        recipient: 'ada@example.com',
        subject: 'Your order ord-example-1 is confirmed',
        text: response.body.body,
      }),
    ]);
  });

  it('then an sms is rendered from the sms template, without subject', async () => {
    const response = await api()
      .post('/api/notifications')
      .set(ADMIN)
      .send({ ...exampleRequest, type: 'sms', recipient: '+4915112345678' })
      .expect(202);

    expect(response.body).toMatchObject({
      type: 'sms',
      recipient: '+4915112345678',
      status: 'SENT',
    });
    expect(response.body.body).toBe('Order ord-example-1 is confirmed. Total: 99.99.');
    expect(response.body).not.toHaveProperty('subject');
  });

  it('then values are HTML-escaped in the HTML body and kept as given in the text', async () => {
    const orderId = '<img src=x onerror="alert(1)">';
    const response = await api()
      .post('/api/notifications')
      .set(ADMIN)
      .send({ ...exampleRequest, variables: { orderId, total: 1 } })
      .expect(202);

    expect(response.body.htmlBody).toContain('&lt;img src=x onerror=&quot;alert(1)&quot;&gt;');
    expect(response.body.htmlBody).not.toContain('<img');
    expect(response.body.body).toContain(orderId);
  });

  it('then it needs the admin token, and nothing is stored without it', async () => {
    const before = await storedCount();
    const missing = await api().post('/api/notifications').send(exampleRequest).expect(401);
    expect(missing.body.error.code).toBe('UNAUTHORIZED');
    await api()
      .post('/api/notifications')
      .set('Authorization', 'Bearer wrong-token')
      .send(exampleRequest)
      .expect(401);
    await api().get('/api/notifications').expect(401);
    expect(await storedCount()).toBe(before);
  });

  it('then an unknown template is a 404 TEMPLATE_NOT_FOUND naming it, and nothing is stored', async () => {
    const before = await storedCount();
    const response = await api()
      .post('/api/notifications')
      .set(ADMIN)
      .send({ ...exampleRequest, template: 'birthday_greeting' })
      .expect(404);

    expect(response.body.error).toEqual({
      code: 'TEMPLATE_NOT_FOUND',
      message: 'No email template named "birthday_greeting"',
    });
    expect(await storedCount()).toBe(before);
  });

  it.each([
    ['order_confirmation', { orderId: 'o1' }, ['total']],
    ['order_cancelled', { orderId: 'o1', total: 5 }, ['reason']],
    ['order_cancelled', {}, ['orderId', 'total', 'reason']],
  ])(
    'then %s with variables %j is a 400 naming %j, and nothing is stored',
    async (template, variables, missing) => {
      const before = await storedCount();
      const response = await api()
        .post('/api/notifications')
        .set(ADMIN)
        .send({ ...exampleRequest, template, variables })
        .expect(400);

      expect(response.body.error).toMatchObject({
        code: 'MISSING_TEMPLATE_VARIABLE',
        details: { missing },
      });
      for (const name of missing) expect(response.body.error.message).toContain(name);
      expect(await storedCount()).toBe(before);
    },
  );

  it.each([
    ['an email recipient that is not an email', 'email address', { recipient: '+4915112345678' }],
    ['an sms recipient that is an email', 'E.164', { type: 'sms' }],
    ['an sms recipient that is not E.164', 'E.164', { type: 'sms', recipient: '015112345678' }],
    ['an sms recipient with too few digits', 'E.164', { type: 'sms', recipient: '+1234567' }],
    ['the log type', 'type', { type: 'log' }],
    ['no recipient', 'recipient', { recipient: undefined }],
    ['no template', 'template', { template: undefined }],
    ['a template name with spaces', 'template', { template: 'order confirmation' }],
    ['an unknown field', 'priority', { priority: 'high' }],
    ['a $where field', '$where', { $where: 'sleep(1000)' }],
    ['a $-operator as recipient', 'recipient', { recipient: { $ne: null } }],
    ['a $-operator as variable name', '$gt', { variables: { $gt: '' } }],
    [
      'a nested variable value',
      'variables.orderId',
      { variables: { orderId: { a: 1 }, total: 1 } },
    ],
    ['a boolean variable value', 'variables.orderId', { variables: { orderId: true, total: 1 } }],
  ])('then %s is a 400 naming %s, and nothing is stored', async (_case, named, change) => {
    const before = await storedCount();
    const response = await api()
      .post('/api/notifications')
      .set(ADMIN)
      .send({ ...exampleRequest, ...change })
      .expect(400);

    expect(response.body.error.code).toBe('VALIDATION_ERROR');
    expect(response.body.error.message).toContain(named);
    expect(await storedCount()).toBe(before);
  });

  it('then an array body, no body and malformed JSON are 400s', async () => {
    await api().post('/api/notifications').set(ADMIN).send([exampleRequest]).expect(400);
    const empty = await api().post('/api/notifications').set(ADMIN).expect(400);
    expect(empty.body.error.message).toContain('Notification is missing');
    const malformed = await api()
      .post('/api/notifications')
      .set(ADMIN)
      .set('content-type', 'application/json')
      .send('{"type": ')
      .expect(400);
    expect(malformed.body.error.code).toBe('INVALID_JSON');
  });
});

describe('when notifications are listed', () => {
  it('then they are filtered by recipient, newest first, paginated', async () => {
    const recipient = `lister-${Date.now()}@example.com`;
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const response = await api()
        .post('/api/notifications')
        .set(ADMIN)
        .send({ ...exampleRequest, recipient, variables: { orderId: `o${i}`, total: i } })
        .expect(202);
      ids.push(response.body.id);
    }

    const all = (await api().get('/api/notifications').query({ recipient }).set(ADMIN).expect(200))
      .body;
    expect(all).toMatchObject({ total: 3, limit: 20, offset: 0 });
    expect(all.items.map((n: NotificationBody) => n.id)).toEqual([...ids].reverse());

    const page = (
      await api().get('/api/notifications').query({ recipient, limit: 1, offset: 1 }).set(ADMIN)
    ).body;
    expect(page.items.map((n: NotificationBody) => n.id)).toEqual([ids[1]]);

    const capped = (
      await api().get('/api/notifications').query({ recipient, limit: 500 }).set(ADMIN)
    ).body;
    expect(capped.limit).toBe(100);

    const none = (
      await api().get('/api/notifications').query({ orderId: 'no-such-order' }).set(ADMIN)
    ).body;
    expect(none).toMatchObject({ items: [], total: 0 });
  });

  it.each([
    ['orderId[$ne]=x', 'orderId[$ne]'],
    ['recipient[$regex]=.*', 'recipient[$regex]'],
    ['orderId=a&orderId=b', 'orderId'],
    ['limit=0', 'limit'],
    ['offset=-1', 'offset'],
    ['status=DELIVERED', 'status'],
    ['status[$ne]=SENT', 'status[$ne]'],
  ])('then a bad query %s is a 400 naming %s', async (query, name) => {
    const response = await api().get(`/api/notifications?${query}`).set(ADMIN).expect(400);
    expect(response.body.error.code).toBe('VALIDATION_ERROR');
    expect(response.body.error.message).toContain(name);
  });
});

describe('when an order is confirmed or cancelled', () => {
  it('then a CONFIRMED order with email and phone gets one email and one sms, both SENT', async () => {
    const orderId = uniqueOrderId('confirmed');
    const contact = { email: 'grace@example.com', phone: '+4915112345678' };
    await subject.probe.publish(orderStatusUpdated(orderId, 'CONFIRMED', { contact }));

    const items = await eventually(async () => {
      const found = await notificationsOfOrder(subject, orderId);
      expect(found.map((n) => n.status)).toEqual(['SENT', 'SENT']);
      return found;
    });
    const byType = Object.fromEntries(items.map((n) => [n.type, n]));
    expect(Object.keys(byType).sort()).toEqual(['email', 'sms']);
    expect(byType.email).toMatchObject({
      id: `${orderId}:CONFIRMED:email`,
      recipient: 'grace@example.com',
      template: 'order_confirmation',
      orderId,
      orderStatus: 'CONFIRMED',
      attempts: 1,
      provider: 'log',
      subject: `Your order ${orderId} is confirmed`,
      body: expect.stringContaining('Total: 999.99'),
    });
    expect(byType.sms).toMatchObject({
      recipient: '+4915112345678',
      template: 'order_confirmation',
      attempts: 1,
    });
    expect(loggedDeliveries(orderId)).toHaveLength(2);
  });

  it('then a CANCELLED order without contact gets a single log record to its user', async () => {
    const orderId = uniqueOrderId('cancelled');
    const reason = 'Insufficient inventory for product prod2: requested 2, available 0';
    await subject.probe.publish(
      orderStatusUpdated(orderId, 'CANCELLED', { reason, userId: 'user-42' }),
    );

    const [record] = await eventually(async () => {
      const found = await notificationsOfOrder(subject, orderId);
      expect(found).toHaveLength(1);
      expect(found[0].status).toBe('SENT');
      return found;
    });
    expect(record).toMatchObject({
      id: `${orderId}:CANCELLED:log`,
      type: 'log',
      recipient: 'user-42',
      template: 'order_cancelled',
      provider: 'log',
      body: expect.stringContaining(reason),
    });
    expect(loggedDeliveries(orderId)).toEqual([
      expect.objectContaining({ channel: 'log', recipient: 'user-42' }),
    ]);
  });

  it('then the same event ten times, and another event stating the same fact, notify once per channel', async () => {
    const orderId = uniqueOrderId('repeated');
    const contact = { email: 'linus@example.com', phone: '+4915112345678' };
    await confirmElevenTimes(subject, orderId, contact);

    const items = await notificationsOfOrder(subject, orderId);
    expect(items.map((n) => `${n.type}:${n.status}:${n.attempts}`).sort()).toEqual([
      'email:SENT:1',
      'sms:SENT:1',
    ]);
    expect(
      loggedDeliveries(orderId)
        .map((fields) => fields.channel)
        .sort(),
    ).toEqual(['email', 'sms']);
  });

  it('then a notification left PENDING by a crash is delivered when the event comes again', async () => {
    const orderId = uniqueOrderId('crashed');
    const aMinuteAgo = new Date(Date.now() - 60_000);
    await notifications().insertOne({
      _id: `${orderId}:CONFIRMED:email`,
      type: 'email',
      recipient: 'crash@example.com',
      template: 'order_confirmation',
      orderId,
      orderStatus: 'CONFIRMED',
      status: 'PENDING',
      attempts: 1,
      subject: 'Rendered before the crash',
      body: 'Rendered before the crash',
      createdAt: aMinuteAgo,
      lastAttemptAt: aMinuteAgo,
    });
    await subject.probe.publish(
      orderStatusUpdated(orderId, 'CONFIRMED', { contact: { email: 'crash@example.com' } }),
    );

    const [record] = await eventually(async () => {
      const found = await notificationsOfOrder(subject, orderId);
      expect(found[0]?.status).toBe('SENT');
      return found;
    });
    expect(record).toMatchObject({ attempts: 2, subject: 'Rendered before the crash' });
    expect(await notificationsOfOrder(subject, orderId)).toHaveLength(1);
    expect(loggedDeliveries(orderId)).toHaveLength(1);
  });

  it('then a missing template dead-letters the event at once, and a replay after the fix delivers', async () => {
    const smsCancelled = expect.objectContaining({ name: 'order_cancelled', type: 'sms' });
    /** Waits until the service's templates in memory (what GET /api/templates lists) pass `check`. */
    const untilTemplates = (check: (listed: unknown[]) => void) =>
      eventually(async () => check((await api().get('/api/templates').expect(200)).body));
    const orderId = uniqueOrderId('no-template');
    const smsTemplate = await templates().findOne({ _id: 'order_cancelled:sms' });
    expect(smsTemplate).not.toBeNull();
    await templates().deleteOne({ _id: 'order_cancelled:sms' });
    await untilTemplates((listed) => expect(listed).not.toContainEqual(smsCancelled));
    const event = orderStatusUpdated(orderId, 'CANCELLED', {
      reason: 'Cancelled by customer',
      contact: { phone: '+4915112345678' },
    });
    try {
      await subject.probe.publish(event);
      const listed = await eventually(() => subject.deadLetter(event.eventId));
      expect(listed).toMatchObject({
        routingKey: 'order.status.updated',
        attempts: 1,
        error: 'No sms template named "order_cancelled"',
      });
      expect(await notificationsOfOrder(subject, orderId)).toEqual([]);
    } finally {
      await templates().insertOne(smsTemplate!);
    }
    await untilTemplates((listed) => expect(listed).toContainEqual(smsCancelled));

    const replay = await api()
      .post('/api/admin/dlq/replay')
      .set(ADMIN)
      .send({ eventIds: [event.eventId] })
      .expect(200);
    expect(replay.body).toEqual({ replayed: 1 });
    await eventually(async () => {
      const found = await notificationsOfOrder(subject, orderId);
      expect(found).toMatchObject([{ type: 'sms', template: 'order_cancelled', status: 'SENT' }]);
    });
  });
});

describe('when health is asked', () => {
  it('then it reports the database and the broker up', async () => {
    const response = await api().get('/api/health').expect(200);
    expect(response.body).toMatchObject({
      status: 'ok',
      service: 'notification-service',
      checks: { mongodb: 'up', rabbitmq: 'up' },
    });
  });

  it('then it says that email and SMS go to the log, with no SMTP_URL or SMS_WEBHOOK_URL set', async () => {
    const response = await api().get('/api/health').expect(200);
    expect(response.body.checks).toMatchObject({ smtp: 'log', sms: 'log' });
  });
});
