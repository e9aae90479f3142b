import amqp from 'amqplib';
import { MongoClient } from 'mongodb';
import { withDeadline } from './load';

/** The same servers the test environment uses (shared/src/testing/test-environment.ts). */
const MONGODB_URL = process.env.TEST_MONGODB_URL ?? 'mongodb://127.0.0.1:27017';
const RABBITMQ_URL = process.env.TEST_RABBITMQ_URL ?? 'amqp://user:password@127.0.0.1:5672';
const TIMEOUT_MS = 10_000;

/**
 * Fails at once, saying which server, when the database or the broker does not answer: a
 * FerretDB that accepts connections but never replies otherwise shows up only as services that
 * never become healthy.
 */
export async function checkServers(): Promise<void> {
  const client = new MongoClient(MONGODB_URL, {
    serverSelectionTimeoutMS: TIMEOUT_MS,
    connectTimeoutMS: TIMEOUT_MS,
    socketTimeoutMS: TIMEOUT_MS,
  });
  try {
    await withDeadline(
      client.db('admin').command({ ping: 1 }),
      TIMEOUT_MS,
      `the database at ${MONGODB_URL}`,
    );
  } finally {
    await client.close().catch(() => undefined);
  }
  const connection = await withDeadline(
    amqp.connect(RABBITMQ_URL),
    TIMEOUT_MS,
    `RabbitMQ at ${RABBITMQ_URL.replace(/\/\/[^@]*@/, '//')}`,
  );
  await connection.close();
}
