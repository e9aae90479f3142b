import { MissingTemplateVariablesError } from './notification-errors';
import type { NotificationTemplate, RenderedMessage, TemplateVariables } from './template';

/** `{{name}}`, spaces inside the braces allowed; anything else in braces is left as written. */
const PLACEHOLDER = /\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g;

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Makes a value safe inside HTML text and attribute values: a customer's name cannot inject markup. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (character) => HTML_ESCAPES[character]);
}

/** The variables the texts use, each once, in order of first appearance. */
export function placeholdersOf(...texts: Array<string | undefined>): string[] {
  const names = new Set<string>();
  for (const text of texts) {
    for (const match of (text ?? '').matchAll(PLACEHOLDER)) names.add(match[1]);
  }
  return [...names];
}

/**
 * Replaces each placeholder with its value, passed through `encode`. One pass over the template,
 * so a value that itself contains `{{…}}` is never expanded.
 */
export function fillPlaceholders(
  text: string,
  variables: TemplateVariables,
  encode: (value: string) => string = (value) => value,
): string {
  return text.replace(PLACEHOLDER, (_placeholder, name: string) => {
    if (!Object.hasOwn(variables, name)) throw new Error(`Variable ${name} is missing`);
    return encode(String(variables[name]));
  });
}

/**
 * Fills a template in: subject and text as given, the HTML body with every value escaped.
 * Throws MissingTemplateVariablesError naming every variable the template uses but `variables`
 * lacks; variables the template does not use are ignored.
 */
export function renderTemplate(
  template: NotificationTemplate,
  variables: TemplateVariables,
): RenderedMessage {
  const missing = placeholdersOf(template.subject, template.body, template.htmlBody).filter(
    (name) => !Object.hasOwn(variables, name),
  );
  if (missing.length > 0) {
    throw new MissingTemplateVariablesError(template.name, template.type, missing);
  }
  return {
    ...(template.subject !== undefined && {
      subject: fillPlaceholders(template.subject, variables),
    }),
    text: fillPlaceholders(template.body, variables),
    ...(template.htmlBody !== undefined && {
      html: fillPlaceholders(template.htmlBody, variables, escapeHtml),
    }),
  };
}
