/** The channels a template is written for; a `log` record uses the email template (see rules). */
export type TemplateType = 'email' | 'sms';

/**
 * One template for one channel. The contract lists templates as `{name, type, subject?, body,
 * variables}`, one `type` and one `body` each, so a name has one template per channel
 * (`order_confirmation` email, `order_confirmation` sms) rather than one with all channels.
 * `body` is plain text; an email also has `htmlBody`, in which variable values are HTML-escaped.
 */
export interface NotificationTemplate {
  name: string;
  type: TemplateType;
  subject?: string;
  body: string;
  htmlBody?: string;
  /** Every `{{variable}}` the template uses: a request must give them all. */
  variables: string[];
}

/** Values a request or an event gives for a template's `{{variables}}`. */
export type TemplateVariables = Record<string, string | number>;

/** A template with its variables filled in: what a provider sends. */
export interface RenderedMessage {
  subject?: string;
  text: string;
  html?: string;
}
