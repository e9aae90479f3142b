import type { Channel } from './notification';

/** What a provider is asked to deliver: one rendered notification to one recipient. */
export interface OutgoingMessage {
  notificationId: string;
  channel: Channel;
  recipient: string;
  subject?: string;
  text: string;
  html?: string;
}

export interface DeliveryReceipt {
  /** The provider's own id for the message (an SMTP message id, an SMS sid), when it has one. */
  providerMessageId?: string;
}

/**
 * The provider answered and refused this message for good (an SMTP 5xx for an unknown mailbox,
 * a gateway's 400 for an invalid number): sending the same message again cannot help, so the
 * event goes to the dead-letter queue at once, and the provider's circuit breaker does not count
 * it as the provider failing. Any other error means the provider is unavailable (retried).
 */
export class MessageRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MessageRefusedError';
  }
}

/**
 * The port every way of delivering sits behind (SMTP, an SMS gateway, the log). Resolves once the
 * provider has accepted the message; rejects when it has not, and the attempt counts as failed:
 * with a MessageRefusedError when the message itself was refused, any other error when the
 * provider could not be reached or did not answer. A new vendor is one class implementing this.
 */
export interface NotificationProvider {
  /** Recorded on the notification, so that a record says what really delivered it. */
  readonly name: string;
  send(message: OutgoingMessage): Promise<DeliveryReceipt>;
}

/** The provider that delivers each channel. */
export type ProvidersByChannel = Record<Channel, NotificationProvider>;
