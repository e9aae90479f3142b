import { ApiError, describeFailure } from './api-errors';

export type ServiceName = 'order-service' | 'inventory-service' | 'notification-service';

export interface CallOptions {
  method?: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  body?: unknown;
  /** The admin token, sent as `Authorization: Bearer …` when given. */
  token?: string;
  headers?: Record<string, string>;
}

/**
 * Calls a service through the console's proxy (`/<service>/api/…`, same origin) and returns its
 * JSON; a failure is thrown as an ApiError whose message is meant for a person.
 */
export async function callService<T>(
  service: ServiceName,
  path: string,
  { method = 'GET', body, token, headers = {} }: CallOptions = {},
): Promise<T> {
  let response: Response;
  try {
    response = await fetch(`/${service}${path}`, {
      method,
      headers: {
        accept: 'application/json',
        ...(body !== undefined && { 'content-type': 'application/json' }),
        ...(token && { authorization: `Bearer ${token}` }),
        ...headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, undefined, 'The console does not answer: is it still running?');
  }
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  if (!response.ok) {
    const code = (parsed as { error?: { code?: string } } | undefined)?.error?.code;
    throw new ApiError(response.status, code, describeFailure(response.status, parsed, service));
  }
  return parsed as T;
}

export interface OrderLine {
  productId: string;
  quantity: number;
  unitPrice: number;
}

export interface Order {
  id: string;
  userId: string;
  products: OrderLine[];
  totalPrice: number;
  currency: string;
  contact?: { email?: string; phone?: string };
  status: 'PENDING' | 'CONFIRMED' | 'CANCELLED';
  statusReason?: string;
  createdAt: string;
  updatedAt: string;
}

/** One step of an order's history, with the event behind it. */
export interface HistoryEntry {
  status: Order['status'];
  at: string;
  reason?: string;
  eventId: string;
  eventType: string;
  source: string;
}

export interface Product {
  productId: string;
  name: string;
  price: number;
  currency: string;
  available: number;
  reserved: number;
  updatedAt: string;
}

export interface Notification {
  id: string;
  type: 'email' | 'sms' | 'log';
  recipient: string;
  template: string;
  status: 'PENDING' | 'SENT' | 'FAILED';
  attempts: number;
  createdAt: string;
  sentAt?: string;
  error?: string;
}

export interface DeadLetter {
  eventId: string;
  routingKey: string;
  error: string;
  attempts: number;
  failedAt: string;
}

export interface Page<T> {
  items: T[];
  total: number;
  /** false when more than `total` match (the services count up to a limit). */
  totalIsExact?: boolean;
}
