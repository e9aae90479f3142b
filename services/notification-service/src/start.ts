import type { RunningService } from '@ecommerce/shared';
import { errorFields, shortestRetrySpanMs, startService } from '@ecommerce/shared';
import type { NotificationServiceConfig } from './config';
import { SERVICE_NAME } from './config';
import { NotificationRepository } from './data-access/notification-repository';
import { TemplateRepository } from './data-access/template-repository';
import type { NotificationDependencies } from './domain/notification-ports';
import type { ProvidersByChannel } from './domain/notification-provider';
import { attemptsForProviderOutage } from './domain/retry-budget';
import { seedDefaultTemplates } from './domain/seed-default-templates';
import { notificationRouter } from './entry-points/api/notification-routes';
import { templateRouter } from './entry-points/api/template-routes';
import { notificationApiDocument } from './entry-points/api/notification-openapi';
import { subscribeNotificationHandlers } from './entry-points/events/subscriptions';
import type { NotificationProviders } from './providers/notification-providers';
import { createNotificationProviders, providerHealth } from './providers/notification-providers';

export interface NotificationServiceOptions {
  /**
   * Replaces the providers of every channel, used as given: no breaker, no SMTP or gateway
   * (tests script failures with them).
   */
  providers?: ProvidersByChannel;
}

/** The notification service's composition root: repositories, providers, handlers and routes. */
export function startNotificationService(
  config: NotificationServiceConfig,
  options: NotificationServiceOptions = {},
): Promise<RunningService> {
  // Enough attempts that a provider down for PROVIDER_OUTAGE_TOLERANCE_MS costs no notification.
  const maxAttempts = attemptsForProviderOutage({
    maxAttempts: config.maxAttempts,
    retryBaseDelayMs: config.retryBaseDelayMs,
    outageMs: config.providerOutageToleranceMs,
    breakerResetMs: config.breakerResetTimeoutMs,
    providerTimeoutMs: config.providerTimeoutMs,
  });
  return startService({
    name: SERVICE_NAME,
    config: { ...config, maxAttempts },
    compose: ({ db, bus, stores, logger, metrics }) => {
      if (maxAttempts !== config.maxAttempts) {
        logger.info('More attempts than MAX_ATTEMPTS, to outlast a provider outage', {
          maxAttempts,
          retriesSpanAtLeastMs: shortestRetrySpanMs(maxAttempts, config.retryBaseDelayMs),
          providerOutageToleranceMs: config.providerOutageToleranceMs,
        });
      }
      const providers: NotificationProviders = options.providers
        ? { byChannel: options.providers, close: () => undefined }
        : createNotificationProviders(config, { logger, metrics });
      const { byChannel } = providers;
      const templates = new TemplateRepository(db, config.templateRefreshIntervalMs);
      const notifications = new NotificationRepository(db, stores);
      const dependencies: NotificationDependencies = {
        notifications,
        templates,
        providers: byChannel,
        logger,
      };
      subscribeNotificationHandlers(bus, dependencies);
      return {
        apiDocument: notificationApiDocument,
        routers: [notificationRouter(dependencies, config.adminToken), templateRouter(templates)],
        // A provider that is down delays notifications (they are retried) but the service works.
        healthChecks: [
          { name: 'smtp', critical: false, status: () => providerHealth(byChannel.email) },
          { name: 'sms', critical: false, status: () => providerHealth(byChannel.sms) },
        ],
        onStart: async () => {
          await seedDefaultTemplates({ templates, logger });
          await templates.startRefreshing((error) =>
            logger.warn('Reloading notification templates failed', errorFields(error)),
          );
        },
        // After the last messages were taken and handled (within the shutdown budget).
        onStop: () => {
          templates.stopRefreshing();
          providers.close();
        },
      };
    },
  });
}
