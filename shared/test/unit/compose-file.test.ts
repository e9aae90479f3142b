// Static checks of what runs the system outside the TypeScript code: the demo's
// docker-compose.yml, the Dockerfile and the .env.example files, against the settings the
// services know (shared/src/lifecycle/service-settings.ts). Needs no Docker and no running server.
import fs from 'node:fs';
import path from 'node:path';
import dotenv from 'dotenv';
import { parse } from 'yaml';
import type { ConfigDefinition } from '@ecommerce/shared';
import { loadConfig } from '@ecommerce/shared';
import { consoleSettings } from '../../../services/console/src/server/config';
import { inventoryServiceSettings } from '../../../services/inventory-service/src/config';
import { notificationServiceSettings } from '../../../services/notification-service/src/config';
import { orderServiceSettings } from '../../../services/order-service/src/config';
import { serviceHeapFlags } from '../support/service-heap-flags';

/** The repository's root: the nearest folder above this file that holds package-lock.json. */
function findRepoRoot(start: string): string {
  let dir = start;
  while (!fs.existsSync(path.join(dir, 'package-lock.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`No package-lock.json above ${start}`);
    dir = parent;
  }
  return dir;
}

const ROOT = findRepoRoot(__dirname);
const CONTAINER_PORT = 3000;

interface AppService {
  name: string;
  hostPort: number;
  /** Every setting the service reads (a service with settings of its own lists them here). */
  settings: ConfigDefinition;
}

const APP_SERVICES: AppService[] = [
  {
    name: 'order-service',
    hostPort: 3001,
    settings: orderServiceSettings,
  },
  {
    name: 'inventory-service',
    hostPort: 3002,
    settings: inventoryServiceSettings,
  },
  { name: 'notification-service', hostPort: 3003, settings: notificationServiceSettings },
];

// ---- docker-compose.yml, as far as these checks need it ---------------------------------------

type EnvValue = string | number | boolean | null;
interface ComposeService {
  image?: string;
  build?:
    string | { context?: string; dockerfile?: string; args?: Record<string, EnvValue> | string[] };
  ports?: Array<string | number | { target: number; published?: number | string }>;
  environment?: Record<string, EnvValue> | string[];
  depends_on?: string[] | Record<string, { condition?: string }>;
  healthcheck?: { test?: string | string[]; disable?: boolean };
}
interface ComposeFile {
  services: Record<string, ComposeService>;
}

const compose = parse(fs.readFileSync(path.join(ROOT, 'docker-compose.yml'), 'utf8'), {
  merge: true, // `<<: *anchor`, as docker compose reads it
}) as ComposeFile;

function serviceOf(name: string): ComposeService {
  const service = compose.services[name];
  if (!service) throw new Error(`docker-compose.yml has no service ${name}`);
  return service;
}

/** Compose's variable interpolation (`${VAR}`, `${VAR:-default}`, `${VAR-default}`, `$VAR`, `$$`). */
function interpolate(value: string, env: Record<string, string | undefined> = {}): string {
  return value.replace(
    /\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g,
    (match, braced?: string, operator?: string, argument?: string, bare?: string) => {
      if (match === '$$') return '$';
      const name = (braced ?? bare) as string;
      const current = env[name];
      const missing = operator?.startsWith(':') ? !current : current === undefined;
      if (!missing || !operator) return current ?? '';
      if (operator.endsWith('?')) throw new Error(`${name} must be set: ${argument}`);
      return argument ?? '';
    },
  );
}

/** A service's environment as compose hands it to the container, with no variable set outside. */
function environmentOf(service: ComposeService): Record<string, string> {
  const entries = Array.isArray(service.environment)
    ? service.environment.map((line): [string, string] => {
        const at = line.indexOf('=');
        return at < 0 ? [line, ''] : [line.slice(0, at), line.slice(at + 1)];
      })
    : Object.entries(service.environment ?? {}).map(([k, v]): [string, string] => [
        k,
        v === null ? '' : String(v),
      ]);
  return Object.fromEntries(entries.map(([k, v]) => [k, interpolate(v)]));
}

/** The published ports of a service, short (`"3001:3000"`, `"127.0.0.1:3001:3000/tcp"`) or long syntax. */
function portsOf(service: ComposeService): Array<{ published?: number; target: number }> {
  return (service.ports ?? []).map((port) => {
    if (typeof port === 'object') {
      const published = port.published === undefined ? undefined : Number(port.published);
      return { published, target: Number(port.target) };
    }
    const parts = String(port)
      .replace(/\/(tcp|udp)$/, '')
      .split(':');
    const target = Number(parts[parts.length - 1]);
    return parts.length === 1 ? { target } : { published: Number(parts[parts.length - 2]), target };
  });
}

function dependenciesOf(service: ComposeService): Record<string, string> {
  const dependsOn = service.depends_on ?? {};
  if (Array.isArray(dependsOn)) {
    return Object.fromEntries(dependsOn.map((name) => [name, 'service_started']));
  }
  return Object.fromEntries(
    Object.entries(dependsOn).map(([name, { condition }]) => [
      name,
      condition ?? 'service_started',
    ]),
  );
}

function hasHealthcheck(service: ComposeService): boolean {
  const test = service.healthcheck?.test;
  if (!test || service.healthcheck?.disable) return false;
  return Array.isArray(test) ? test.length > 1 && test[0] !== 'NONE' : test.trim() !== '';
}

// ---- .env.example files ------------------------------------------------------------------------

const rootEnvExample = path.join(ROOT, '.env.example');
const serviceEnvExample = (service: AppService) =>
  path.join(ROOT, 'services', service.name, '.env.example');
const readEnvFile = (file: string) => dotenv.parse(fs.readFileSync(file));
const envNamesOf = (settings: ConfigDefinition) => Object.values(settings).map((s) => s.env);
/** The OpenTelemetry SDK's standard variables: a service reads them, though not as settings. */
const isTracingVariable = (name: string) => name.startsWith('OTEL_');

// ---------------------------------------------------------------------------------------------

describe('docker-compose.yml', () => {
  it('declares RabbitMQ, MongoDB, Mailpit and the three services', () => {
    expect(Object.keys(compose.services)).toEqual(
      expect.arrayContaining([
        'rabbitmq',
        'mongodb',
        'mailpit',
        ...APP_SERVICES.map((s) => s.name),
      ]),
    );
  });

  it("publishes Mailpit's SMTP and web UI ports, with a health check", () => {
    expect(portsOf(serviceOf('mailpit'))).toEqual(
      expect.arrayContaining([
        { published: 1025, target: 1025 },
        { published: 8025, target: 8025 },
      ]),
    );
    expect(hasHealthcheck(serviceOf('mailpit'))).toBe(true);
  });

  it("sends the notification service's email to Mailpit, once Mailpit is healthy", () => {
    const service = serviceOf('notification-service');
    const config = loadConfig(notificationServiceSettings, { env: environmentOf(service) });
    expect(config.smtpUrl).toBe('smtp://mailpit:1025');
    expect(config.mailFrom).toEqual(expect.stringContaining('@'));
    expect(dependenciesOf(service)).toMatchObject({ mailpit: 'service_healthy' });
  });

  it("publishes RabbitMQ's AMQP and management ports and MongoDB's port", () => {
    expect(portsOf(serviceOf('rabbitmq'))).toEqual(
      expect.arrayContaining([
        { published: 5672, target: 5672 },
        { published: 15672, target: 15672 },
      ]),
    );
    expect(portsOf(serviceOf('mongodb'))).toEqual(
      expect.arrayContaining([{ published: 27017, target: 27017 }]),
    );
  });

  it('logs in to RabbitMQ as user / password, as the services do by default', () => {
    const environment = environmentOf(serviceOf('rabbitmq'));
    expect(environment.RABBITMQ_DEFAULT_USER).toBe('user');
    expect(environment.RABBITMQ_DEFAULT_PASS).toBe('password');
  });

  it('has health checks on RabbitMQ and MongoDB, which the services wait for', () => {
    expect(hasHealthcheck(serviceOf('rabbitmq'))).toBe(true);
    expect(hasHealthcheck(serviceOf('mongodb'))).toBe(true);
  });

  describe.each(APP_SERVICES)('$name', (app) => {
    const service = serviceOf(app.name);

    it(`publishes host port ${app.hostPort} on container port ${CONTAINER_PORT}`, () => {
      expect(portsOf(service)).toEqual([{ published: app.hostPort, target: CONTAINER_PORT }]);
    });

    it('is built from the root Dockerfile with SERVICE set to its name', () => {
      expect(typeof service.build).toBe('object');
      const build = service.build as Exclude<ComposeService['build'], string | undefined>;
      expect(path.resolve(ROOT, build.context ?? '.')).toBe(ROOT);
      expect(build.dockerfile ?? 'Dockerfile').toBe('Dockerfile');
      const args = Array.isArray(build.args)
        ? Object.fromEntries(build.args.map((a) => a.split('=', 2)))
        : (build.args ?? {});
      expect(args.SERVICE).toBe(app.name);
    });

    it('sets only variables that its .env.example files list', () => {
      const listed = new Set([
        ...Object.keys(readEnvFile(rootEnvExample)),
        ...Object.keys(readEnvFile(serviceEnvExample(app))),
      ]);
      const unknown = Object.keys(environmentOf(service)).filter(
        (name) => !listed.has(name) && !isTracingVariable(name),
      );
      expect(unknown).toEqual([]);
    });

    it('hands the service a valid configuration: its port, its database, the broker', () => {
      const config = loadConfig(app.settings, { env: environmentOf(service) }) as Record<
        string,
        unknown
      >;
      expect(config.port).toBe(CONTAINER_PORT);
      expect(config.mongodbUri).toBe(`mongodb://mongodb:27017/${app.name}`);
      expect(new URL(String(config.rabbitmqUrl)).hostname).toBe('rabbitmq');
    });

    it('starts once RabbitMQ and MongoDB are healthy', () => {
      expect(dependenciesOf(service)).toMatchObject({
        rabbitmq: 'service_healthy',
        mongodb: 'service_healthy',
      });
    });

    it('has a health check', () => {
      expect(hasHealthcheck(service)).toBe(true);
    });
  });
});

describe('docker-compose.yml, the console', () => {
  const service = serviceOf('console');

  it('publishes host port 3000 and is built from the root Dockerfile with SERVICE=console', () => {
    expect(portsOf(service)).toEqual([{ published: 3000, target: 3000 }]);
    const build = service.build as Exclude<ComposeService['build'], string | undefined>;
    expect((build.args as Record<string, EnvValue>).SERVICE).toBe('console');
  });

  it('points at the three services inside the compose network, with settings it knows', () => {
    const environment = environmentOf(service);
    const known = Object.values(consoleSettings).map((s) => s.env);
    expect(Object.keys(environment).filter((name) => !known.includes(name))).toEqual([]);
    const config = loadConfig(consoleSettings, { env: environment });
    expect(config.port).toBe(CONTAINER_PORT);
    expect(config.orderServiceUrl).toBe('http://order-service:3000');
    expect(config.inventoryServiceUrl).toBe('http://inventory-service:3000');
    expect(config.notificationServiceUrl).toBe('http://notification-service:3000');
  });

  it('starts once the three services are healthy, and has a health check', () => {
    expect(dependenciesOf(service)).toMatchObject(
      Object.fromEntries(APP_SERVICES.map((app) => [app.name, 'service_healthy'])),
    );
    expect(hasHealthcheck(service)).toBe(true);
  });

  it('its .env.example lists exactly its own settings, with the defaults built into the code', () => {
    const file = path.join(ROOT, 'services', 'console', '.env.example');
    const listed = Object.keys(readEnvFile(file));
    const own = Object.values(consoleSettings)
      .map((s) => s.env)
      .filter((name) => name !== 'LOG_LEVEL'); // a setting of every service: the root file's
    expect(listed.sort()).toEqual(own.sort());
    expect(loadConfig(consoleSettings, { env: {}, envFiles: [file] })).toEqual(
      loadConfig(consoleSettings, { env: {} }),
    );
  });
});

describe('Dockerfile', () => {
  const dockerfile = fs.readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8');

  it('takes the service to build as the build argument SERVICE', () => {
    expect(dockerfile).toMatch(/^ARG SERVICE\b/m);
  });

  it('runs the service with the heap flags it has everywhere else', () => {
    const nodeOptions = /^ENV NODE_OPTIONS="(.*)"$/m.exec(dockerfile)?.[1];
    expect(nodeOptions).toBe(serviceHeapFlags());
  });

  it('applies the patches of dependencies in the build and ships each patched package', () => {
    const patched = fs
      .readdirSync(path.join(ROOT, 'patches'))
      .filter((file) => file.endsWith('.patch'))
      .map((file) => file.replace(/\+[^+]*\.patch$/, ''));
    expect(dockerfile.indexOf('COPY patches/ patches/')).toBeGreaterThan(-1);
    expect(dockerfile.indexOf('COPY patches/ patches/')).toBeLessThan(
      dockerfile.indexOf('RUN npm ci'),
    );
    for (const name of patched) {
      expect(dockerfile).toContain(
        `COPY --from=build /app/node_modules/${name} node_modules/${name}`,
      );
    }
  });

  it('copies the package.json of every workspace before `npm ci` (which needs them all)', () => {
    const { workspaces } = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
      workspaces: string[];
    };
    const missing = workspaces.filter(
      (workspace) => !dockerfile.includes(`COPY ${workspace}/package.json ${workspace}/`),
    );
    expect(missing).toEqual([]);
  });
});

describe('.env.example files', () => {
  it('the root file exists', () => {
    expect(fs.existsSync(rootEnvExample)).toBe(true);
  });

  describe.each(APP_SERVICES)('$name', (app) => {
    const root = readEnvFile(rootEnvExample);
    const own = readEnvFile(serviceEnvExample(app));
    const names = envNamesOf(app.settings);

    it('list only settings the service knows', () => {
      const unknown = [...Object.keys(root), ...Object.keys(own)].filter(
        (k) => !names.includes(k) && !isTracingVariable(k),
      );
      expect(unknown).toEqual([]);
    });

    it('list every setting of the service, each in one file only', () => {
      expect(names.filter((name) => !(name in root) && !(name in own))).toEqual([]);
      expect(Object.keys(own).filter((name) => name in root)).toEqual([]);
    });

    it('carry the defaults built into the code', () => {
      const fromFiles = loadConfig(app.settings, {
        env: {},
        envFiles: [serviceEnvExample(app), rootEnvExample],
      });
      expect(fromFiles).toEqual(loadConfig(app.settings, { env: {} }));
    });
  });
});
