import type { Logger } from '@ecommerce/shared';
import type {
  DeliveryReceipt,
  NotificationProvider,
  OutgoingMessage,
} from '../domain/notification-provider';

/**
 * Delivers a notification by writing it to the service's log (at `info`, with the correlation
 * and event ids the logger adds). It serves orders without contact data, and email or SMS when
 * SMTP_URL or SMS_WEBHOOK_URL is not set; records it delivers say `provider: "log"`. A LOG_LEVEL
 * above `info` hides these lines, so keep `info` wherever the log is the delivery.
 */
export class LogNotificationProvider implements NotificationProvider {
  readonly name = 'log';

  constructor(private readonly logger: Logger) {}

  async send(message: OutgoingMessage): Promise<DeliveryReceipt> {
    this.logger.info('Notification delivered to the log', {
      notificationId: message.notificationId,
      channel: message.channel,
      recipient: message.recipient,
      ...(message.subject !== undefined && { subject: message.subject }),
      text: message.text,
    });
    return {};
  }
}
