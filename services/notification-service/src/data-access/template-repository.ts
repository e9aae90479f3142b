import type { Connection, Model } from 'mongoose';
import { isDuplicateKeyError } from '@ecommerce/shared';
import type { TemplateRepositoryPort } from '../domain/notification-ports';
import type { NotificationTemplate, TemplateType } from '../domain/template';
import type { TemplateDocument } from './template-model';
import { templateId, templateModel } from './template-model';

/**
 * Notification templates in MongoDB, returned as plain `NotificationTemplate` objects. They are
 * seeded and rarely change, so they are answered from memory: loaded at start, after every
 * insert, on a miss, and again every `refreshIntervalMs` (an edit made in the database, or a
 * template deleted there, shows up then).
 */
export class TemplateRepository implements TemplateRepositoryPort {
  private readonly model: Model<TemplateDocument>;
  private cache = new Map<string, NotificationTemplate>();
  private refreshTimer?: NodeJS.Timeout;

  constructor(
    connection: Connection,
    private readonly refreshIntervalMs: number,
  ) {
    this.model = templateModel(connection);
  }

  async find(name: string, type: TemplateType): Promise<NotificationTemplate | null> {
    const id = templateId(name, type);
    const cached = this.cache.get(id);
    if (cached) return cached;
    const document = await this.model.findById(id).lean();
    if (!document) return null;
    const template = toTemplate(document);
    this.cache.set(id, template);
    return template;
  }

  /** Every template, by name then channel, as the service currently uses them (from memory). */
  list(): NotificationTemplate[] {
    return [...this.cache.values()].sort(
      (a, b) => a.name.localeCompare(b.name) || a.type.localeCompare(b.type),
    );
  }

  /** Loads every template into memory, and keeps doing so on a timer until `stopRefreshing`. */
  async startRefreshing(onError: (error: unknown) => void): Promise<void> {
    await this.reload();
    this.refreshTimer = setInterval(
      () => void this.reload().catch(onError),
      this.refreshIntervalMs,
    );
    this.refreshTimer.unref();
  }

  stopRefreshing(): void {
    clearInterval(this.refreshTimer);
  }

  /**
   * Inserts the templates that do not exist yet and leaves the others as they are (someone may
   * have edited them). Safe when several instances start at once: the `_id` insert is atomic.
   * Returns the ids it added.
   */
  async insertMissing(templates: NotificationTemplate[]): Promise<string[]> {
    const added: string[] = [];
    for (const template of templates) {
      const id = templateId(template.name, template.type);
      try {
        await this.model.create({ _id: id, ...template, createdAt: new Date() });
        added.push(id);
      } catch (error) {
        if (!isDuplicateKeyError(error)) throw error;
      }
    }
    if (added.length > 0) await this.reload();
    return added;
  }

  private async reload(): Promise<void> {
    const documents = await this.model.find().lean();
    this.cache = new Map(documents.map((document) => [document._id, toTemplate(document)]));
  }
}

function toTemplate(document: TemplateDocument): NotificationTemplate {
  return {
    name: document.name,
    type: document.type,
    ...(document.subject !== undefined && { subject: document.subject }),
    body: document.body,
    ...(document.htmlBody !== undefined && { htmlBody: document.htmlBody }),
    variables: [...document.variables],
  };
}
