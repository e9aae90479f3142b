import { ADMIN, eventually, ServiceUnderTest } from '@ecommerce/shared/testing';
import { notificationServiceSettings } from '../../src/config';
import { startNotificationService } from '../../src/start';
import { TestSmsGateway, TestSmtpServer } from '../support/test-mail-servers';
import type { NotificationBody } from './notification-test-support';
import {
  notificationsOfOrder,
  orderStatusUpdated,
  uniqueOrderId,
} from './notification-test-support';

// The real providers against real servers: an SMTP server (smtp-server, mails parsed with
// mailparser) and an HTTP server acting as SMS gateway, with the breakers tuned short.

const MAIL_FROM = 'Shop <shop@example.com>';

let smtp: TestSmtpServer;
let gateway: TestSmsGateway;
let subject: ServiceUnderTest;

beforeAll(async () => {
  smtp = await TestSmtpServer.start();
  gateway = await TestSmsGateway.start();
  subject = await ServiceUnderTest.start({
    label: 'notification-delivery',
    settings: notificationServiceSettings,
    start: (config) => startNotificationService(config),
    env: {
      SMTP_URL: smtp.url,
      MAIL_FROM,
      SMS_WEBHOOK_URL: gateway.url,
      SMS_WEBHOOK_TOKEN: 'gateway-token',
      PROVIDER_TIMEOUT_MS: '2000',
      BREAKER_VOLUME_THRESHOLD: '2',
      BREAKER_RESET_TIMEOUT_MS: '500',
      // Retries 100 ms, 200 ms, … : the service raises MAX_ATTEMPTS (5) until they outlast 5 s.
      RETRY_BASE_DELAY_MS: '100',
      PROVIDER_OUTAGE_TOLERANCE_MS: '5000',
    },
  });
});

afterAll(async () => {
  await subject?.stop();
  await smtp?.stop();
  await gateway?.stop();
});

const api = () => subject.api();

async function health(): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await api().get('/api/health');
  return { status: response.status, body: response.body };
}

async function metricsText(): Promise<string> {
  return (await api().get('/metrics').expect(200)).text;
}

const breakerGauge = (provider: string, value: number) =>
  new RegExp(`^circuit_breaker_state\\{[^}]*provider="${provider}"[^}]*\\} ${value}$`, 'm');

async function byChannel(orderId: string): Promise<Record<string, NotificationBody>> {
  const items = await notificationsOfOrder(subject, orderId);
  return Object.fromEntries(items.map((n) => [n.type, n]));
}

describe('when an order is confirmed with an email and a phone', () => {
  it('then the SMTP server receives the mail and the gateway the SMS, each recorded SENT with its id', async () => {
    const orderId = uniqueOrderId('real');
    const contact = { email: 'ada@example.com', phone: '+4915112345678' };
    await subject.probe.publish(
      orderStatusUpdated(orderId, 'CONFIRMED', { contact, totalPrice: 1999.98 }),
    );

    const [mail] = await eventually(() => {
      const found = smtp.mailsFor(`${orderId}:`);
      expect(found).toHaveLength(1);
      return found;
    });
    expect(mail.subject).toBe(`Your order ${orderId} is confirmed`);
    expect(mail.from?.text).toBe('"Shop" <shop@example.com>');
    expect(mail.to).toMatchObject({ text: 'ada@example.com' });
    expect(mail.text).toContain(`Order ${orderId} is confirmed. Total: 1999.98 EUR.`);
    expect(mail.html).toContain(`<strong>${orderId}</strong>`);

    const [sms] = await eventually(() => {
      const found = gateway.receivedFor(`${orderId}:`);
      expect(found).toHaveLength(1);
      return found;
    });
    expect(sms.body).toEqual({
      to: '+4915112345678',
      body: `Order ${orderId} is confirmed. Total: 1999.98 EUR.`,
      reference: `${orderId}:CONFIRMED:sms`,
    });
    expect(sms.headers).toMatchObject({
      'content-type': 'application/json',
      authorization: 'Bearer gateway-token',
      'idempotency-key': `${orderId}:CONFIRMED:sms`,
    });

    const records = await eventually(async () => {
      const found = await byChannel(orderId);
      expect(found.email?.status).toBe('SENT');
      expect(found.sms?.status).toBe('SENT');
      return found;
    });
    expect(records.email).toMatchObject({
      attempts: 1,
      provider: 'smtp',
      providerMessageId: mail.messageId,
    });
    expect(records.sms).toMatchObject({ attempts: 1, provider: 'sms-webhook' });
    expect(records.sms.providerMessageId).toMatch(/^SM\d+$/);
  });

  it('then user input is HTML-escaped in the HTML part and kept as written in the text part', async () => {
    const orderId = uniqueOrderId('escaped');
    const reason = `<img src=x onerror="alert(1)"> & "Tom's" order`;
    await subject.probe.publish(
      orderStatusUpdated(orderId, 'CANCELLED', { contact: { email: 'ada@example.com' }, reason }),
    );

    const [mail] = await eventually(() => {
      const found = smtp.mailsFor(`${orderId}:`);
      expect(found).toHaveLength(1);
      return found;
    });
    expect(mail.subject).toBe(`Your order ${orderId} was cancelled`);
    expect(mail.html).toContain(
      'Reason: &lt;img src=x onerror=&quot;alert(1)&quot;&gt; &amp; &quot;Tom&#39;s&quot; order',
    );
    expect(mail.html).not.toContain('<img');
    expect(mail.text).toContain(`Reason: ${reason}`);
  });

  it('then an admin request reaches the SMTP server too, its variables escaped in the HTML', async () => {
    const orderId = `<b>${uniqueOrderId('admin')}</b>`;
    const response = await api()
      .post('/api/notifications')
      .set(ADMIN)
      .send({
        type: 'email',
        recipient: 'grace@example.com',
        template: 'order_confirmation',
        variables: { orderId, total: 5 },
      })
      .expect(202);
    expect(response.body).toMatchObject({ status: 'SENT', provider: 'smtp' });

    const [mail] = smtp.mailsFor(response.body.id);
    expect(mail.subject).toBe(`Your order ${orderId} is confirmed`);
    expect(mail.html).toContain(`&lt;b&gt;${orderId.slice(3, -4)}&lt;/b&gt;`);
    expect(mail.html).not.toContain('<b>');
  });
});

describe('when the SMTP server refuses a recipient for good', () => {
  it('then the record is FAILED with the reply, the event dead-lettered at once, and the breaker stays closed', async () => {
    const orderId = uniqueOrderId('refused');
    smtp.refusedRecipients.add('nobody@example.com');
    const event = orderStatusUpdated(orderId, 'CONFIRMED', {
      contact: { email: 'nobody@example.com' },
    });
    await subject.probe.publish(event);

    const listed = await eventually(() => subject.deadLetter(event.eventId));
    expect(listed).toMatchObject({ attempts: 1, error: expect.stringContaining('550') });
    expect((await byChannel(orderId)).email).toMatchObject({
      status: 'FAILED',
      attempts: 1,
      provider: 'smtp',
      error: expect.stringContaining('SMTP server refused the message'),
    });
    expect(smtp.mailsFor(`${orderId}:`)).toEqual([]);
    expect((await health()).body.checks).toMatchObject({ smtp: 'closed' });
    expect(await metricsText()).toMatch(
      /^notification_provider_calls_total\{[^}]*provider="smtp"[^}]*outcome="refused"[^}]*\} [1-9]/m,
    );
  });
});

describe('when the SMTP server is down for a while', () => {
  it('then events are still taken, the breaker opens, and once it is back every mail arrives exactly once', async () => {
    const orderIds = [1, 2, 3, 4].map((n) => uniqueOrderId(`outage-${n}`));
    const settledBefore = await subject.eventsSettled('order.status.updated');
    await smtp.stop();

    const events = orderIds.map((orderId) =>
      orderStatusUpdated(orderId, 'CONFIRMED', {
        contact: { email: 'ada@example.com', phone: '+4915112345678' },
      }),
    );
    for (const event of events) await subject.probe.publish(event);

    // The breaker opens; the service stays ok (only a provider is down) and says so.
    await eventually(async () => {
      const { status, body } = await health();
      expect(status).toBe(200);
      expect(body).toMatchObject({ status: 'ok', checks: { smtp: 'open', sms: 'closed' } });
    });
    expect(await metricsText()).toMatch(breakerGauge('smtp', 2));
    // SMS does not wait for email: each order's SMS went out at its first attempt.
    await eventually(async () => {
      for (const orderId of orderIds) {
        expect((await byChannel(orderId)).sms).toMatchObject({ status: 'SENT', attempts: 1 });
      }
    });
    const failing = await byChannel(orderIds[0]);
    expect(failing.email.status).not.toBe('SENT');
    // The first attempts may all have failed before it opened: their retries meet it open.
    await eventually(async () =>
      expect(await metricsText()).toMatch(
        /^notification_provider_calls_total\{[^}]*provider="smtp"[^}]*outcome="short-circuited"[^}]*\} [1-9]/m,
      ),
    );

    await smtp.restart();

    await eventually(
      async () => {
        for (const orderId of orderIds) {
          expect((await byChannel(orderId)).email).toMatchObject({
            status: 'SENT',
            provider: 'smtp',
          });
        }
      },
      { timeoutMs: 30_000 },
    );
    // Every event settled (none left to retry, none dead-lettered), and one mail per order.
    await eventually(async () =>
      expect((await subject.eventsSettled('order.status.updated')) - settledBefore).toBe(
        orderIds.length,
      ),
    );
    for (const orderId of orderIds) {
      expect(smtp.mailsFor(`${orderId}:`)).toHaveLength(1);
      expect(gateway.receivedFor(`${orderId}:`)).toHaveLength(1);
      const email = (await byChannel(orderId)).email;
      expect(email.attempts).toBeGreaterThan(1);
      expect(email).not.toHaveProperty('error');
    }
    const deadLettered = (await subject.service.bus.deadLetterQueue.list(100, 0)).items;
    const eventIds = new Set(events.map((event) => event.eventId));
    expect(deadLettered.filter((item) => eventIds.has(item.eventId))).toEqual([]);
    await eventually(async () =>
      expect((await health()).body.checks).toMatchObject({ smtp: 'closed' }),
    );
    expect(await metricsText()).toMatch(breakerGauge('smtp', 0));
  });
});
