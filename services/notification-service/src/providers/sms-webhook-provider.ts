import type {
  DeliveryReceipt,
  NotificationProvider,
  OutgoingMessage,
} from '../domain/notification-provider';
import { MessageRefusedError } from '../domain/notification-provider';

export interface SmsWebhookOptions {
  url: string;
  /** Sent as a bearer token when not empty. */
  token: string;
  timeoutMs: number;
}

/** The JSON body the gateway receives: Twilio's message fields, in JSON and lower case. */
export interface SmsWebhookBody {
  /** The recipient, E.164 (`+4915112345678`). */
  to: string;
  body: string;
  /** The notification's id: the same for every attempt at one notification. */
  reference: string;
}

export interface SmsWebhookRequest {
  headers: Record<string, string>;
  body: SmsWebhookBody;
}

/**
 * The POST for one SMS. `Idempotency-Key` is the notification id, so a gateway that honours it
 * drops a second attempt at a message it already accepted.
 */
export function smsWebhookRequest(message: OutgoingMessage, token = ''): SmsWebhookRequest {
  return {
    headers: {
      'content-type': 'application/json',
      accept: 'application/json',
      'idempotency-key': message.notificationId,
      ...(token !== '' && { authorization: `Bearer ${token}` }),
    },
    body: { to: message.recipient, body: message.text, reference: message.notificationId },
  };
}

/** The gateway's id for the message: `sid` (Twilio's name), else `id` or `messageId`. */
export function receiptFromGatewayReply(reply: unknown): DeliveryReceipt {
  if (typeof reply !== 'object' || reply === null) return {};
  const fields = reply as Record<string, unknown>;
  const id = [fields.sid, fields.id, fields.messageId].find(
    (value) => typeof value === 'string' || typeof value === 'number',
  );
  return id === undefined ? {} : { providerMessageId: String(id) };
}

/**
 * 400 and 422 are the gateway refusing this message (an invalid number, say): permanent. Every
 * other failure status (401/403 a wrong token, 404 a wrong URL, 408, 429, 5xx) is the gateway
 * being unusable for now, which the breaker counts and the bus retries.
 */
export function isRefusedByGateway(status: number): boolean {
  return status === 400 || status === 422;
}

/** SMS through an HTTP gateway: one JSON POST per message; 2xx means accepted. */
export class SmsWebhookProvider implements NotificationProvider {
  readonly name = 'sms-webhook';

  constructor(private readonly options: SmsWebhookOptions) {}

  async send(message: OutgoingMessage): Promise<DeliveryReceipt> {
    const { headers, body } = smsWebhookRequest(message, this.options.token);
    const response = await fetch(this.options.url, {
      method: 'POST',
      headers,
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(this.options.timeoutMs),
    });
    const text = await response.text();
    if (!response.ok) {
      const detail = `SMS gateway answered ${response.status}: ${text.slice(0, 200)}`;
      if (isRefusedByGateway(response.status)) throw new MessageRefusedError(detail);
      throw new Error(detail);
    }
    return receiptFromGatewayReply(parseJson(text));
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
