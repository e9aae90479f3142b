import { ADMIN, eventually, ServiceUnderTest } from '@ecommerce/shared/testing';
import { notificationServiceSettings } from '../../src/config';
import type {
  DeliveryReceipt,
  NotificationProvider,
  OutgoingMessage,
} from '../../src/domain/notification-provider';
import { startNotificationService } from '../../src/start';
import type { NotificationBody } from './notification-test-support';
import {
  confirmElevenTimes,
  notificationsOfOrder,
  orderStatusUpdated,
  uniqueOrderId,
} from './notification-test-support';

// How providers that fail or are slow are handled; the real wiring (the log provider) is
// tested in notification-service.test.ts.

const MAX_ATTEMPTS = 3;

/** A provider that fails as often as told, takes as long as told, and keeps what it delivered. */
class ScriptedProvider implements NotificationProvider {
  readonly sent: OutgoingMessage[] = [];
  failuresToCome = 0;
  sendTimeMs = 0;

  constructor(readonly name: string) {}

  async send(message: OutgoingMessage): Promise<DeliveryReceipt> {
    if (this.sendTimeMs > 0) await new Promise((resolve) => setTimeout(resolve, this.sendTimeMs));
    if (this.failuresToCome > 0) {
      this.failuresToCome--;
      throw new Error(`${this.name} is unavailable`);
    }
    this.sent.push(message);
    return { providerMessageId: `${this.name}-${this.sent.length}` };
  }

  sentFor(orderId: string): OutgoingMessage[] {
    return this.sent.filter((message) => message.notificationId.startsWith(`${orderId}:`));
  }
}

const email = new ScriptedProvider('scripted-email');
const sms = new ScriptedProvider('scripted-sms');
const log = new ScriptedProvider('scripted-log');

let subject: ServiceUnderTest;

beforeAll(async () => {
  subject = await ServiceUnderTest.start({
    label: 'notification-providers',
    settings: notificationServiceSettings,
    start: (config) => startNotificationService(config, { providers: { email, sms, log } }),
    // Exactly MAX_ATTEMPTS: no raise to outlast a provider outage (tested in notification-delivery).
    env: { MAX_ATTEMPTS: String(MAX_ATTEMPTS), PROVIDER_OUTAGE_TOLERANCE_MS: '0' },
  });
});

afterEach(() => {
  for (const provider of [email, sms, log]) {
    provider.failuresToCome = 0;
    provider.sendTimeMs = 0;
  }
});

afterAll(() => subject?.stop());

const api = () => subject.api();

const contact = { email: 'ada@example.com', phone: '+4915112345678' };

async function byChannel(orderId: string): Promise<Record<string, NotificationBody>> {
  const items = await notificationsOfOrder(subject, orderId);
  return Object.fromEntries(items.map((n) => [n.type, n]));
}

describe('when a provider is slow and the event arrives many times at once', () => {
  it('then each channel is sent once: a repeat waits for the attempt in flight instead of sending again', async () => {
    const orderId = uniqueOrderId('slow');
    email.sendTimeMs = 300;
    await confirmElevenTimes(subject, orderId, contact);

    expect(email.sentFor(orderId)).toHaveLength(1);
    expect(sms.sentFor(orderId)).toHaveLength(1);
    const records = await byChannel(orderId);
    expect(records.email).toMatchObject({ status: 'SENT', attempts: 1 });
    expect(records.sms).toMatchObject({ status: 'SENT', attempts: 1 });
  });
});

describe('when a provider fails for a while', () => {
  it('then the event is retried until it delivers, and the channel that worked is not sent again', async () => {
    const orderId = uniqueOrderId('flaky');
    sms.failuresToCome = MAX_ATTEMPTS - 1;
    await subject.probe.publish(orderStatusUpdated(orderId, 'CONFIRMED', { contact }));

    const records = await eventually(async () => {
      const found = await byChannel(orderId);
      expect(found.sms?.status).toBe('SENT');
      return found;
    });
    expect(records.sms).toMatchObject({
      attempts: MAX_ATTEMPTS,
      provider: 'scripted-sms',
      providerMessageId: expect.stringMatching(/^scripted-sms-/),
    });
    expect(records.sms).not.toHaveProperty('error');
    expect(records.email).toMatchObject({
      status: 'SENT',
      attempts: 1,
      provider: 'scripted-email',
    });
    expect(sms.sentFor(orderId)).toHaveLength(1);
    expect(email.sentFor(orderId)).toHaveLength(1);
  });
});

describe('when a provider fails longer than the attempts last', () => {
  it('then the record is FAILED with the error, the event dead-lettered, and a replay delivers it', async () => {
    const orderId = uniqueOrderId('down');
    const event = orderStatusUpdated(orderId, 'CONFIRMED', { contact });
    sms.failuresToCome = Number.POSITIVE_INFINITY;
    await subject.probe.publish(event);

    const listed = await eventually(() => subject.deadLetter(event.eventId));
    expect(listed).toMatchObject({
      attempts: MAX_ATTEMPTS,
      error: expect.stringContaining('scripted-sms is unavailable'),
    });
    const failed = await byChannel(orderId);
    expect(failed.sms).toMatchObject({
      status: 'FAILED',
      attempts: MAX_ATTEMPTS,
      error: 'scripted-sms is unavailable',
    });
    expect(failed.email).toMatchObject({ status: 'SENT', attempts: 1 });

    sms.failuresToCome = 0;
    await api()
      .post('/api/admin/dlq/replay')
      .set(ADMIN)
      .send({ eventIds: [event.eventId] })
      .expect(200);
    await eventually(async () =>
      expect((await byChannel(orderId)).sms).toMatchObject({
        status: 'SENT',
        attempts: MAX_ATTEMPTS + 1,
      }),
    );
    expect(sms.sentFor(orderId)).toHaveLength(1);
    expect(email.sentFor(orderId)).toHaveLength(1);
  });
});

describe('when an admin sends a notification and the provider fails', () => {
  it('then it is accepted with 202 FAILED and why, and the event bus attempts it again until it is sent', async () => {
    email.failuresToCome = 1;
    const response = await api()
      .post('/api/notifications')
      .set(ADMIN)
      .send({
        type: 'email',
        recipient: 'ada@example.com',
        template: 'order_confirmation',
        variables: { orderId: 'o-1', total: 5 },
      })
      .expect(202);

    expect(response.body).toMatchObject({
      status: 'FAILED',
      attempts: 1,
      provider: 'scripted-email',
      error: 'scripted-email is unavailable',
    });
    expect(response.body).not.toHaveProperty('sentAt');

    const sentLater = await eventually(async () => {
      const { body } = await api().get('/api/notifications').set(ADMIN).query({
        recipient: 'ada@example.com',
      });
      const record = body.items.find((item: { id: string }) => item.id === response.body.id);
      expect(record).toMatchObject({ status: 'SENT', attempts: 2 });
      return record;
    });
    expect(sentLater.providerMessageId).toEqual(expect.any(String));
    expect(
      email.sent.filter((message) => message.notificationId === response.body.id),
    ).toHaveLength(1);
  });
});
