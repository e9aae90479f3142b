import type { EventType } from '../../src/events/catalogue';
import { MAX_ATTEMPTS_LIMIT } from '../../src/messaging/retry-schedule';
import type { TopologyOptions } from '../../src/messaging/topology';
import {
  defaultLane,
  defineServiceTopology,
  keysOfOtherLanes,
  laneOf,
} from '../../src/messaging/topology';

const WORK_QUEUE_ARGUMENTS = {
  'x-queue-type': 'quorum',
  'x-delivery-limit': 4,
  'x-dead-letter-exchange': '',
  'x-dead-letter-routing-key': 'inventory-service.dlq',
  'x-dead-letter-strategy': 'at-least-once',
  'x-overflow': 'reject-publish',
};

const delayQueueArguments = (workQueue: string) => ({
  'x-queue-type': 'quorum',
  'x-dead-letter-exchange': '',
  'x-dead-letter-routing-key': workQueue,
  'x-dead-letter-strategy': 'at-least-once',
  'x-overflow': 'reject-publish',
});

const options = (overrides: Partial<TopologyOptions> = {}): TopologyOptions => ({
  service: 'inventory-service',
  exchange: 'ecommerce.events',
  consumes: ['order.created', 'order.status.updated'],
  maxAttempts: 4,
  retryBaseDelayMs: 1000,
  maxDeliveries: 5,
  ...overrides,
});

function problemsOf(overrides: Partial<TopologyOptions>): string {
  try {
    defineServiceTopology(options(overrides));
  } catch (error) {
    expect(error).toBeInstanceOf(Error);
    return (error as Error).message;
  }
  throw new Error('expected defineServiceTopology to throw');
}

describe('defineServiceTopology', () => {
  it('when the options are valid, then the queues are named after the service', () => {
    expect(defineServiceTopology(options())).toEqual({
      exchange: 'ecommerce.events',
      lanes: [
        {
          lane: 'default',
          queue: 'inventory-service',
          weight: 1,
          queueArguments: WORK_QUEUE_ARGUMENTS,
          bindings: ['order.created', 'order.status.updated'],
          retryQueues: [
            { name: 'inventory-service.delay.1', delayMs: 1000 },
            { name: 'inventory-service.delay.2', delayMs: 2000 },
            { name: 'inventory-service.delay.3', delayMs: 4000 },
          ],
          retryQueueArguments: delayQueueArguments('inventory-service'),
        },
      ],
      deadLetterQueue: 'inventory-service.dlq',
    });
  });

  it('when there are many attempts, then each retry level doubles the delay of the one before', () => {
    const { retryQueues } = defaultLane(
      defineServiceTopology(options({ maxAttempts: 8, retryBaseDelayMs: 250 })),
    );
    expect(retryQueues).toHaveLength(7);
    retryQueues.forEach((queue, index) => {
      expect(queue.name).toBe(`inventory-service.delay.${index + 1}`);
      expect(queue.delayMs).toBe(250 * 2 ** index);
    });
  });

  it('when maxAttempts is 1, then there are no retry queues but still a dead-letter queue', () => {
    const topology = defineServiceTopology(options({ maxAttempts: 1 }));
    expect(defaultLane(topology).retryQueues).toEqual([]);
    expect(topology.deadLetterQueue).toBe('inventory-service.dlq');
  });

  it('when maxAttempts is 2, then there is exactly one retry queue with the base delay', () => {
    expect(defaultLane(defineServiceTopology(options({ maxAttempts: 2 }))).retryQueues).toEqual([
      { name: 'inventory-service.delay.1', delayMs: 1000 },
    ]);
  });

  it('when the service consumes nothing, then the topology has no bindings', () => {
    expect(defaultLane(defineServiceTopology(options({ consumes: [] }))).bindings).toEqual([]);
  });

  it('when the caller changes its consumes list afterwards, then the topology is unaffected', () => {
    const consumes: EventType[] = ['order.created'];
    const topology = defineServiceTopology(options({ consumes }));
    consumes.push('order.status.updated');
    expect(defaultLane(topology).bindings).toEqual(['order.created']);
  });

  it.each([
    'Inventory-Service',
    'inventory_service',
    'inventory service',
    '1nventory',
    '-inventory',
    '',
  ])('when the service name is %p, then it is rejected as not kebab-case', (service) => {
    expect(problemsOf({ service })).toBe(
      `Invalid messaging topology: service name "${service}" must be kebab-case`,
    );
  });

  it('when the exchange name is empty, then it is rejected', () => {
    expect(problemsOf({ exchange: '' })).toBe('Invalid messaging topology: exchange name is empty');
  });

  it('when a binding names an unknown event type, then the type is named', () => {
    const consumes = ['order.created', 'order.deleted'] as EventType[];
    expect(problemsOf({ consumes })).toBe(
      'Invalid messaging topology: cannot bind to unknown event type "order.deleted"',
    );
  });

  it('when an event type is bound twice, then it is rejected', () => {
    expect(problemsOf({ consumes: ['order.created', 'order.created'] })).toBe(
      'Invalid messaging topology: an event type is bound twice',
    );
  });

  it.each([0, -1, 1.5, Number.NaN, MAX_ATTEMPTS_LIMIT + 1])(
    'when maxAttempts is %p, then it is rejected',
    (maxAttempts) => {
      expect(problemsOf({ maxAttempts })).toBe(
        `Invalid messaging topology: maxAttempts must be a whole number from 1 to ${MAX_ATTEMPTS_LIMIT}`,
      );
    },
  );

  it.each([0, -100, Number.NaN])('when retryBaseDelayMs is %p, then it is rejected', (delay) => {
    expect(problemsOf({ retryBaseDelayMs: delay })).toBe(
      'Invalid messaging topology: retryBaseDelayMs must be > 0',
    );
  });

  it('when several things are wrong, then all of them are reported in one error', () => {
    const message = problemsOf({
      service: 'Bad_Name',
      exchange: '',
      consumes: ['order.created', 'order.created', 'nope'] as EventType[],
      maxAttempts: 0,
      retryBaseDelayMs: 0,
    });
    expect(message).toMatch(/^Invalid messaging topology: /);
    for (const problem of [
      'service name "Bad_Name" must be kebab-case',
      'exchange name is empty',
      'cannot bind to unknown event type "nope"',
      'an event type is bound twice',
      `maxAttempts must be a whole number from 1 to ${MAX_ATTEMPTS_LIMIT}`,
      'retryBaseDelayMs must be > 0',
    ]) {
      expect(message).toContain(problem);
    }
    expect(message.split('; ')).toHaveLength(6);
  });

  it('when a message may be delivered once only, then the broker returns it to the queue never', () => {
    expect(
      defaultLane(defineServiceTopology(options({ maxDeliveries: 1 }))).queueArguments[
        'x-delivery-limit'
      ],
    ).toBe(0);
  });

  it.each([0, -2, 2.5, Number.NaN])(
    'when maxDeliveries is %p, then it is rejected',
    (maxDeliveries) => {
      expect(problemsOf({ maxDeliveries })).toBe(
        'Invalid messaging topology: maxDeliveries must be a whole number ≥ 1',
      );
    },
  );
});

describe('defineServiceTopology with lanes', () => {
  const settlement = { settlement: ['order.status.updated'] as EventType[] };

  it('when an event type has a lane of its own, then it has a work queue of its own beside the default one, with the same arguments and its own delay queues', () => {
    const topology = defineServiceTopology(options({ lanes: settlement }));
    expect(topology.lanes).toEqual([
      expect.objectContaining({
        lane: 'default',
        queue: 'inventory-service',
        bindings: ['order.created'],
      }),
      {
        lane: 'settlement',
        queue: 'inventory-service.settlement',
        weight: 1,
        queueArguments: WORK_QUEUE_ARGUMENTS,
        bindings: ['order.status.updated'],
        retryQueues: [
          { name: 'inventory-service.settlement.delay.1', delayMs: 1000 },
          { name: 'inventory-service.settlement.delay.2', delayMs: 2000 },
          { name: 'inventory-service.settlement.delay.3', delayMs: 4000 },
        ],
        retryQueueArguments: delayQueueArguments('inventory-service.settlement'),
      },
    ]);
    expect(topology.deadLetterQueue).toBe('inventory-service.dlq');
    expect(topology.consumerRegistrationLock).toBeUndefined();
  });

  it("when there are lanes, then every consumed event type is bound to exactly one of them, and each queue is unbound from the others' types", () => {
    const topology = defineServiceTopology(
      options({
        consumes: ['order.created', 'order.status.updated', 'inventory.status.updated'],
        lanes: { settlement: ['order.status.updated'], results: ['inventory.status.updated'] },
      }),
    );
    const bound = topology.lanes.flatMap((lane) => lane.bindings);
    expect(bound).toHaveLength(3);
    expect(new Set(bound)).toEqual(
      new Set(['order.created', 'order.status.updated', 'inventory.status.updated']),
    );
    expect(topology.lanes.map((lane) => lane.queue)).toEqual([
      'inventory-service',
      'inventory-service.results',
      'inventory-service.settlement',
    ]);
    for (const lane of topology.lanes) {
      expect(keysOfOtherLanes(topology, lane).sort()).toEqual(
        bound.filter((key) => !lane.bindings.includes(key)).sort(),
      );
    }
  });

  it('when a routing key is looked up, then it is the lane bound to it, and the default lane for one no lane has', () => {
    const topology = defineServiceTopology(options({ lanes: settlement }));
    expect(laneOf(topology, 'order.status.updated').queue).toBe('inventory-service.settlement');
    expect(laneOf(topology, 'order.created').queue).toBe('inventory-service');
    expect(laneOf(topology, 'inventory-service').queue).toBe('inventory-service');
  });

  it('when the instances consume one at a time, then every lane has a single active consumer and their registration takes a lock', () => {
    const topology = defineServiceTopology(
      options({ lanes: settlement, singleActiveConsumer: true }),
    );
    for (const lane of topology.lanes) {
      expect(lane.queueArguments['x-single-active-consumer']).toBe(true);
    }
    expect(topology.consumerRegistrationLock).toBe('inventory-service.consumer-lock');
    expect(
      defineServiceTopology(options({ singleActiveConsumer: true })).consumerRegistrationLock,
    ).toBeUndefined();
  });

  it.each([
    'Settlement',
    'settle_ment',
    '1st',
    '',
    'default',
    'delay',
    'dlq',
    'retry',
    'migrating',
  ])('when a lane is named %p, then it is rejected', (lane) => {
    expect(problemsOf({ lanes: { [lane]: ['order.status.updated'] } })).toBe(
      `Invalid messaging topology: lane name "${lane}" must be kebab-case and none of default, delay, retry, dlq, migrating, consumer-lock`,
    );
  });

  it('when a lane names an event type the service does not consume, then it is rejected', () => {
    expect(
      problemsOf({
        consumes: ['order.created'],
        lanes: { settlement: ['order.status.updated'] },
      }),
    ).toBe(
      'Invalid messaging topology: lane "settlement" names "order.status.updated", which the service does not consume',
    );
  });

  it('when an event type is on two lanes, then it is rejected, both named', () => {
    expect(
      problemsOf({
        lanes: { settlement: ['order.status.updated'], other: ['order.status.updated'] },
      }),
    ).toBe(
      'Invalid messaging topology: "order.status.updated" is on two lanes: "settlement" and "other"',
    );
  });

  it('when a lane is given a weight, then its consumer is to take that many times the prefetch, and the others once', () => {
    const topology = defineServiceTopology(
      options({ lanes: settlement, laneWeights: { settlement: 3 } }),
    );
    expect(topology.lanes.map(({ lane, weight }) => [lane, weight])).toEqual([
      ['default', 1],
      ['settlement', 3],
    ]);
  });

  it('when a weight names a lane that does not exist, then it is rejected', () => {
    expect(problemsOf({ lanes: settlement, laneWeights: { setlement: 3 } })).toBe(
      'Invalid messaging topology: a weight is given to lane "setlement", which has no event type',
    );
  });

  it.each([0, -1, 1.5, Number.NaN])('when a lane weighs %p, then it is rejected', (weight) => {
    expect(problemsOf({ lanes: settlement, laneWeights: { settlement: weight } })).toBe(
      'Invalid messaging topology: lane "settlement"\'s weight must be a whole number ≥ 1',
    );
  });

  it('when a lane has no event type, then it is rejected', () => {
    expect(problemsOf({ lanes: { settlement: [] } })).toBe(
      'Invalid messaging topology: lane "settlement" has no event type',
    );
  });
});
