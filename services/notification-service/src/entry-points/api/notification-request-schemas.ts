import Joi from 'joi';
import type { Page } from '@ecommerce/shared';
import { paginationKeys } from '@ecommerce/shared';
import type { NotificationRequest } from '../../domain/notification';
import { NOTIFICATION_STATUSES } from '../../domain/notification';
import type { NotificationFilter } from '../../domain/notification-ports';

const MAX_VARIABLES = 50;
const MAX_VARIABLE_LENGTH = 1000;

const emailRecipient = Joi.string()
  .email({ tlds: false })
  .max(254)
  .messages({ 'string.email': 'recipient must be an email address for type email' });

const phoneRecipient = Joi.string()
  .pattern(/^\+\d{8,15}$/)
  .messages({
    'string.pattern.base': 'recipient must be E.164 (+ and 8 to 15 digits) for type sms',
  });

export const templateName = Joi.string()
  .pattern(/^[A-Za-z0-9_.-]{1,64}$/)
  .messages({ 'string.pattern.base': 'template must be 1 to 64 letters, digits, _ . or -' });

/**
 * Variable names are identifiers, which also keeps `$`-operators and dotted paths out; values
 * are strings or numbers, nothing nested.
 */
const variables = Joi.object()
  .pattern(
    /^[A-Za-z_][A-Za-z0-9_]{0,63}$/,
    Joi.alternatives().try(Joi.string().max(MAX_VARIABLE_LENGTH), Joi.number()),
  )
  .max(MAX_VARIABLES)
  .description(
    "Values for the template's {{variables}}: names are identifiers, values strings or numbers",
  );

export const notificationRequestBody = Joi.object<NotificationRequest>({
  type: Joi.string().valid('email', 'sms').required(),
  recipient: Joi.string()
    .required()
    .when('type', { is: 'email', then: emailRecipient, otherwise: phoneRecipient })
    .description('An email address for type email, an E.164 number (+ and 8 to 15 digits) for sms'),
  template: templateName.required().description('A template of that type (GET /api/templates)'),
  variables,
});

export const listNotificationsQuery = Joi.object<NotificationFilter & Page>({
  orderId: Joi.string().min(1).max(200),
  recipient: Joi.string().min(1).max(320),
  status: Joi.string()
    .valid(...NOTIFICATION_STATUSES)
    .description('Only notifications in this state (PENDING: not sent yet)'),
  ...paginationKeys,
});
