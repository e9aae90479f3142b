import Joi from 'joi';
import joiToJson from 'joi-to-json';
import type { JsonSchema } from './openapi-document';

/** Converts one joi schema of an operation, its named schemas going into the document's components. */
export type ToJsonSchema = (schema: Joi.Schema) => JsonSchema;

// joi-to-json's own declaration types its schema argument loosely; this is the call it serves.
const parseJoi = joiToJson as unknown as (
  schema: Joi.Schema,
  mode: 'open-api-3.1',
  definitions: Record<string, JsonSchema>,
) => JsonSchema;

/**
 * The JSON Schema of a joi schema. Schemas named with joi's `.id('Name')` go into
 * `components.schemas` (one schema per name: the same name for another schema throws) and are
 * referenced as `#/components/schemas/Name`.
 */
export function joiToJsonSchema(
  schema: Joi.Schema,
  components: Record<string, JsonSchema>,
  where = 'schema',
): JsonSchema {
  if (!Joi.isSchema(schema)) throw new Error(`${where}: not a joi schema`);
  const definitions: Record<string, JsonSchema> = {};
  const converted = parseJoi(schema, 'open-api-3.1', definitions);
  // At the top level joi-to-json also returns the named schemas, as `schemas`: they go below.
  delete converted.schemas;
  for (const [name, definition] of Object.entries(definitions)) {
    const cleaned = withoutPatternKeys(definition);
    const existing = components[name];
    if (existing && JSON.stringify(existing) !== JSON.stringify(cleaned)) {
      throw new Error(`${where}: two different schemas are named ${name}`);
    }
    components[name] = cleaned;
  }
  return withoutPatternKeys(converted);
}

/**
 * joi-to-json lists a `.pattern()` of an object twice: in `patternProperties` (right) and as a
 * property named after the regex (`"/^[a-z]+$/"`), which no real key is. The second goes.
 */
function withoutPatternKeys(schema: JsonSchema): JsonSchema {
  const cleaned: JsonSchema = {};
  for (const [keyword, value] of Object.entries(schema)) cleaned[keyword] = cleanValue(value);
  const patterns = cleaned.patternProperties as Record<string, JsonSchema> | undefined;
  const properties = cleaned.properties as Record<string, JsonSchema> | undefined;
  if (patterns && properties) {
    for (const pattern of Object.keys(patterns)) delete properties[`/${pattern}/`];
    if (Object.keys(properties).length === 0) delete cleaned.properties;
  }
  return cleaned;
}

function cleanValue(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(cleanValue);
  if (value && typeof value === 'object') return withoutPatternKeys(value as JsonSchema);
  return value;
}
