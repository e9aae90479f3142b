import fs from 'node:fs';
import path from 'node:path';
import dotenv from 'dotenv';
import type Joi from 'joi';

/** One setting: the environment variable it comes from, what it means, and its type with default. */
export interface Setting<T> {
  env: string;
  doc: string;
  schema: Joi.Schema<T>;
}

export type ConfigDefinition = Record<string, Setting<unknown>>;

export type ConfigOf<D extends ConfigDefinition> = {
  [K in keyof D]: D[K] extends Setting<infer T> ? T : never;
};

export function setting<T>(env: string, doc: string, schema: Joi.Schema<T>): Setting<T> {
  return { env, doc, schema };
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

/**
 * Reads and validates every setting at once, so a bad start-up names all that is wrong, not
 * the first thing. Values come from the process environment; `envFiles` (a service's `.env`,
 * then the repo's) fill in what it lacks, and defaults (the values of `.env.example`) the rest.
 */
export function loadConfig<D extends ConfigDefinition>(
  definition: D,
  options: { env?: NodeJS.ProcessEnv; envFiles?: string[] } = {},
): ConfigOf<D> {
  const env = mergedEnvironment(options.envFiles ?? [], options.env ?? process.env);
  const problems: string[] = [];
  const config: Record<string, unknown> = {};
  for (const [key, { env: name, schema }] of Object.entries(definition)) {
    const { value, error } = schema.validate(env[name], { convert: true });
    if (error) problems.push(`${name}: ${error.message.replace(/^"value" /, '')}`);
    else config[key] = value;
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return config as ConfigOf<D>;
}

/** A service's `.env`, then the repo's: where its settings come from beside the environment. */
export function serviceEnvFiles(serviceRoot: string): string[] {
  return [path.join(serviceRoot, '.env'), path.join(serviceRoot, '..', '..', '.env')];
}

/**
 * The environment with what `envFiles` (first file first) add to it. Later sources win; an empty
 * value counts as unset, so it never hides a value from an earlier source (docker-compose passes
 * `X: ${X}` as '' when the host has no X).
 */
export function mergedEnvironment(
  envFiles: string[],
  processEnv: NodeJS.ProcessEnv = process.env,
): Record<string, string> {
  const env: Record<string, string> = {};
  const fileValues = [...envFiles]
    .reverse()
    .filter((file) => fs.existsSync(file))
    .map((file) => dotenv.parse(fs.readFileSync(file)));
  for (const source of [...fileValues, processEnv]) {
    for (const [name, value] of Object.entries(source)) {
      if (value !== undefined && value !== '') env[name] = value;
    }
  }
  return env;
}
