import type { Connection, Model } from 'mongoose';
import { Schema } from 'mongoose';
import type { NotificationTemplate, TemplateType } from '../domain/template';

/** One template per name and channel; `_id` is `<name>:<type>`, so seeding cannot add it twice. */
export type TemplateDocument = NotificationTemplate & { _id: string; createdAt: Date };

const templateSchema = new Schema<TemplateDocument>(
  {
    _id: { type: String, required: true },
    name: { type: String, required: true },
    type: { type: String, enum: ['email', 'sms'], required: true },
    subject: String,
    body: { type: String, required: true },
    htmlBody: String,
    variables: { type: [String], required: true },
    createdAt: { type: Date, required: true },
  },
  { collection: 'templates', versionKey: false },
);

export function templateModel(connection: Connection): Model<TemplateDocument> {
  return connection.model<TemplateDocument>('NotificationTemplate', templateSchema);
}

export function templateId(name: string, type: TemplateType): string {
  return `${name}:${type}`;
}
