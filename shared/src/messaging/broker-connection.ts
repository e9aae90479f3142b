import amqp from 'amqplib';
import type { Channel, ChannelModel, ConfirmChannel } from 'amqplib';
import type { Logger } from '../logging/logger';
import { errorFields } from '../logging/logger';
import { backoffDelay, sleep } from '../concurrency/timing';

const CONNECT_TIMEOUT_MS = 10_000;

export class BrokerUnavailableError extends Error {
  constructor(message = 'RabbitMQ is not connected') {
    super(message);
    this.name = 'BrokerUnavailableError';
  }
}

/** An open connection with its two channels: confirmed publishing, and consuming. */
export interface BrokerSession {
  connection: ChannelModel;
  publishChannel: ConfirmChannel;
  consumeChannel: Channel;
}

export interface BrokerConnectionOptions {
  url: string;
  /** Shown as the connection's name in the management UI. */
  name: string;
  prefetch: number;
  logger: Logger;
  reconnectInitialDelayMs?: number;
  reconnectMaxDelayMs?: number;
  /** Runs on every new session before it is handed out: declare the topology, start consuming. */
  onSession: (session: BrokerSession) => Promise<void>;
}

/**
 * One connection to RabbitMQ, kept alive. It connects in the background, retrying with capped
 * exponential backoff and jitter, and rebuilds everything when the connection or either channel
 * closes (a channel the broker closed is never left half-alive: the whole session is rebuilt,
 * and `onSession` runs again, so a consumer never stays silently dead).
 */
export class BrokerConnection {
  private current?: BrokerSession;
  private stopping = false;
  private loopRunning = false;
  private wake?: () => void;
  private waiters: Array<() => void> = [];

  constructor(private readonly options: BrokerConnectionOptions) {}

  /** Starts connecting in the background; never waits for the broker. */
  start(): void {
    this.stopping = false;
    void this.connectLoop();
  }

  /** The open session, or undefined while disconnected. */
  get session(): BrokerSession | undefined {
    return this.current;
  }

  requireSession(): BrokerSession {
    if (!this.current) throw new BrokerUnavailableError();
    return this.current;
  }

  whenConnected(): Promise<void> {
    if (this.current) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Drops the session so that it is rebuilt from scratch. */
  reset(): void {
    void this.current?.connection.close().catch(() => undefined);
  }

  /** Closes for good: no reconnecting after this. */
  async close(): Promise<void> {
    this.stopping = true;
    this.wake?.();
    const session = this.current;
    this.current = undefined;
    await session?.connection.close().catch(() => undefined);
  }

  private async connectLoop(): Promise<void> {
    if (this.loopRunning) return;
    this.loopRunning = true;
    try {
      for (let attempt = 1; !this.stopping; attempt++) {
        try {
          await this.connect();
          return;
        } catch (error) {
          // Capped low (1 s by default): a refused connection costs a broker that stays down
          // next to nothing, one attempt a second per process is no storm, and a service is
          // consuming again within about that long of the broker's return, however long it was
          // away. Jitter keeps the replicas of a service from arriving together.
          const delayMs = backoffDelay(attempt, {
            initialMs: this.options.reconnectInitialDelayMs ?? 500,
            maxMs: this.options.reconnectMaxDelayMs ?? 1_000,
          });
          this.options.logger.warn('RabbitMQ connection failed, retrying', {
            attempt,
            retryInMs: delayMs,
            ...errorFields(error),
          });
          await sleep(delayMs, (wake) => (this.wake = wake));
        }
      }
    } finally {
      this.loopRunning = false;
    }
  }

  private async connect(): Promise<void> {
    const connection = await amqp.connect(this.options.url, {
      clientProperties: { connection_name: this.options.name },
      // Up to the end of the AMQP handshake: a broker that takes the TCP connection but never
      // answers would otherwise hold the loop for good.
      timeout: CONNECT_TIMEOUT_MS,
    });
    try {
      connection.on('error', (error: Error) =>
        this.options.logger.warn('RabbitMQ connection error', errorFields(error)),
      );
      const session: BrokerSession = {
        connection,
        publishChannel: await connection.createConfirmChannel(),
        consumeChannel: await connection.createChannel(),
      };
      for (const channel of [session.publishChannel, session.consumeChannel]) {
        channel.on('error', (error: Error) =>
          this.options.logger.warn('RabbitMQ channel error', errorFields(error)),
        );
        channel.on('close', () => {
          if (this.current === session && !this.stopping) this.reset();
        });
      }
      connection.on('close', () => this.onClosed(session));
      await session.consumeChannel.prefetch(this.options.prefetch);
      if (this.stopping) throw new Error('Stopped while connecting');
      this.current = session;
      await untilClosed(connection, this.options.onSession(session));
    } catch (error) {
      this.current = undefined;
      await connection.close().catch(() => undefined);
      throw error;
    }
    this.options.logger.info('Connected to RabbitMQ');
    for (const resolve of this.waiters.splice(0)) resolve();
  }

  private onClosed(session: BrokerSession): void {
    if (this.current !== session) return;
    this.current = undefined;
    if (this.stopping) return;
    this.options.logger.warn('RabbitMQ connection lost, reconnecting');
    void this.connectLoop();
  }
}

/**
 * `work`, given up when the connection closes first. An amqplib call can outlive its connection:
 * a channel's `close()` whose CloseOk never arrives never settles, and a session set-up waiting
 * on it would keep the connect loop from ever running again (the service stays down for good).
 */
function untilClosed<T>(connection: ChannelModel, work: Promise<T>): Promise<T> {
  const closed = new Promise<never>((_, reject) =>
    connection.once('close', () =>
      reject(new BrokerUnavailableError('RabbitMQ connection closed while setting up the session')),
    ),
  );
  return Promise.race([work, closed]);
}
