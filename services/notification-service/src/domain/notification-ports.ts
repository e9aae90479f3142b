import type { Logger } from '@ecommerce/shared';
import type { NotificationRepository } from '../data-access/notification-repository';
import type { TemplateRepository } from '../data-access/template-repository';
import type { ProvidersByChannel } from './notification-provider';

/** What the notification use cases need from the outside world. */
export interface NotificationDependencies {
  notifications: NotificationRepository;
  templates: TemplateRepository;
  providers: ProvidersByChannel;
  logger: Logger;
}
