import { createHash } from 'node:crypto';
import nodemailer from 'nodemailer';
import type { Transporter } from 'nodemailer';
import type {
  DeliveryReceipt,
  NotificationProvider,
  OutgoingMessage,
} from '../domain/notification-provider';
import { MessageRefusedError } from '../domain/notification-provider';

export interface SmtpProviderOptions {
  /** `smtp://host:port` or `smtps://user:password@host:port`. */
  url: string;
  /** The sender, `shop@example.com` or `Shop <shop@example.com>`. */
  from: string;
  /** Longest wait for the connection, the greeting and each reply. */
  timeoutMs: number;
}

/** What nodemailer puts on an error that the SMTP server answered. */
interface SmtpErrorFields {
  code?: unknown;
  responseCode?: unknown;
}

/**
 * A reply that refuses this message for good: a 5xx to the envelope (MAIL FROM, RCPT TO) or to
 * the message (DATA), such as `550 no such user`. 503 (bad sequence of commands) is a session
 * problem, and 4xx is "try again later"; an authentication failure or a 5xx greeting is the
 * provider being unusable, not the message being wrong: those count against the breaker.
 */
export function isRefusedBySmtpServer(error: SmtpErrorFields): boolean {
  const { code, responseCode } = error;
  return (
    (code === 'EENVELOPE' || code === 'EMESSAGE') &&
    typeof responseCode === 'number' &&
    responseCode >= 500 &&
    responseCode < 600 &&
    responseCode !== 503
  );
}

/**
 * The Message-ID of a notification's mail: the same for every attempt, so that in the one case
 * where a mail can go out twice (accepted by the server, then the SENT mark failed) the receiving
 * side can tell it is the same message.
 */
export function messageIdFor(notificationId: string, from: string): string {
  const domain = /@([^\s>]+)>?\s*$/.exec(from)?.[1] ?? 'notification-service.invalid';
  const hash = createHash('sha256').update(notificationId).digest('hex').slice(0, 32);
  return `<notification.${hash}@${domain}>`;
}

/** Email over SMTP with nodemailer, one connection per message (no pool to go stale). */
export class SmtpNotificationProvider implements NotificationProvider {
  readonly name = 'smtp';
  private readonly transport: Transporter;

  constructor(private readonly options: SmtpProviderOptions) {
    this.transport = nodemailer.createTransport({
      url: options.url,
      connectionTimeout: options.timeoutMs,
      greetingTimeout: options.timeoutMs,
      socketTimeout: options.timeoutMs,
    });
  }

  async send(message: OutgoingMessage): Promise<DeliveryReceipt> {
    try {
      const info = await this.transport.sendMail({
        from: this.options.from,
        to: message.recipient,
        subject: message.subject ?? '',
        text: message.text,
        ...(message.html !== undefined && { html: message.html }),
        messageId: messageIdFor(message.notificationId, this.options.from),
        headers: { 'X-Notification-Id': message.notificationId },
      });
      return { providerMessageId: String(info.messageId) };
    } catch (error) {
      if (isRefusedBySmtpServer(error as SmtpErrorFields)) {
        throw new MessageRefusedError(
          `SMTP server refused the message: ${(error as Error).message}`,
        );
      }
      throw error;
    }
  }

  close(): void {
    this.transport.close();
  }
}
