import type { RunningService } from '@ecommerce/shared';
import { startService } from '@ecommerce/shared';
import type { NotificationServiceConfig } from './config';
import { SERVICE_NAME } from './config';
import { NotificationRepository } from './data-access/notification-repository';
import { TemplateRepository } from './data-access/template-repository';
import type { NotificationDependencies } from './domain/notification-ports';
import type { ProvidersByChannel } from './domain/notification-provider';
import { seedDefaultTemplates } from './domain/seed-default-templates';
import { notificationRouter } from './entry-points/api/notification-routes';
import { templateRouter } from './entry-points/api/template-routes';
import { subscribeNotificationHandlers } from './entry-points/events/subscriptions';
import { LogNotificationProvider } from './providers/log-notification-provider';

export interface NotificationServiceOptions {
  /** Replaces the log provider of every channel (tests script failures with it). */
  providers?: ProvidersByChannel;
}

/** The notification service's composition root: repositories, providers, handlers and routes. */
export function startNotificationService(
  config: NotificationServiceConfig,
  options: NotificationServiceOptions = {},
): Promise<RunningService> {
  return startService({
    name: SERVICE_NAME,
    config,
    compose: ({ db, bus, locks, logger }) => {
      const templates = new TemplateRepository(db);
      // No email or SMS provider exists yet: the log delivers every channel, and each record
      // keeps the channel asked for in `type` and names the log in `provider`.
      const logProvider = new LogNotificationProvider(logger);
      const dependencies: NotificationDependencies = {
        notifications: new NotificationRepository(db),
        templates,
        providers: options.providers ?? { email: logProvider, sms: logProvider, log: logProvider },
        locks,
        logger,
      };
      subscribeNotificationHandlers(bus, dependencies);
      return {
        routers: [notificationRouter(dependencies, config.adminToken), templateRouter(templates)],
        onStart: () => seedDefaultTemplates({ templates, logger }),
      };
    },
  });
}
