import path from 'node:path';
import Joi from 'joi';
import type { ConfigOf } from '@ecommerce/shared';
import { loadServiceConfig, serviceSettings, setting } from '@ecommerce/shared';
import { DELIVERY_LEASE_MS } from './domain/notification-rules';
import { SERVICE_NAME } from './service-name';

export { SERVICE_NAME };

/** An optional URL: empty (the default) means "deliver this channel to the log". */
const optionalUrl = (schemes: string[]) =>
  Joi.string().uri({ scheme: schemes }).allow('').default('');

/**
 * The shared settings plus the providers and their circuit breakers. The breaker defaults are
 * explained in the README ("Notifications: email, SMS and their circuit breakers").
 */
export const notificationServiceSettings = {
  ...serviceSettings({ port: 3003, database: SERVICE_NAME }),
  smtpUrl: setting(
    'SMTP_URL',
    'SMTP server for email, e.g. smtp://127.0.0.1:1025 (empty: email goes to the log)',
    optionalUrl(['smtp', 'smtps']),
  ),
  mailFrom: setting('MAIL_FROM', 'Sender of every email', Joi.string().default('shop@example.com')),
  smsWebhookUrl: setting(
    'SMS_WEBHOOK_URL',
    'SMS gateway that takes a JSON POST per message (empty: SMS goes to the log)',
    optionalUrl(['http', 'https']),
  ),
  smsWebhookToken: setting(
    'SMS_WEBHOOK_TOKEN',
    'Sent as "Authorization: Bearer <token>" to the SMS gateway when set',
    Joi.string().allow('').default(''),
  ),
  providerTimeoutMs: setting(
    'PROVIDER_TIMEOUT_MS',
    'Longest an email or SMS provider may take to accept a message (below the delivery lease)',
    Joi.number()
      .integer()
      .min(100)
      .max(DELIVERY_LEASE_MS - 1000)
      .default(5000),
  ),
  breakerErrorThresholdPercent: setting(
    'BREAKER_ERROR_THRESHOLD_PERCENT',
    "Share of a provider's calls in the last 10 s that must fail to open its breaker",
    Joi.number().min(1).max(100).default(50),
  ),
  breakerVolumeThreshold: setting(
    'BREAKER_VOLUME_THRESHOLD',
    'Calls a provider must have had in the last 10 s before its breaker may open',
    Joi.number().integer().min(1).default(5),
  ),
  breakerResetTimeoutMs: setting(
    'BREAKER_RESET_TIMEOUT_MS',
    'How long an open breaker fails fast before it lets one probe call through',
    Joi.number().integer().min(100).default(10_000),
  ),
  templateRefreshIntervalMs: setting(
    'TEMPLATE_REFRESH_INTERVAL_MS',
    'How often the templates kept in memory are read again (an edit in the database shows then)',
    Joi.number().integer().min(50).default(60_000),
  ),
  providerOutageToleranceMs: setting(
    'PROVIDER_OUTAGE_TOLERANCE_MS',
    'Provider outage the retries must outlast; raises MAX_ATTEMPTS for this service as needed (0: off)',
    Joi.number().integer().min(0).default(60_000),
  ),
};

export type NotificationServiceConfig = ConfigOf<typeof notificationServiceSettings>;

export function loadNotificationServiceConfig(
  env: NodeJS.ProcessEnv = process.env,
): NotificationServiceConfig {
  return loadServiceConfig(notificationServiceSettings, path.resolve(__dirname, '..'), env);
}
