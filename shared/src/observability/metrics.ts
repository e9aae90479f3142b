import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export type ConsumeOutcome = 'handled' | 'duplicate' | 'retried' | 'dead-lettered';

/** One work queue as the broker counts it: messages ready, and consumers of every instance. */
export interface WorkQueueStatus {
  queue: string;
  messages: number;
  consumers: number;
}

/** The service's Prometheus metrics, on a registry of its own (several services may share a test process). */
export class ServiceMetrics {
  readonly registry = new Registry();

  readonly httpRequestDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request duration by method, route and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });

  readonly eventsConsumed = new Counter({
    name: 'events_consumed_total',
    help: 'Events taken from the queue, by type and what became of them',
    labelNames: ['event_type', 'outcome'] as const,
    registers: [this.registry],
  });

  readonly eventsPublished = new Counter({
    name: 'events_published_total',
    help: 'Events published to the exchange and confirmed by the broker',
    labelNames: ['event_type'] as const,
    registers: [this.registry],
  });

  readonly dbCommands = new Counter({
    name: 'db_commands_total',
    help: "Commands sent to the database, by command name (the driver's command monitoring)",
    labelNames: ['command'] as const,
    registers: [this.registry],
  });

  readonly eventHandlingDuration = new Histogram({
    name: 'event_handling_duration_seconds',
    help: "Time the service's handler took for one delivery of an event, by type (failures included)",
    labelNames: ['event_type'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });

  /** The HTTP admission queue (http/admission-queue.ts), read at each scrape; set by the HTTP app. */
  httpAdmission?: { readonly inProgress: number; readonly queued: number };

  readonly httpRequestsInProgress = this.admissionGauge(
    'http_requests_in_progress',
    'API requests admitted and not yet answered (at most HTTP_MAX_REQUESTS_IN_PROGRESS)',
    (admission) => admission.inProgress,
  );

  readonly httpRequestsQueued = this.admissionGauge(
    'http_requests_queued',
    'API requests waiting for admission (at most HTTP_MAX_QUEUED_REQUESTS)',
    (admission) => admission.queued,
  );

  readonly httpRequestsShed = new Counter({
    name: 'http_requests_shed_total',
    help: 'API requests answered 503 OVERLOADED before any of their work, by reason (queue-full, waited-too-long)',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });

  /** A gauge of the admission queue, read at each scrape (none before the HTTP app sets it). */
  private admissionGauge(
    name: string,
    help: string,
    read: (admission: NonNullable<ServiceMetrics['httpAdmission']>) => number,
  ): Gauge {
    const gauge: Gauge = new Gauge({
      name,
      help,
      registers: [this.registry],
      collect: () => {
        if (this.httpAdmission) gauge.set(read(this.httpAdmission));
      },
    });
    return gauge;
  }

  /** Reads the depth of the service's dead-letter queue; set by the service host. */
  deadLetterQueueDepth?: () => Promise<number>;

  readonly deadLetterQueueMessages = new Gauge({
    name: 'dead_letter_queue_messages',
    help: "Messages in the service's dead-letter queue, read from the broker at each scrape",
    registers: [this.registry],
    // While the broker cannot say, the gauge keeps the last depth it said.
    collect: async () => {
      const depth = await this.deadLetterQueueDepth?.().catch(() => undefined);
      if (depth !== undefined) this.deadLetterQueueMessages.set(depth);
    },
  });

  /** Reads every lane's work queue from the broker; set by the service host. */
  workQueues?: () => Promise<WorkQueueStatus[]>;

  readonly workQueueMessages = this.workQueueGauge(
    'work_queue_messages',
    "Messages ready in each of the service's work queues (one per lane), read from the broker at each scrape",
  );

  readonly workQueueConsumers = this.workQueueGauge(
    'work_queue_consumers',
    "Consumers of each of the service's work queues (one per lane), every instance's, as the broker counts them at each scrape",
  );

  /** The read of the work queues that a scrape's gauges share (they are collected at once). */
  private workQueuesRead?: Promise<void>;

  /**
   * Both work-queue gauges from one read of the broker: each gauge's collection awaits the same
   * read. While the broker cannot say, they keep the last figures it said.
   */
  private workQueueGauge(name: string, help: string): Gauge<'queue'> {
    return new Gauge({
      name,
      help,
      labelNames: ['queue'] as const,
      registers: [this.registry],
      collect: () => (this.workQueuesRead ??= this.readWorkQueues()),
    });
  }

  private async readWorkQueues(): Promise<void> {
    try {
      for (const status of (await this.workQueues?.().catch(() => undefined)) ?? []) {
        this.workQueueMessages.set({ queue: status.queue }, status.messages);
        this.workQueueConsumers.set({ queue: status.queue }, status.consumers);
      }
    } finally {
      this.workQueuesRead = undefined;
    }
  }

  /** Counts the events stored and not yet confirmed by the broker; set by the service host. */
  outboxPending?: () => number;

  readonly outboxPendingEvents = new Gauge({
    name: 'outbox_pending_events',
    help: 'Events stored in outboxes and not yet confirmed by the broker (as far as this process knows)',
    registers: [this.registry],
    collect: () => {
      if (this.outboxPending) this.outboxPendingEvents.set(this.outboxPending());
    },
  });

  constructor(service: string) {
    this.registry.setDefaultLabels({ service });
    collectDefaultMetrics({ register: this.registry });
  }
}
