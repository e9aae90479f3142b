import type { Connection, Model } from 'mongoose';
import { isDuplicateKeyError } from '@ecommerce/shared';
import type { NotificationTemplate, TemplateType } from '../domain/template';
import type { TemplateDocument } from './template-model';
import { templateId, templateModel } from './template-model';

/** Notification templates in MongoDB, returned as plain `NotificationTemplate` objects. */
export class TemplateRepository {
  private readonly model: Model<TemplateDocument>;

  constructor(connection: Connection) {
    this.model = templateModel(connection);
  }

  async find(name: string, type: TemplateType): Promise<NotificationTemplate | null> {
    const document = await this.model.findById(templateId(name, type)).lean();
    return document && toTemplate(document);
  }

  async list(): Promise<NotificationTemplate[]> {
    const documents = await this.model.find().sort({ name: 1, type: 1 }).lean();
    return documents.map(toTemplate);
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
    return added;
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
