import Joi from 'joi';
import type { ApiOperation } from '@ecommerce/shared';
import {
  errorResponse,
  listPageKeys,
  serviceApiDocument,
  unavailableResponse,
} from '@ecommerce/shared';
import { SERVICE_NAME } from '../../config';
import type { Notification } from '../../domain/notification';
import type { NotificationTemplate } from '../../domain/template';
import {
  listNotificationsQuery,
  notificationRequestBody,
  templateName,
} from './notification-request-schemas';

// The notification and template routes (notification-routes.ts, template-routes.ts) for the API
// document, with the schemas that validate their requests.

const templateType = notificationRequestBody.extract('type');

const notificationSchema = Joi.object<Notification>({
  id: Joi.string()
    .required()
    .description('A UUID for a request; `<orderId>:<status>:<channel>` for an order'),
  type: Joi.string()
    .valid('email', 'sms', 'log')
    .required()
    .description('The channel; `log` for an order without contact data'),
  recipient: Joi.string().required(),
  template: templateName.required(),
  orderId: Joi.string(),
  orderStatus: Joi.string()
    .valid('CONFIRMED', 'CANCELLED')
    .description('The order status it is about'),
  status: Joi.string()
    .valid('PENDING', 'SENT', 'FAILED')
    .required()
    .description('Of the latest attempt; FAILED is attempted again unless the provider refused it'),
  attempts: Joi.number().integer().min(1).required(),
  subject: Joi.string(),
  body: Joi.string().required().description('The rendered text'),
  htmlBody: Joi.string(),
  provider: Joi.string().description('What delivered it (`log`, `smtp`, ...)'),
  providerMessageId: Joi.string(),
  error: Joi.string().description("The latest attempt's error"),
  createdAt: Joi.string().isoDate().required(),
  lastAttemptAt: Joi.string().isoDate().required(),
  sentAt: Joi.string().isoDate(),
}).id('Notification');

const notificationPageSchema = Joi.object({
  items: Joi.array().items(notificationSchema).required().description('Newest first'),
  ...listPageKeys('notifications'),
}).id('NotificationPage');

const templateSchema = Joi.object<NotificationTemplate>({
  name: templateName.required(),
  type: templateType,
  subject: Joi.string().description('Emails only'),
  body: Joi.string().required().description('Plain text with `{{variable}}` placeholders'),
  htmlBody: Joi.string().description('Emails only; variable values are HTML-escaped in it'),
  variables: Joi.array()
    .items(Joi.string())
    .required()
    .description('Every variable the template uses: a request must give them all'),
}).id('Template');

export const notificationOperations: readonly ApiOperation[] = [
  {
    operationId: 'sendNotification',
    method: 'post',
    path: '/api/notifications',
    tag: 'notifications',
    summary: 'Sends a template to one recipient',
    description:
      'Answered after the first attempt: SENT, or FAILED with the error (a provider that is down ' +
      'is attempted again with backoff).',
    admin: true,
    body: { schema: notificationRequestBody, required: true },
    responses: {
      202: { description: 'The notification record', body: notificationSchema },
      400: errorResponse('The request is invalid, or the template needs a variable not given', [
        'MISSING_TEMPLATE_VARIABLE',
      ]),
      404: errorResponse('No template of that name for that type', ['TEMPLATE_NOT_FOUND']),
      503: unavailableResponse('database'),
    },
  },
  {
    operationId: 'listNotifications',
    method: 'get',
    path: '/api/notifications',
    tag: 'notifications',
    summary: 'Notification records, newest first, optionally of one order or recipient',
    admin: true,
    query: listNotificationsQuery,
    responses: {
      200: { description: 'A page of notifications', body: notificationPageSchema },
      503: unavailableResponse('database'),
    },
  },
  {
    operationId: 'listTemplates',
    method: 'get',
    path: '/api/templates',
    tag: 'templates',
    summary: 'The templates, one per name and channel',
    responses: {
      200: { description: 'Every template', body: Joi.array().items(templateSchema) },
    },
  },
];

export const notificationApiDocument = serviceApiDocument({
  service: SERVICE_NAME,
  version: '1.0.0',
  summary:
    'Notifications: one per channel for every order that is CONFIRMED or CANCELLED ' +
    '(`order.status.updated`), and ones an admin sends.',
  operations: notificationOperations,
});
