import type { Logger, ServiceMetrics } from '@ecommerce/shared';
import type { NotificationServiceConfig } from '../config';
import type { NotificationProvider, ProvidersByChannel } from '../domain/notification-provider';
import type { BreakerSettings } from './circuit-breaker-provider';
import { BreakerGuardedProvider } from './circuit-breaker-provider';
import { LogNotificationProvider } from './log-notification-provider';
import { createProviderMetrics } from './provider-metrics';
import { SmsWebhookProvider } from './sms-webhook-provider';
import { SmtpNotificationProvider } from './smtp-notification-provider';

/** The providers of the three channels, and how to release them when the service stops. */
export interface NotificationProviders {
  byChannel: ProvidersByChannel;
  close: () => void;
}

/**
 * What `/api/health` says of a channel's provider: its breaker's state (`closed`, `half-open`,
 * `open`), or the provider's name when it has no breaker (`log` when not configured).
 */
export function providerHealth(provider: NotificationProvider): string {
  return provider instanceof BreakerGuardedProvider ? provider.state() : provider.name;
}

/**
 * Email over SMTP when SMTP_URL is set, SMS through the gateway when SMS_WEBHOOK_URL is set, each
 * behind its own circuit breaker; the log for any channel without one, and for orders without
 * contact data.
 */
export function createNotificationProviders(
  config: NotificationServiceConfig,
  { logger, metrics }: { logger: Logger; metrics: ServiceMetrics },
): NotificationProviders {
  const log = new LogNotificationProvider(logger);
  const providerMetrics = createProviderMetrics(metrics.registry);
  const breaker: BreakerSettings = {
    timeoutMs: config.providerTimeoutMs,
    errorThresholdPercent: config.breakerErrorThresholdPercent,
    volumeThreshold: config.breakerVolumeThreshold,
    resetTimeoutMs: config.breakerResetTimeoutMs,
  };
  const guard = (channel: string, provider: NotificationProvider) =>
    new BreakerGuardedProvider(channel, provider, breaker, providerMetrics, logger);

  let smtp: SmtpNotificationProvider | undefined;
  let email: NotificationProvider = log;
  if (config.smtpUrl) {
    smtp = new SmtpNotificationProvider({
      url: config.smtpUrl,
      from: config.mailFrom,
      timeoutMs: config.providerTimeoutMs,
    });
    email = guard('smtp', smtp);
    logger.info('Email goes out over SMTP', { smtp: withoutCredentials(config.smtpUrl) });
  } else {
    logger.info('Email goes to the log: SMTP_URL is not set');
  }

  let sms: NotificationProvider = log;
  if (config.smsWebhookUrl) {
    const gateway = new SmsWebhookProvider({
      url: config.smsWebhookUrl,
      token: config.smsWebhookToken,
      timeoutMs: config.providerTimeoutMs,
    });
    sms = guard('sms', gateway);
    logger.info('SMS goes to the gateway', { gateway: withoutCredentials(config.smsWebhookUrl) });
  } else {
    logger.info('SMS goes to the log: SMS_WEBHOOK_URL is not set');
  }

  return {
    byChannel: { email, sms, log },
    close: () => {
      for (const provider of [email, sms]) {
        if (provider instanceof BreakerGuardedProvider) provider.shutdown();
      }
      smtp?.close();
    },
  };
}

/** A URL fit for the log: scheme, host and path, never a user name or password. */
export function withoutCredentials(url: string): string {
  const parsed = new URL(url);
  parsed.username = '';
  parsed.password = '';
  parsed.search = '';
  return parsed.toString();
}
