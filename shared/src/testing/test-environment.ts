import { randomBytes } from 'node:crypto';
import mongoose from 'mongoose';

/**
 * A private corner of the shared broker and database for one test file: its own RabbitMQ
 * virtual host (so queue and exchange names never meet another run's) and database names with a
 * unique prefix. `dispose()` deletes both.
 */
export interface TestEnvironment {
  runId: string;
  /** The run's RabbitMQ virtual host, that `rabbitmqUrl` names. */
  vhost: string;
  rabbitmqUrl: string;
  managementUrl: string;
  mongodbUri: (database: string) => string;
  dispose: () => Promise<void>;
}

const base = {
  amqp: process.env.TEST_RABBITMQ_URL ?? 'amqp://user:password@127.0.0.1:5672',
  management: process.env.TEST_RABBITMQ_MANAGEMENT_URL ?? 'http://user:password@127.0.0.1:15672',
  mongodb: process.env.TEST_MONGODB_URL ?? 'mongodb://127.0.0.1:27017',
};

/** `mongodbUrl`: a database server of the caller's own, instead of the tests' shared one. */
export async function createTestEnvironment(
  label: string,
  options: { mongodbUrl?: string } = {},
): Promise<TestEnvironment> {
  const mongodbUrl = options.mongodbUrl ?? base.mongodb;
  const runId = `${label}-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
  const vhost = `test-${runId}`;
  await management('PUT', `/api/vhosts/${encodeURIComponent(vhost)}`);
  const user = decodeURIComponent(new URL(base.amqp).username);
  await management(
    'PUT',
    `/api/permissions/${encodeURIComponent(vhost)}/${encodeURIComponent(user)}`,
    {
      configure: '.*',
      write: '.*',
      read: '.*',
    },
  );

  const amqpUrl = new URL(base.amqp);
  amqpUrl.pathname = `/${encodeURIComponent(vhost)}`;
  const databases = new Set<string>();
  const mongodbUri = (database: string) => {
    // MongoDB database names are limited to 63 bytes.
    const name = `t${runId}-${database}`.slice(0, 63);
    databases.add(name);
    return `${mongodbUrl}/${name}`;
  };

  return {
    runId,
    vhost,
    rabbitmqUrl: amqpUrl.toString(),
    managementUrl: `${base.management}/api/vhosts/${encodeURIComponent(vhost)}`,
    mongodbUri,
    async dispose() {
      await management('DELETE', `/api/vhosts/${encodeURIComponent(vhost)}`).catch(() => undefined);
      if (databases.size === 0) return;
      const connection = await mongoose.createConnection(`${mongodbUrl}/admin`).asPromise();
      try {
        for (const name of databases) await connection.useDb(name).dropDatabase();
      } finally {
        await connection.close();
      }
    },
  };
}

/** Calls the RabbitMQ management HTTP API with the credentials in its URL. */
export async function management(method: string, path: string, body?: unknown): Promise<unknown> {
  const url = new URL(base.management);
  const auth = Buffer.from(
    `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`,
  ).toString('base64');
  url.username = '';
  url.password = '';
  const response = await fetch(new URL(path, url), {
    method,
    headers: { authorization: `Basic ${auth}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok) {
    throw new Error(
      `RabbitMQ management ${method} ${path}: ${response.status} ${await response.text()}`,
    );
  }
  const text = await response.text();
  return text ? JSON.parse(text) : undefined;
}
