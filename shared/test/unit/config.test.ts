import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Joi from 'joi';
import { ConfigError, loadConfig, setting } from '../../src/config/config';
import { serviceSettings } from '../../src/lifecycle/service-settings';
import { MAX_ATTEMPTS_LIMIT } from '../../src/messaging/retry-schedule';

const definition = {
  port: setting('PORT', 'HTTP port', Joi.number().port().default(3000)),
  label: setting('SERVICE_LABEL', 'A label', Joi.string().default('default-label')),
  verbose: setting('VERBOSE', 'Chatty logs', Joi.boolean().default(false)),
  attempts: setting('MAX_ATTEMPTS', 'Attempts', Joi.number().integer().min(1).default(5)),
};

const createdFiles: string[] = [];

/** Writes an env file with a unique name in the OS temp directory; removed after each test. */
function envFile(content: string): string {
  const file = path.join(os.tmpdir(), `config-test-${process.pid}-${randomUUID()}.env`);
  fs.writeFileSync(file, content);
  createdFiles.push(file);
  return file;
}

afterEach(() => {
  for (const file of createdFiles.splice(0)) fs.rmSync(file, { force: true });
});

function configErrorOf(run: () => unknown): ConfigError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('when nothing is set, then every setting has its default', () => {
    expect(loadConfig(definition, { env: {} })).toEqual({
      port: 3000,
      label: 'default-label',
      verbose: false,
      attempts: 5,
    });
  });

  it('when the service settings are loaded from an empty environment, then they are the .env.example values', () => {
    expect(
      loadConfig(serviceSettings({ port: 3001, database: 'order-service' }), { env: {} }),
    ).toEqual({
      port: 3001,
      httpMaxRequestsInProgress: 512,
      httpMaxQueuedRequests: 8192,
      httpMaxQueueWaitMs: 10_000,
      logLevel: 'info',
      mongodbUri: 'mongodb://127.0.0.1:27017/order-service',
      rabbitmqUrl: 'amqp://user:password@127.0.0.1:5672',
      eventExchange: 'ecommerce.events',
      adminToken: 'dev-admin-token-change-me',
      prefetch: 10,
      maxAttempts: 5,
      maxDeliveries: 5,
      reconnectMaxDelayMs: 1_000,
      retryBaseDelayMs: 1000,
      outboxPollIntervalMs: 1000,
      retentionHours: 48,
      shutdownTimeoutMs: 8000,
    });
  });

  it('when the environment sets values, then they override the defaults, converted to their types', () => {
    const config = loadConfig(definition, {
      env: { PORT: '4000', SERVICE_LABEL: 'blue', VERBOSE: 'true', MAX_ATTEMPTS: '3' },
    });
    expect(config).toEqual({ port: 4000, label: 'blue', verbose: true, attempts: 3 });
    expect(typeof config.port).toBe('number');
  });

  it('when a variable is an empty string, then it counts as unset and the default applies', () => {
    expect(loadConfig(definition, { env: { PORT: '', SERVICE_LABEL: '' } })).toMatchObject({
      port: 3000,
      label: 'default-label',
    });
  });

  it('when the environment has unrelated variables, then they are ignored', () => {
    expect(
      loadConfig(definition, { env: { PATH: '/usr/bin', UNRELATED: 'x' } }),
    ).not.toHaveProperty('UNRELATED');
  });

  it('when no env option is given, then the process environment is read', () => {
    const name = `CONFIG_TEST_${randomUUID().replace(/-/g, '_')}`;
    process.env[name] = 'from-process';
    try {
      const config = loadConfig({ value: setting(name, 'test', Joi.string().default('default')) });
      expect(config.value).toBe('from-process');
    } finally {
      delete process.env[name];
    }
  });

  it('when an env file sets what the environment lacks, then the file fills the gap', () => {
    const file = envFile('PORT=4100\nSERVICE_LABEL=from-file\n');
    expect(loadConfig(definition, { env: {}, envFiles: [file] })).toMatchObject({
      port: 4100,
      label: 'from-file',
    });
  });

  it('when the environment and an env file both set a variable, then the environment wins', () => {
    const file = envFile('PORT=4100\nSERVICE_LABEL=from-file\n');
    expect(loadConfig(definition, { env: { PORT: '4200' }, envFiles: [file] })).toMatchObject({
      port: 4200,
      label: 'from-file',
    });
  });

  it('when two env files set a variable, then the first file wins and the later one fills the rest', () => {
    const service = envFile('PORT=4300\n');
    const repo = envFile('PORT=4400\nSERVICE_LABEL=from-repo\n');
    expect(loadConfig(definition, { env: {}, envFiles: [service, repo] })).toMatchObject({
      port: 4300,
      label: 'from-repo',
    });
  });

  it('when an env file does not exist, then it is skipped', () => {
    const missing = path.join(os.tmpdir(), `config-test-missing-${randomUUID()}.env`);
    const present = envFile('SERVICE_LABEL=present\n');
    expect(loadConfig(definition, { env: {}, envFiles: [missing, present] })).toMatchObject({
      label: 'present',
      port: 3000,
    });
  });

  it('when an env file has comments, quotes and blank lines, then they are read the dotenv way', () => {
    const file = envFile('# a comment\n\nSERVICE_LABEL="quoted value"\nVERBOSE=true # trailing\n');
    expect(loadConfig(definition, { env: {}, envFiles: [file] })).toMatchObject({
      label: 'quoted value',
      verbose: true,
    });
  });

  // Bug: the environment's empty string is copied over the file's value before the "empty counts
  // as unset" rule applies, so the file cannot fill that gap and the default wins instead.
  it('when the environment has an empty string and an env file has a value, then the file value is used', () => {
    const file = envFile('SERVICE_LABEL=from-file\n');
    expect(loadConfig(definition, { env: { SERVICE_LABEL: '' }, envFiles: [file] })).toMatchObject({
      label: 'from-file',
    });
  });

  // The same bug between files: an empty value in the first file hides the later file's value.
  it('when the first env file has an empty value and a later one a value, then the later value is used', () => {
    const service = envFile('SERVICE_LABEL=\n');
    const repo = envFile('SERVICE_LABEL=from-repo\n');
    expect(loadConfig(definition, { env: {}, envFiles: [service, repo] })).toMatchObject({
      label: 'from-repo',
    });
  });

  it('when one value is invalid, then a ConfigError names its env var and the problem', () => {
    const error = configErrorOf(() => loadConfig(definition, { env: { PORT: 'eighty' } }));
    expect(error.name).toBe('ConfigError');
    expect(error.problems).toEqual(['PORT: must be a number']);
    expect(error.message).toBe('Invalid configuration:\n  - PORT: must be a number');
  });

  it('when several values are invalid, then all problems are reported at once', () => {
    const error = configErrorOf(() =>
      loadConfig(definition, {
        env: { PORT: '70000', VERBOSE: 'maybe', MAX_ATTEMPTS: '0', SERVICE_LABEL: 'fine' },
      }),
    );
    expect(error.problems).toHaveLength(3);
    expect(error.problems[0]).toMatch(/^PORT: /);
    expect(error.problems[1]).toMatch(/^VERBOSE: /);
    expect(error.problems[2]).toBe('MAX_ATTEMPTS: must be greater than or equal to 1');
    for (const name of ['PORT', 'VERBOSE', 'MAX_ATTEMPTS']) expect(error.message).toContain(name);
    expect(error.message).not.toContain('SERVICE_LABEL');
  });

  it('when an invalid value comes from an env file, then it is reported under its env var too', () => {
    const file = envFile('MAX_ATTEMPTS=lots\n');
    const error = configErrorOf(() => loadConfig(definition, { env: {}, envFiles: [file] }));
    expect(error.problems).toEqual(['MAX_ATTEMPTS: must be a number']);
  });

  it('when service settings are wrong, then the problems name the env vars', () => {
    const error = configErrorOf(() =>
      loadConfig(serviceSettings({ port: 3001, database: 'order-service' }), {
        env: {
          MONGODB_URI: 'http://localhost/db',
          RABBITMQ_URL: 'not a url',
          ADMIN_TOKEN: 'short',
          MAX_ATTEMPTS: String(MAX_ATTEMPTS_LIMIT + 1),
        },
      }),
    );
    expect(error.problems.map((problem) => problem.split(':')[0])).toEqual([
      'MONGODB_URI',
      'RABBITMQ_URL',
      'ADMIN_TOKEN',
      'MAX_ATTEMPTS',
    ]);
  });

  it("when MAX_ATTEMPTS is the bus's attempt limit, then it is taken, and one more is refused", () => {
    const settings = serviceSettings({ port: 3001, database: 'order-service' });
    const atLimit = loadConfig(settings, { env: { MAX_ATTEMPTS: String(MAX_ATTEMPTS_LIMIT) } });
    expect(atLimit.maxAttempts).toBe(MAX_ATTEMPTS_LIMIT);
    const error = configErrorOf(() =>
      loadConfig(settings, { env: { MAX_ATTEMPTS: String(MAX_ATTEMPTS_LIMIT + 1) } }),
    );
    expect(error.problems).toEqual([
      `MAX_ATTEMPTS: must be less than or equal to ${MAX_ATTEMPTS_LIMIT}`,
    ]);
  });

  it.each([
    'mongodb://mongodb-0.mongodb,mongodb-1.mongodb,mongodb-2.mongodb/order-service?replicaSet=rs0&w=majority',
    'mongodb://a:27017,b:27017/order-service',
    'mongodb+srv://cluster.example.com/order-service',
  ])('when MONGODB_URI is %p (a replica set or SRV), then it is taken', (uri) => {
    const config = loadConfig(serviceSettings({ port: 3001, database: 'order-service' }), {
      env: { MONGODB_URI: uri },
    });
    expect(config.mongodbUri).toBe(uri);
  });

  it.each(['mongodb://', 'mongodb://host /db', 'postgres://host/db'])(
    'when MONGODB_URI is %p, then it is refused',
    (uri) => {
      const error = configErrorOf(() =>
        loadConfig(serviceSettings({ port: 3001, database: 'order-service' }), {
          env: { MONGODB_URI: uri },
        }),
      );
      expect(error.problems[0]).toMatch(/^MONGODB_URI: /);
    },
  );
});
