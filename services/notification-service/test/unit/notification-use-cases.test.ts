import { createLogger } from '@ecommerce/shared';
import { InMemoryAggregates } from '@ecommerce/shared/testing';
import { defaultTemplates } from '../../src/domain/default-templates';
import type { Notification } from '../../src/domain/notification';
import { DeliveryFailedError, TemplateNotFoundError } from '../../src/domain/notification-errors';
import type {
  NotificationDependencies,
  TemplateRepositoryPort,
} from '../../src/domain/notification-ports';
import type { NotificationProvider, OutgoingMessage } from '../../src/domain/notification-provider';
import { MessageRefusedError } from '../../src/domain/notification-provider';
import { notifyOrderStatusChanged } from '../../src/domain/notify-order-status-changed';
import { sendNotification } from '../../src/domain/send-notification';
import type { NotificationTemplate, TemplateType } from '../../src/domain/template';

// The use cases against in-memory ports and scripted providers: what is stored and what is sent,
// without a database, a broker or a mail server.

class InMemoryTemplates implements TemplateRepositoryPort {
  constructor(private readonly templates: NotificationTemplate[]) {}

  async find(name: string, type: TemplateType): Promise<NotificationTemplate | null> {
    return (
      this.templates.find((template) => template.name === name && template.type === type) ?? null
    );
  }

  list(): NotificationTemplate[] {
    return [...this.templates];
  }

  async insertMissing(): Promise<string[]> {
    return [];
  }
}

/** A provider that accepts every message unless the test says how it fails. */
function scriptedProvider(name: string) {
  const send = jest.fn(async (message: OutgoingMessage) => ({
    providerMessageId: `${name}-${message.notificationId}`,
  }));
  const provider: NotificationProvider = { name, send };
  return { provider, send };
}

function inMemoryNotificationService() {
  const notifications = new InMemoryAggregates<Notification>();
  const byChannel = {
    email: scriptedProvider('smtp'),
    sms: scriptedProvider('sms-gateway'),
    log: scriptedProvider('log'),
  };
  const dependencies: NotificationDependencies = {
    // What the repository does with its aggregate store (notification-repository.ts).
    notifications: {
      insert: (notification) => notifications.create(notification.id, notification),
      findById: (id) => notifications.read(id),
      update: (id, decide) => notifications.update(id, decide),
      list: () =>
        Promise.reject(new Error('Listing is an entry point query, not used by the use cases')),
    },
    templates: new InMemoryTemplates(defaultTemplates),
    providers: {
      email: byChannel.email.provider,
      sms: byChannel.sms.provider,
      log: byChannel.log.provider,
    },
    logger: createLogger({ service: 'notification-service', level: 'silent' }),
  };
  return { dependencies, notifications, sends: byChannel };
}

const emailRequest = {
  type: 'email' as const,
  recipient: 'ada@example.com',
  template: 'order_confirmation',
  variables: { orderId: 'order-1', total: '99.50' },
};

describe('sendNotification', () => {
  it('when the provider accepts, then the rendered message is sent and recorded SENT', async () => {
    const { dependencies, notifications, sends } = inMemoryNotificationService();

    const sent = await sendNotification(emailRequest, dependencies);

    expect(sends.email.send).toHaveBeenCalledWith(
      expect.objectContaining({
        recipient: 'ada@example.com',
        subject: 'Your order order-1 is confirmed',
        text: expect.stringContaining('Total: 99.50'),
      }),
    );
    expect(sent).toMatchObject({
      status: 'SENT',
      provider: 'smtp',
      providerMessageId: `smtp-${sent.id}`,
    });
    expect(notifications.states.get(sent.id)).toEqual(sent);
    expect(notifications.events).toEqual([]);
  });

  it('when the provider is down, then it is FAILED and handed to the bus to try again', async () => {
    const { dependencies, notifications, sends } = inMemoryNotificationService();
    sends.email.send.mockRejectedValueOnce(new Error('connect ECONNREFUSED'));

    const failed = await sendNotification(emailRequest, dependencies);

    expect(failed).toMatchObject({ status: 'FAILED', error: 'connect ECONNREFUSED' });
    expect(notifications.events).toEqual([
      expect.objectContaining({
        eventType: 'notification.requested',
        data: { notificationId: failed.id },
      }),
    ]);
  });

  it('when the provider refuses the message, then it is FAILED and not tried again', async () => {
    const { dependencies, notifications, sends } = inMemoryNotificationService();
    sends.email.send.mockRejectedValueOnce(new MessageRefusedError('550 no such mailbox'));

    const failed = await sendNotification(emailRequest, dependencies);

    expect(failed).toMatchObject({ status: 'FAILED', error: '550 no such mailbox' });
    expect(notifications.events).toEqual([]);
  });

  it('when the template does not exist, then TemplateNotFoundError and nothing is stored', async () => {
    const { dependencies, notifications } = inMemoryNotificationService();

    await expect(
      sendNotification({ ...emailRequest, template: 'no_such_template' }, dependencies),
    ).rejects.toThrow(TemplateNotFoundError);
    expect(notifications.states.size).toBe(0);
  });
});

describe('notifyOrderStatusChanged', () => {
  const confirmed = {
    orderId: 'order-1',
    userId: 'user-1',
    status: 'CONFIRMED' as const,
    totalPrice: 99.5,
    currency: 'EUR',
    contact: { email: 'ada@example.com', phone: '+4915112345678' },
  };

  it('when the event is repeated, then each channel is sent once', async () => {
    const { dependencies, notifications, sends } = inMemoryNotificationService();

    await notifyOrderStatusChanged(confirmed, dependencies);
    await notifyOrderStatusChanged(confirmed, dependencies);

    expect(sends.email.send).toHaveBeenCalledTimes(1);
    expect(sends.sms.send).toHaveBeenCalledTimes(1);
    expect([...notifications.states.values()].map(({ type, status }) => [type, status])).toEqual([
      ['email', 'SENT'],
      ['sms', 'SENT'],
    ]);
  });

  it('when one channel fails, then the other is still sent, and only the failed one again', async () => {
    const { dependencies, sends } = inMemoryNotificationService();
    sends.sms.send.mockRejectedValueOnce(new Error('gateway timeout'));

    await expect(notifyOrderStatusChanged(confirmed, dependencies)).rejects.toThrow(
      DeliveryFailedError,
    );
    expect(sends.email.send).toHaveBeenCalledTimes(1);

    await notifyOrderStatusChanged(confirmed, dependencies);
    expect(sends.email.send).toHaveBeenCalledTimes(1);
    expect(sends.sms.send).toHaveBeenCalledTimes(2);
  });

  it('when the order has no contact, then one log record goes to its user', async () => {
    const { dependencies, notifications, sends } = inMemoryNotificationService();

    await notifyOrderStatusChanged({ ...confirmed, contact: undefined }, dependencies);

    expect(sends.log.send).toHaveBeenCalledWith(
      expect.objectContaining({ channel: 'log', recipient: 'user-1' }),
    );
    expect(notifications.states.size).toBe(1);
  });
});
