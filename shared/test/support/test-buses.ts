import type { Connection } from 'mongoose';
import type { Logger } from '../../src';
import { connectDatabase, RabbitEventBus, ServiceMetrics } from '../../src';
import { DeadLetterIndex } from '../../src/messaging/dead-letters';
import type { TestEnvironment } from '../../src/testing';

export const EXCHANGE = 'ecommerce.events';

export interface BusOverrides {
  maxAttempts?: number;
  retryBaseDelayMs?: number;
  maxDeliveries?: number;
  prefetch?: number;
  singleActiveConsumer?: boolean;
  logger?: Logger;
}

/**
 * The buses of a test file's services, each with its own queues and database (two instances of
 * one service share them); `stopAll` after each test, so that no other test's bus hears its
 * messages.
 */
export class TestBuses {
  private readonly started: Array<{ bus: RabbitEventBus; db: Connection }> = [];

  constructor(
    private readonly env: TestEnvironment,
    private readonly logger: Logger,
  ) {}

  /** A bus for `service`, subscribed by `subscribe`, started and connected. */
  async start(
    service: string,
    subscribe: (bus: RabbitEventBus) => void,
    overrides: BusOverrides = {},
  ): Promise<RabbitEventBus> {
    const db = await connectDatabase(this.env.mongodbUri(service), this.logger);
    const bus = new RabbitEventBus({
      url: this.env.rabbitmqUrl,
      service,
      exchange: EXCHANGE,
      prefetch: overrides.prefetch ?? 10,
      maxAttempts: overrides.maxAttempts ?? 4,
      retryBaseDelayMs: overrides.retryBaseDelayMs ?? 100,
      maxDeliveries: overrides.maxDeliveries ?? 5,
      singleActiveConsumer: overrides.singleActiveConsumer,
      logger: overrides.logger ?? this.logger,
      deadLetterIndex: new DeadLetterIndex(db),
      metrics: new ServiceMetrics(service),
    });
    try {
      subscribe(bus);
    } catch (error) {
      await db.close();
      throw error;
    }
    bus.start();
    await bus.whenConnected();
    this.started.push({ bus, db });
    return bus;
  }

  async stopAll(): Promise<void> {
    for (const { bus, db } of this.started.splice(0)) {
      await bus.close();
      await db.close();
    }
  }
}
