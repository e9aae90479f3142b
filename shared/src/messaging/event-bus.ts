import type { AnyEvent, EventEnvelope } from '../events/envelope';
import type { EventType } from '../events/catalogue';
import type { Foreground } from '../concurrency/foreground';

/** A handler receives a typed, validated event and returns, or throws to have it retried. */
export type EventHandler<T extends EventType> = (event: EventEnvelope<T>) => Promise<void>;

export interface EventPublisher {
  /** Resolves once the broker has confirmed the event; rejects when it cannot. */
  publish(event: AnyEvent): Promise<void>;
}

export interface SubscribeOptions {
  /**
   * A lane of its own (kebab-case): the event type's messages go to a work queue of their own,
   * `<service>.<lane>`, with its own consumer, so that they never wait behind a backlog of the
   * service's other events. Without it, the default lane: the queue `<service>`.
   */
  lane?: string;
  /**
   * With `lane`: its consumer takes `weight` times the service's PREFETCH (default 1), so that
   * while both lanes have a backlog this one gets the larger share of the service's work.
   */
  weight?: number;
}

/** `publisher`, each publication waiting until the service's foreground is calm (see Foreground). */
export function afterForeground(foreground: Foreground, publisher: EventPublisher): EventPublisher {
  return {
    publish: async (event) => {
      await foreground.whenCalm();
      await publisher.publish(event);
    },
  };
}

/**
 * The whole boundary between a service and the broker (after eShop's IEventBus). Services
 * subscribe one handler per event type at start-up and publish through the outbox; channels,
 * queues and lanes, acks, retries, dead letters and dedup stay behind this interface.
 */
export interface EventBus extends EventPublisher {
  subscribe<T extends EventType>(
    eventType: T,
    handler: EventHandler<T>,
    options?: SubscribeOptions,
  ): void;
}
