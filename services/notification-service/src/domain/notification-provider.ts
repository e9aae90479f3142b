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
 * The port every way of delivering sits behind (SMTP, an SMS gateway, the log). Resolves once the
 * provider has accepted the message; rejects when it has not, and the attempt counts as failed.
 */
export interface NotificationProvider {
  /** Recorded on the notification, so that a record says what really delivered it. */
  readonly name: string;
  send(message: OutgoingMessage): Promise<DeliveryReceipt>;
}

/** The provider that delivers each channel. */
export type ProvidersByChannel = Record<Channel, NotificationProvider>;
