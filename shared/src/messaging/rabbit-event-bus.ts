import type { ConfirmChannel, ConsumeMessage } from 'amqplib';
import type { EventType } from '../events/catalogue';
import type { AnyEvent } from '../events/envelope';
import type { ServiceMetrics } from '../observability/metrics';
import type { Logger } from '../logging/logger';
import { errorFields } from '../logging/logger';
import { declareTopology, publishConfirmed } from './amqp-helpers';
import type { BrokerSession } from './broker-connection';
import { BrokerConnection } from './broker-connection';
import type { DeadLetterIndex } from './dead-letters';
import { DeadLetterQueue } from './dead-letter-queue';
import type { AnyHandler } from './delivery-pipeline';
import { DeliveryPipeline } from './delivery-pipeline';
import { Mutex } from '../concurrency/mutex';
import { settlesWithin } from '../concurrency/timing';
import type { EventBus, EventHandler } from './event-bus';
import type { ServiceTopology } from './topology';
import { defineServiceTopology } from './topology';

export { BrokerUnavailableError } from './broker-connection';

export interface RabbitEventBusOptions {
  url: string;
  service: string;
  exchange: string;
  prefetch: number;
  maxAttempts: number;
  retryBaseDelayMs: number;
  /** Deliveries without an ack before the broker dead-letters a message (see topology.ts). */
  maxDeliveries: number;
  /** One instance consumes at a time, the others stand by (see ServiceDefinition.consumers). */
  singleActiveConsumer?: boolean;
  reconnectInitialDelayMs?: number;
  reconnectMaxDelayMs?: number;
  logger: Logger;
  deadLetterIndex: DeadLetterIndex;
  metrics: ServiceMetrics;
}

/**
 * RabbitMQ behind the EventBus interface: the service subscribes its handlers, the bus declares
 * the topology they imply (see topology.ts) on every (re)connect and feeds each delivery through
 * the DeliveryPipeline (dedup, retries, dead letters). Publishing waits for the broker's confirm.
 */
export class RabbitEventBus implements EventBus {
  private readonly handlers = new Map<EventType, AnyHandler>();
  private readonly inFlight = new Set<Promise<void>>();
  private readonly connection: BrokerConnection;
  private topology?: ServiceTopology;
  private pipeline?: DeliveryPipeline;
  /** The consumer, valid only while its session is the connection's current one. */
  private consumer?: { session: BrokerSession; tag: string };
  private stopping = false;
  /** Set while a dependency the handlers need (the database) is down: no messages are taken. */
  private paused = false;
  private readonly consumerChanges = new Mutex();
  readonly deadLetterQueue: DeadLetterQueue;

  constructor(private readonly options: RabbitEventBusOptions) {
    this.connection = new BrokerConnection({
      url: options.url,
      name: options.service,
      prefetch: options.prefetch,
      logger: options.logger,
      reconnectInitialDelayMs: options.reconnectInitialDelayMs,
      reconnectMaxDelayMs: options.reconnectMaxDelayMs,
      onSession: (session) => this.onSession(session),
    });
    this.deadLetterQueue = new DeadLetterQueue({
      openChannel: () => this.connection.requireSession().connection.createConfirmChannel(),
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
    const topology = defineServiceTopology({
      service: this.options.service,
      exchange: this.options.exchange,
      consumes: [...this.handlers.keys()],
      maxAttempts: this.options.maxAttempts,
      retryBaseDelayMs: this.options.retryBaseDelayMs,
      maxDeliveries: this.options.maxDeliveries,
      singleActiveConsumer: this.options.singleActiveConsumer,
    });
    this.topology = topology;
    this.pipeline = new DeliveryPipeline({
      service: this.options.service,
      topology,
      handlers: this.handlers,
      deadLetterIndex: this.options.deadLetterIndex,
      metrics: this.options.metrics,
      logger: this.options.logger,
      publishChannel: () => this.connection.requireSession().publishChannel,
    });
    this.stopping = false;
    this.connection.start();
  }

  get isConnected(): boolean {
    return this.connection.session !== undefined;
  }

  /** Resolves once connected and consuming (tests and start-up scripts wait on this). */
  whenConnected(): Promise<void> {
    return this.connection.whenConnected();
  }

  async publish(event: AnyEvent): Promise<void> {
    const channel: ConfirmChannel = this.connection.requireSession().publishChannel;
    await publishConfirmed(
      channel,
      this.options.exchange,
      event.eventType,
      Buffer.from(JSON.stringify(event)),
      {
        // An event no queue is bound to yet is refused (UnroutableMessageError), so that it
        // stays in its outbox instead of vanishing.
        persistent: true,
        contentType: 'application/json',
        messageId: event.eventId,
        type: event.eventType,
        correlationId: event.correlationId,
        appId: this.options.service,
        timestamp: Math.floor(Date.parse(event.occurredAt) / 1000),
      },
    );
    this.options.metrics.eventsPublished.inc({ event_type: event.eventType });
  }

  /**
   * Stops taking messages while the database is down, instead of failing every one of them
   * through its retries into the dead-letter queue. Handlers in progress finish (or fail and are
   * retried); the broker keeps the rest. Never rejects.
   */
  pause(): Promise<void> {
    return this.changeConsumer(async () => {
      if (this.paused) return;
      this.paused = true;
      this.options.logger.warn('Pausing consumption');
      await this.cancelConsumer();
    });
  }

  /** Takes messages again after `pause`. Never rejects: a failure rebuilds the connection. */
  resume(): Promise<void> {
    return this.changeConsumer(async () => {
      if (!this.paused) return;
      this.paused = false;
      this.options.logger.info('Resuming consumption');
      const session = this.connection.session;
      if (session) await this.startConsuming(session);
    });
  }

  /**
   * Stops taking new messages and waits for the handlers in progress, at most `maxWaitMs`: a
   * handler still running after that loses its ack when the connection closes, and the broker
   * redelivers its message.
   */
  async stopConsuming(maxWaitMs = Number.POSITIVE_INFINITY): Promise<void> {
    this.stopping = true;
    await this.changeConsumer(() => this.cancelConsumer());
    if (!(await settlesWithin(Promise.allSettled([...this.inFlight]), maxWaitMs))) {
      this.options.logger.warn('Handlers still running at shutdown; the broker will redeliver', {
        inFlight: this.inFlight.size,
      });
    }
  }

  /** Closes the connection; call after stopConsuming and after the last publish. */
  async close(): Promise<void> {
    await this.stopConsuming(0);
    await this.connection.close();
  }

  private requireTopology(): ServiceTopology {
    if (!this.topology) throw new Error('The event bus has not been started');
    return this.topology;
  }

  private async onSession(session: BrokerSession): Promise<void> {
    const topology = this.requireTopology();
    const declared = await declareTopology(session.connection, session.publishChannel, topology);
    if (declared.workQueue === 'differs') {
      this.options.logger.warn(
        `Queue ${topology.queue} exists with other arguments than this version declares (a classic queue of an earlier version, or another MAX_DELIVERIES) and is consumed as it is; to redeclare it, its messages kept, stop this service's instances and run: npm run migrate-queues -- ${topology.queue}`,
      );
    }
    for (const delayQueue of declared.differingDelayQueues) {
      this.options.logger.warn(
        `Delay queue ${delayQueue} exists with other arguments than this version declares and is used as it is; to redeclare it, delete it once it is empty (its messages go back to ${topology.queue} as their delays run out) and restart the service`,
      );
    }
    await this.consumerChanges.run(() => this.startConsuming(session));
    this.options.logger.info('Declared topology', {
      queue: topology.queue,
      asDeclared: declared.workQueue === 'as-declared',
      consumes: topology.bindings,
    });
  }

  private async startConsuming(session: BrokerSession): Promise<void> {
    const { queue, bindings } = this.requireTopology();
    const consuming = this.consumer?.session === session;
    if (bindings.length === 0 || consuming || this.paused || this.stopping) return;
    const { consumerTag } = await session.consumeChannel.consume(queue, (message) => {
      if (message === null) {
        // The broker cancelled the consumer (its queue was deleted): rebuild and redeclare.
        this.options.logger.warn('RabbitMQ cancelled the consumer, reconnecting');
        this.connection.reset();
        return;
      }
      this.track(message, session);
    });
    this.consumer = { session, tag: consumerTag };
  }

  /**
   * Starting, pausing, resuming and cancelling the consumer run one at a time, so that none of
   * them acts on a state another is changing. A failure rebuilds the connection, which starts
   * consuming again on its own if it should.
   */
  private changeConsumer(change: () => Promise<void>): Promise<void> {
    return this.consumerChanges.run(change).catch((error: unknown) => {
      this.options.logger.warn('Could not change the consumer; reconnecting', errorFields(error));
      this.connection.reset();
    });
  }

  private async cancelConsumer(): Promise<void> {
    const consumer = this.consumer;
    this.consumer = undefined;
    if (consumer && consumer.session === this.connection.session) {
      await consumer.session.consumeChannel.cancel(consumer.tag).catch(() => undefined);
    }
  }

  private track(message: ConsumeMessage, session: BrokerSession): void {
    const pipeline = this.pipeline;
    if (!pipeline) return;
    const work = pipeline.handle(message, session.consumeChannel).catch((error: unknown) => {
      // Nothing was acked. Rebuilding the connection makes the broker redeliver the message
      // (and redeclares a delay or dead-letter queue that was missing).
      this.options.logger.error('Could not settle a message; reconnecting', errorFields(error));
      this.connection.reset();
    });
    this.inFlight.add(work);
    void work.finally(() => this.inFlight.delete(work));
  }
}
