import type { ConfirmChannel, ConsumeMessage } from 'amqplib';
import type { EventType } from '../events/catalogue';
import type { AnyEvent } from '../events/envelope';
import type { ServiceMetrics, WorkQueueStatus } from '../observability/metrics';
import type { Logger } from '../logging/logger';
import { errorFields } from '../logging/logger';
import { declareTopology, publishConfirmed, whileHolding } from './amqp-helpers';
import type { BrokerSession } from './broker-connection';
import { BrokerConnection } from './broker-connection';
import type { DeadLetterIndex } from './dead-letters';
import { DeadLetterQueue } from './dead-letter-queue';
import type { AnyHandler } from './delivery-pipeline';
import { DeliveryPipeline } from './delivery-pipeline';
import { Mutex } from '../concurrency/mutex';
import { settlesWithin } from '../concurrency/timing';
import type { EventBus, EventHandler, SubscribeOptions } from './event-bus';
import type { ServiceTopology, WorkQueue } from './topology';
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
  /**
   * One instance consumes at a time, the others stand by (see ServiceDefinition.consumers); the
   * same instance on every lane.
   */
  singleActiveConsumer?: boolean;
  reconnectInitialDelayMs?: number;
  reconnectMaxDelayMs?: number;
  logger: Logger;
  deadLetterIndex: DeadLetterIndex;
  metrics: ServiceMetrics;
}

/**
 * RabbitMQ behind the EventBus interface: the service subscribes its handlers, the bus declares
 * the topology they imply (see topology.ts) on every (re)connect, consumes each lane's queue with
 * a consumer of its own (each with `prefetch` messages at most, on the one consuming channel),
 * and feeds every delivery, whatever its lane, through the one DeliveryPipeline (dedup, retries,
 * dead letters). Publishing waits for the broker's confirm.
 */
export class RabbitEventBus implements EventBus {
  private readonly handlers = new Map<EventType, AnyHandler>();
  /** The event types subscribed on a lane of their own, by lane. */
  private readonly lanes = new Map<string, EventType[]>();
  /** The lanes that asked for more than the service's prefetch. */
  private readonly laneWeights = new Map<string, number>();
  private readonly inFlight = new Set<Promise<void>>();
  private readonly connection: BrokerConnection;
  private topology?: ServiceTopology;
  private pipeline?: DeliveryPipeline;
  /** The lanes' consumers, valid only while their session is the connection's current one. */
  private consumers?: { session: BrokerSession; tags: string[] };
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

  subscribe<T extends EventType>(
    eventType: T,
    handler: EventHandler<T>,
    { lane, weight }: SubscribeOptions = {},
  ): void {
    if (this.topology) throw new Error(`Subscribe to ${eventType} before the bus starts`);
    if (this.handlers.has(eventType)) throw new Error(`${eventType} already has a handler`);
    if (weight !== undefined) this.weighLane(eventType, lane, weight);
    this.handlers.set(eventType, handler as AnyHandler);
    if (lane !== undefined) this.lanes.set(lane, [...(this.lanes.get(lane) ?? []), eventType]);
  }

  private weighLane(eventType: EventType, lane: string | undefined, weight: number): void {
    if (lane === undefined) throw new Error(`${eventType}: a weight is for a lane of its own`);
    const earlier = this.laneWeights.get(lane);
    if (earlier !== undefined && earlier !== weight) {
      throw new Error(`${eventType}: lane ${lane} already has weight ${earlier}`);
    }
    this.laneWeights.set(lane, weight);
  }

  /** Validates the topology and starts connecting in the background; never waits for the broker. */
  start(): void {
    const topology = defineServiceTopology({
      service: this.options.service,
      exchange: this.options.exchange,
      consumes: [...this.handlers.keys()],
      lanes: Object.fromEntries(this.lanes),
      laneWeights: Object.fromEntries(this.laneWeights),
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

  /** Every lane's work queue as the broker counts it now (metrics read it at each scrape). */
  async workQueueStatus(): Promise<WorkQueueStatus[]> {
    const { lanes } = this.requireTopology();
    const channel = await this.connection.requireSession().connection.createChannel();
    channel.on('error', () => undefined); // a queue deleted by hand: its check rejects
    try {
      const statuses: WorkQueueStatus[] = [];
      for (const { queue } of lanes) {
        const { messageCount, consumerCount } = await channel.checkQueue(queue);
        statuses.push({ queue, messages: messageCount, consumers: consumerCount });
      }
      return statuses;
    } finally {
      await channel.close().catch(() => undefined);
    }
  }

  private requireTopology(): ServiceTopology {
    if (!this.topology) throw new Error('The event bus has not been started');
    return this.topology;
  }

  private async onSession(session: BrokerSession): Promise<void> {
    const topology = this.requireTopology();
    const declared = await declareTopology(session.connection, session.publishChannel, topology);
    for (const queue of declared.differingWorkQueues) {
      this.options.logger.warn(
        `Queue ${queue} exists with other arguments than this version declares (a classic queue of an earlier version, or another MAX_DELIVERIES) and is consumed as it is; to redeclare it, its messages kept, stop this service's instances and run: npm run migrate-queues -- ${this.options.service}`,
      );
    }
    for (const lane of topology.lanes) {
      for (const { name } of lane.retryQueues.filter(({ name }) =>
        declared.differingDelayQueues.includes(name),
      )) {
        this.options.logger.warn(
          `Delay queue ${name} exists with other arguments than this version declares and is used as it is; to redeclare it, delete it once it is empty (its messages go back to ${lane.queue} as their delays run out) and restart the service`,
        );
      }
    }
    await this.consumerChanges.run(() => this.startConsuming(session));
    this.options.logger.info('Declared topology', {
      queues: topology.lanes.map(({ queue, bindings }) => ({ queue, consumes: bindings })),
      asDeclared: declared.differingWorkQueues.length === 0,
    });
  }

  /**
   * One consumer per lane, lane after lane: every lane's queue, the default one included even with
   * no binding left (a queue of an earlier version may still hold events of a type that has moved
   * to a lane of its own). With a single active consumer across instances, while holding the
   * topology's registration lock: see ServiceTopology.consumerRegistrationLock.
   */
  private async startConsuming(session: BrokerSession): Promise<void> {
    const { lanes, consumerRegistrationLock } = this.requireTopology();
    const consuming = this.consumers?.session === session;
    const consumesAnything = lanes.some((lane) => lane.bindings.length > 0);
    if (!consumesAnything || consuming || this.paused || this.stopping) return;
    const register = async () => {
      const tags: string[] = [];
      // Kept as they come, so that a failure halfway still has them cancelled.
      this.consumers = { session, tags };
      for (const lane of lanes) tags.push(await this.consumeLane(session, lane));
    };
    if (consumerRegistrationLock) {
      await whileHolding(session.connection, consumerRegistrationLock, register);
    } else {
      await register();
    }
  }

  /**
   * Consumes one lane's queue, with `weight` times the service's prefetch (a prefetch set on the
   * channel applies to the consumers registered after it); each delivery goes through the
   * pipeline with its lane.
   */
  private async consumeLane(session: BrokerSession, lane: WorkQueue): Promise<string> {
    await session.consumeChannel.prefetch(this.options.prefetch * lane.weight);
    const { consumerTag } = await session.consumeChannel.consume(lane.queue, (message) => {
      if (message === null) {
        // The broker cancelled the consumer (its queue was deleted): rebuild and redeclare.
        this.options.logger.warn('RabbitMQ cancelled the consumer, reconnecting', {
          queue: lane.queue,
        });
        this.connection.reset();
        return;
      }
      this.track(message, session, lane);
    });
    return consumerTag;
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
    const consumers = this.consumers;
    this.consumers = undefined;
    if (consumers && consumers.session === this.connection.session) {
      for (const tag of consumers.tags) {
        await consumers.session.consumeChannel.cancel(tag).catch(() => undefined);
      }
    }
  }

  private track(message: ConsumeMessage, session: BrokerSession, lane: WorkQueue): void {
    const pipeline = this.pipeline;
    if (!pipeline) return;
    const work = pipeline.handle(message, session.consumeChannel, lane).catch((error: unknown) => {
      // Nothing was acked. Rebuilding the connection makes the broker redeliver the message
      // (and redeclares a delay or dead-letter queue that was missing).
      this.options.logger.error('Could not settle a message; reconnecting', errorFields(error));
      this.connection.reset();
    });
    this.inFlight.add(work);
    void work.finally(() => this.inFlight.delete(work));
  }
}
