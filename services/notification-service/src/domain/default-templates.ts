import { placeholdersOf } from './template-rendering';
import type { NotificationTemplate } from './template';

/** Order notifications carry these; `order_confirmation` must need nothing else (the contract's example). */
export const ORDER_CONFIRMATION = 'order_confirmation';
export const ORDER_CANCELLED = 'order_cancelled';

/** A template whose `variables` are read from its texts, so the list can never drift from them. */
function template(definition: Omit<NotificationTemplate, 'variables'>): NotificationTemplate {
  const { subject, body, htmlBody } = definition;
  return { ...definition, variables: placeholdersOf(subject, body, htmlBody) };
}

/** Seeded into an empty database on first start; existing templates are never overwritten. */
export const defaultTemplates: NotificationTemplate[] = [
  template({
    name: ORDER_CONFIRMATION,
    type: 'email',
    subject: 'Your order {{orderId}} is confirmed',
    body: 'Thank you for your order.\n\nOrder {{orderId}} is confirmed. Total: {{total}}.',
    htmlBody:
      '<p>Thank you for your order.</p>' +
      '<p>Order <strong>{{orderId}}</strong> is confirmed. Total: {{total}}.</p>',
  }),
  template({
    name: ORDER_CONFIRMATION,
    type: 'sms',
    body: 'Order {{orderId}} is confirmed. Total: {{total}}.',
  }),
  template({
    name: ORDER_CANCELLED,
    type: 'email',
    subject: 'Your order {{orderId}} was cancelled',
    body: 'Order {{orderId}} (total {{total}}) was cancelled.\n\nReason: {{reason}}',
    htmlBody:
      '<p>Order <strong>{{orderId}}</strong> (total {{total}}) was cancelled.</p>' +
      '<p>Reason: {{reason}}</p>',
  }),
  template({
    name: ORDER_CANCELLED,
    type: 'sms',
    body: 'Order {{orderId}} (total {{total}}) was cancelled: {{reason}}',
  }),
];
