import { defaultTemplates } from './default-templates';
import type { NotificationDependencies } from './notification-ports';

/** On start: adds the default templates the database lacks, keeping any that were edited. */
export async function seedDefaultTemplates({
  templates,
  logger,
}: Pick<NotificationDependencies, 'templates' | 'logger'>): Promise<void> {
  const added = await templates.insertMissing(defaultTemplates);
  if (added.length > 0) logger.info('Seeded notification templates', { added });
}
