import { randomUUID } from 'node:crypto';
import amqp from 'amqplib';
import type { Channel, ChannelModel, ConfirmChannel, ConsumeMessage } from 'amqplib';
import { PermanentError } from '../errors/app-error';
import type { EventType } from '../events/catalogue';
import type { AnyEvent } from '../events/envelope';
import { parseEvent } from '../events/envelope';
import type { ServiceMetrics } from '../http/metrics';
import type { ProcessedEventStore } from '../idempotency/processed-events';
import { runInContext } from '../logging/context';
import type { Logger } from '../logging/logger';
import { errorFields } from '../logging/logger';
import { declareTopology, publishConfirmed, sendConfirmed } from './amqp-helpers';
import { backoffDelay, sleep } from './backoff';
import type { DeadLetterIndex } from './dead-letters';
import { DeadLetterQueue } from './dead-letter-queue';
import type { EventBus, EventHandler } from './event-bus';
import { ATTEMPT_HEADER, attemptOf, decideOnFailure } from './retry-policy';
import type { ServiceTopology } from './topology';
import { defineServiceTopology } from './topology';

export const ORIGINAL_ROUTING_KEY_HEADER = 'x-original-routing-key';

export class BrokerUnavailableError extends Error {
  constructor(message = 'RabbitMQ is not connected') {
    super(message);
    this.name = 'BrokerUnavailableError';
  }
}

/**
 * The broker had no queue to route an event to (no consumer has declared its queue yet). The
 * event stays in its outbox and is published again later, rather than vanishing.
 */
export class UnroutableEventError extends Error {
  constructor(eventType: string) {
    super(`No queue is bound to ${eventType} yet`);
    this.name = 'UnroutableEventError';
  }
}

export interface RabbitEventBusOptions {
  url: string;
  service: string;
  exchange: string;
  prefetch: number;
  maxAttempts: number;
  retryBaseDelayMs: number;
  reconnectInitialDelayMs?: number;
  reconnectMaxDelayMs?: number;
  logger: Logger;
  processedEvents: ProcessedEventStore;
  deadLetterIndex: DeadLetterIndex;
  metrics: ServiceMetrics;
}

type AnyHandler = (event: AnyEvent) => Promise<void>;

interface Session {
  connection: ChannelModel;
  publishChannel: ConfirmChannel;
  consumeChannel: Channel;
}

/**
 * RabbitMQ behind the EventBus interface. Owns one connection with two channels (confirmed
 * publishing; consuming with a prefetch), reconnects with capped exponential backoff and
 * jitter, declares the topology again and resumes consuming after every reconnect.
 *
 * A delivery goes: parse and validate (never valid → DLQ) → skip if its event id was handled
 * → handler → record the event id → ack. A handler error is retried through the delay queue of
 * its attempt level, and dead-lettered with its error once the attempts are used up. A message
 * is acked only after whatever replaces it (retry copy, dead letter) is confirmed by the broker.
 */
export class RabbitEventBus implements EventBus {
  private readonly handlers = new Map<EventType, AnyHandler>();
  private readonly inFlight = new Set<Promise<void>>();
  private topology?: ServiceTopology;
  private session?: Session;
  private consumerTag?: string;
  private stopping = false;
  /** Set while a dependency the handlers need (the database) is down: no messages are taken. */
  private paused = false;
  private connectLoopRunning = false;
  private wakeReconnect?: () => void;
  private connectedWaiters: Array<() => void> = [];
  /** Ids of published messages the broker returned as unroutable (see publish). */
  private readonly returned = new Set<string>();
  readonly deadLetterQueue: DeadLetterQueue;

  constructor(private readonly options: RabbitEventBusOptions) {
    this.deadLetterQueue = new DeadLetterQueue({
      openChannel: () => this.openConfirmChannel(),
      topology: () => this.requireTopology(),
      index: options.deadLetterIndex,
      logger: options.logger,
    });
  }

  subscribe<T extends EventType>(eventType: T, handler: EventHandler<T>): void {
    if (this.topology) throw new Error(`Subscribe to ${eventType} before the bus starts`);
    if (this.handlers.has(eventType)) throw new Error(`${eventType} already has a handler`);
    this.handlers.set(eventType, handler as AnyHandler);
  }

  /** Validates the topology and starts connecting in the background; never waits for the broker. */
  start(): void {
    this.topology = defineServiceTopology({
      service: this.options.service,
      exchange: this.options.exchange,
      consumes: [...this.handlers.keys()],
      maxAttempts: this.options.maxAttempts,
      retryBaseDelayMs: this.options.retryBaseDelayMs,
    });
    this.stopping = false;
    void this.connectLoop();
  }

  get isConnected(): boolean {
    return this.session !== undefined;
  }

  /** Resolves once connected and consuming (tests and start-up scripts wait on this). */
  whenConnected(): Promise<void> {
    if (this.session) return Promise.resolve();
    return new Promise((resolve) => this.connectedWaiters.push(resolve));
  }

  async publish(event: AnyEvent): Promise<void> {
    const channel = this.session?.publishChannel;
    if (!channel) throw new BrokerUnavailableError();
    await publishConfirmed(
      channel,
      this.options.exchange,
      event.eventType,
      Buffer.from(JSON.stringify(event)),
      {
        persistent: true,
        // Unroutable messages come back (basic.return, always before their confirm) instead of
        // being dropped.
        mandatory: true,
        contentType: 'application/json',
        messageId: event.eventId,
        type: event.eventType,
        correlationId: event.correlationId,
        appId: this.options.service,
        timestamp: Math.floor(Date.parse(event.occurredAt) / 1000),
      },
    );
    if (this.returned.delete(event.eventId)) throw new UnroutableEventError(event.eventType);
    this.options.metrics.eventsPublished.inc({ event_type: event.eventType });
  }

  /** Stops taking new messages and waits for the handlers in progress to finish. */
  async stopConsuming(): Promise<void> {
    this.stopping = true;
    this.wakeReconnect?.();
    const session = this.session;
    if (session && this.consumerTag) {
      await session.consumeChannel.cancel(this.consumerTag).catch(() => undefined);
      this.consumerTag = undefined;
    }
    await Promise.allSettled([...this.inFlight]);
  }

  /** Closes the connection; call after stopConsuming and after the last publish. */
  async close(): Promise<void> {
    await this.stopConsuming();
    const session = this.session;
    this.session = undefined;
    await session?.connection.close().catch(() => undefined);
  }

  private requireTopology(): ServiceTopology {
    if (!this.topology) throw new Error('The event bus has not been started');
    return this.topology;
  }

  private async openConfirmChannel(): Promise<ConfirmChannel> {
    const connection = this.session?.connection;
    if (!connection) throw new BrokerUnavailableError();
    return connection.createConfirmChannel();
  }

  private async connectLoop(): Promise<void> {
    if (this.connectLoopRunning) return;
    this.connectLoopRunning = true;
    try {
      for (let attempt = 1; !this.stopping; attempt++) {
        try {
          await this.connect();
          return;
        } catch (error) {
          const delayMs = backoffDelay(attempt, {
            initialMs: this.options.reconnectInitialDelayMs ?? 500,
            maxMs: this.options.reconnectMaxDelayMs ?? 15_000,
          });
          this.options.logger.warn('RabbitMQ connection failed, retrying', {
            attempt,
            retryInMs: delayMs,
            ...errorFields(error),
          });
          await sleep(delayMs, (wake) => (this.wakeReconnect = wake));
        }
      }
    } finally {
      this.connectLoopRunning = false;
    }
  }

  private async connect(): Promise<void> {
    const topology = this.requireTopology();
    const connection = await amqp.connect(this.options.url, {
      clientProperties: { connection_name: this.options.service },
    });
    try {
      connection.on('error', (error: Error) =>
        this.options.logger.warn('RabbitMQ connection error', errorFields(error)),
      );
      const publishChannel = await connection.createConfirmChannel();
      const consumeChannel = await connection.createChannel();
      const session: Session = { connection, publishChannel, consumeChannel };
      for (const channel of [publishChannel, consumeChannel]) {
        channel.on('error', (error: Error) =>
          this.options.logger.warn('RabbitMQ channel error', errorFields(error)),
        );
        // A channel the broker closed (a failed declaration, a deleted queue) is rebuilt with
        // the whole connection, so a consumer never stays silently dead.
        channel.on('close', () => {
          if (this.session === session && !this.stopping) void connection.close().catch(() => {});
        });
      }
      publishChannel.on('return', (message: ConsumeMessage) => {
        if (message.properties.messageId) this.returned.add(String(message.properties.messageId));
      });
      connection.on('close', () => this.onConnectionClosed(session));

      await declareTopology(publishChannel, topology);
      await consumeChannel.prefetch(this.options.prefetch);
      if (this.stopping) throw new Error('Stopped while connecting');
      this.session = session;
      await this.startConsuming(session);
    } catch (error) {
      this.session = undefined;
      await connection.close().catch(() => undefined);
      throw error;
    }
    this.options.logger.info('Connected to RabbitMQ', {
      queue: topology.queue,
      consumes: topology.bindings,
    });
    for (const resolve of this.connectedWaiters.splice(0)) resolve();
  }

  /**
   * Stops taking messages while the database is down, instead of failing every one of them
   * through its retries into the dead-letter queue. Handlers in progress finish (or fail and are
   * retried); the broker keeps the rest.
   */
  async pause(): Promise<void> {
    if (this.paused) return;
    this.paused = true;
    this.options.logger.warn('Pausing consumption');
    const session = this.session;
    const tag = this.consumerTag;
    this.consumerTag = undefined;
    if (session && tag) await session.consumeChannel.cancel(tag).catch(() => undefined);
  }

  async resume(): Promise<void> {
    if (!this.paused) return;
    this.paused = false;
    this.options.logger.info('Resuming consumption');
    if (this.session && !this.stopping) await this.startConsuming(this.session);
  }

  private async startConsuming(session: Session): Promise<void> {
    const topology = this.requireTopology();
    if (topology.bindings.length === 0 || this.consumerTag || this.paused || this.stopping) return;
    const { consumerTag } = await session.consumeChannel.consume(topology.queue, (message) =>
      this.onDelivery(message, session.consumeChannel, session.connection),
    );
    this.consumerTag = consumerTag;
  }

  private onConnectionClosed(session: Session): void {
    if (this.session !== session) return;
    this.session = undefined;
    this.consumerTag = undefined;
    if (this.stopping) return;
    this.options.logger.warn('RabbitMQ connection lost, reconnecting');
    void this.connectLoop();
  }

  private onDelivery(
    message: ConsumeMessage | null,
    channel: Channel,
    connection: ChannelModel,
  ): void {
    if (message === null) {
      // The broker cancelled the consumer (its queue was deleted): reconnect and redeclare.
      this.options.logger.warn('RabbitMQ cancelled the consumer, reconnecting');
      void connection.close().catch(() => undefined);
      return;
    }
    const work = this.handleDelivery(message, channel).catch((error: unknown) => {
      // Nothing was acked: the broker redelivers the message after the channel closes.
      this.options.logger.error('Could not settle a message', errorFields(error));
    });
    this.inFlight.add(work);
    void work.finally(() => this.inFlight.delete(work));
  }

  private async handleDelivery(message: ConsumeMessage, channel: Channel): Promise<void> {
    const attempt = attemptOf(message.properties.headers);
    let event: AnyEvent;
    try {
      event = parseEvent(message.content);
    } catch (error) {
      const correlationId = message.properties.correlationId ?? randomUUID();
      return runInContext({ correlationId }, () =>
        this.deadLetter(message, channel, error, attempt, 'permanent'),
      );
    }

    return runInContext(
      { correlationId: event.correlationId, eventId: event.eventId },
      async () => {
        const handler = this.handlers.get(event.eventType);
        try {
          if (!handler) throw new PermanentError(`No handler for ${event.eventType}`);
          if (await this.options.processedEvents.has(event.eventId)) {
            this.options.logger.info('Skipping an event already handled', {
              eventType: event.eventType,
            });
            this.settle(channel, message, event.eventType, 'duplicate');
            return;
          }
          await handler(event);
          await this.options.processedEvents.record(event.eventId, event.eventType);
          this.options.logger.info('Handled event', { eventType: event.eventType, attempt });
          this.settle(channel, message, event.eventType, 'handled');
        } catch (error) {
          await this.onHandlerFailure(message, channel, error, attempt, event);
        }
      },
    );
  }

  private async onHandlerFailure(
    message: ConsumeMessage,
    channel: Channel,
    error: unknown,
    attempt: number,
    event: AnyEvent,
  ): Promise<void> {
    const topology = this.requireTopology();
    const decision = decideOnFailure(error, attempt, topology.retryQueues);
    if (decision.action === 'dead-letter') {
      return this.deadLetter(message, channel, error, attempt, decision.reason, event);
    }
    this.options.logger.warn('Event handling failed, will retry', {
      eventType: event.eventType,
      attempt,
      retryInMs: decision.delayMs,
      ...errorFields(error),
    });
    await sendConfirmed(this.requirePublishChannel(), decision.queue, message.content, {
      ...this.forwardedProperties(message),
      expiration: String(decision.delayMs),
      headers: {
        [ORIGINAL_ROUTING_KEY_HEADER]: routingKeyOf(message),
        [ATTEMPT_HEADER]: decision.nextAttempt,
        'x-last-error': errorFields(error).error,
      },
    });
    this.settle(channel, message, event.eventType, 'retried');
  }

  private async deadLetter(
    message: ConsumeMessage,
    channel: Channel,
    error: unknown,
    attempts: number,
    reason: 'permanent' | 'attempts-exhausted',
    event?: AnyEvent,
  ): Promise<void> {
    const topology = this.requireTopology();
    const eventId = event?.eventId ?? message.properties.messageId ?? randomUUID();
    const routingKey = routingKeyOf(message);
    const failedAt = new Date();
    const errorMessage = errorFields(error).error;
    this.options.logger.error('Dead-lettering message', {
      routingKey,
      attempts,
      reason,
      ...errorFields(error),
    });
    await sendConfirmed(this.requirePublishChannel(), topology.deadLetterQueue, message.content, {
      ...this.forwardedProperties(message),
      messageId: eventId,
      headers: {
        [ORIGINAL_ROUTING_KEY_HEADER]: routingKey,
        'x-error': errorMessage,
        'x-attempts': attempts,
        'x-dead-letter-reason': reason,
        'x-failed-at': failedAt.toISOString(),
        'x-service': this.options.service,
      },
    });
    // The queue holds the message from here on; the index only lists it, so a failure to
    // record it must not put the message back through the handler.
    await this.options.deadLetterIndex
      .save({
        eventId,
        routingKey,
        eventType: event?.eventType,
        correlationId: event?.correlationId ?? message.properties.correlationId,
        error: errorMessage,
        attempts,
        failedAt,
      })
      .catch((indexError: unknown) =>
        this.options.logger.error('Could not index a dead letter', errorFields(indexError)),
      );
    this.settle(channel, message, event?.eventType ?? 'unknown', 'dead-lettered');
  }

  private settle(
    channel: Channel,
    message: ConsumeMessage,
    eventType: string,
    outcome: 'handled' | 'duplicate' | 'retried' | 'dead-lettered',
  ): void {
    channel.ack(message);
    this.options.metrics.eventsConsumed.inc({ event_type: eventType, outcome });
  }

  private requirePublishChannel(): ConfirmChannel {
    const channel = this.session?.publishChannel;
    if (!channel) throw new BrokerUnavailableError();
    return channel;
  }

  private forwardedProperties(message: ConsumeMessage) {
    const { contentType, correlationId, messageId, type, appId, timestamp } = message.properties;
    return { persistent: true, contentType, correlationId, messageId, type, appId, timestamp };
  }
}

/** Where the message was first published to, also after it went through a delay queue. */
export function routingKeyOf(message: ConsumeMessage): string {
  const original = message.properties.headers?.[ORIGINAL_ROUTING_KEY_HEADER];
  return typeof original === 'string' ? original : message.fields.routingKey;
}
