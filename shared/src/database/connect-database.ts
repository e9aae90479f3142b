import mongoose from 'mongoose';
import type { Connection } from 'mongoose';
import type { Logger } from '../logging/logger';
import { errorFields } from '../logging/logger';
import { backoffDelay, sleep } from '../concurrency/timing';
import { CONNECTION_POOL_SIZE } from './database-capabilities';

// Query filters only take paths the schema knows; a stray key is dropped, not searched for.
mongoose.set('strictQuery', true);

/**
 * Opens the service's own connection (not mongoose's global one, so several services can live in
 * one test process) and waits for the database, retrying with backoff: in docker-compose a
 * service may start before MongoDB accepts connections. Once open, the driver reconnects by
 * itself after an outage; `isDatabaseUp` reports where it stands.
 */
export async function connectDatabase(
  uri: string,
  logger: Logger,
  options: { maxWaitMs?: number; onCommand?: (commandName: string) => void } = {},
): Promise<Connection> {
  const deadline = Date.now() + (options.maxWaitMs ?? 60_000);
  for (let attempt = 1; ; attempt++) {
    const connection = mongoose.createConnection(uri, {
      serverSelectionTimeoutMS: 5_000,
      // Notice an outage, and the way back, within about 1 s rather than the driver's 10 s: while
      // the server is away, its monitor tries once a second (one refused connection, or one
      // `hello`), so a service is healthy and consuming again within about 1 s of its return.
      heartbeatFrequencyMS: 1_000,
      // Fail fast while the database is away (a 503 for HTTP, a retry for a message) rather
      // than queue operations in memory.
      bufferCommands: false,
      // Indexes are built once, by syncIndexes at start-up, not again on each model's first use.
      autoIndex: false,
      maxPoolSize: CONNECTION_POOL_SIZE,
      // A write is acknowledged once it is journaled on a majority of the replica set, so that a
      // 201, an ack or a "sent" never outlives a crash (MongoDB's default since 5.0, stated
      // because every promise of the system rests on it; see database-capabilities for the
      // development database).
      writeConcern: { w: 'majority', journal: true },
      // Every command the driver sends is counted (db_commands_total): the round trips per
      // order are a figure of the benchmark.
      monitorCommands: options.onCommand !== undefined,
    });
    const { onCommand } = options;
    if (onCommand) {
      connection.getClient().on('commandStarted', (event) => onCommand(event.commandName));
    }
    try {
      await connection.asPromise();
      connection.on('disconnected', () => logger.warn('MongoDB disconnected'));
      connection.on('reconnected', () => logger.info('MongoDB reconnected'));
      logger.info('Connected to MongoDB', { database: connection.name });
      return connection;
    } catch (error) {
      await connection.close().catch(() => undefined);
      if (Date.now() >= deadline) throw error;
      const delayMs = backoffDelay(attempt, { initialMs: 500, maxMs: 10_000 });
      logger.warn('MongoDB not reachable, retrying', { retryInMs: delayMs, ...errorFields(error) });
      await sleep(delayMs);
    }
  }
}

export function isDatabaseUp(connection: Connection): boolean {
  return connection.readyState === mongoose.ConnectionStates.connected;
}
