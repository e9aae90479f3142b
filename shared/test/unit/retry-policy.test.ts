import { PermanentError } from '../../src/errors/app-error';
import { NotFoundError } from '../../src/errors/domain-errors';
import { ATTEMPT_HEADER, attemptOf, decideOnFailure } from '../../src/messaging/retry-policy';
import { defaultLane, defineServiceTopology } from '../../src/messaging/topology';

const topologyWith = (maxAttempts: number) =>
  defineServiceTopology({
    service: 'order-service',
    exchange: 'ecommerce.events',
    consumes: ['inventory.status.updated'],
    maxAttempts,
    retryBaseDelayMs: 1000,
    maxDeliveries: 5,
  });

/** Four attempts: retry levels 1..3 with base delays 1000, 2000 and 4000 ms. */
const retryQueues = defaultLane(topologyWith(4)).retryQueues;
/** random() = 0.5 is the middle of the jitter range: the base delay exactly. */
const noJitter = () => 0.5;

describe('decideOnFailure', () => {
  it('when the error is permanent, then the message is dead-lettered at once as permanent', () => {
    const random = jest.fn(noJitter);
    expect(decideOnFailure(new PermanentError('bad schema'), 1, retryQueues, random)).toEqual({
      action: 'dead-letter',
      reason: 'permanent',
    });
    expect(random).not.toHaveBeenCalled();
  });

  it('when a domain error names a fact about the event, then retrying cannot help: dead-lettered at once', () => {
    expect(decideOnFailure(new NotFoundError('ORDER_NOT_FOUND', 'gone'), 1, retryQueues)).toEqual({
      action: 'dead-letter',
      reason: 'permanent',
    });
  });

  it('when the error is permanent on a later attempt, then it is still dead-lettered as permanent', () => {
    expect(decideOnFailure(new PermanentError('gone'), 3, retryQueues, noJitter)).toEqual({
      action: 'dead-letter',
      reason: 'permanent',
    });
  });

  it.each([
    [1, 'order-service.delay.1', 1000],
    [2, 'order-service.delay.2', 2000],
    [3, 'order-service.delay.3', 4000],
  ])(
    'when a transient error happens on attempt %i, then it is retried through %s and the next attempt is one more',
    (attempt, queue, delayMs) => {
      expect(decideOnFailure(new Error('db down'), attempt, retryQueues, noJitter)).toEqual({
        action: 'retry',
        queue,
        delayMs,
        nextAttempt: attempt + 1,
      });
    },
  );

  it.each([4, 5, 100])(
    'when a transient error happens on attempt %i of 4, then the attempts are exhausted',
    (attempt) => {
      expect(decideOnFailure(new Error('db down'), attempt, retryQueues, noJitter)).toEqual({
        action: 'dead-letter',
        reason: 'attempts-exhausted',
      });
    },
  );

  it('when the topology allows one attempt, then the first transient failure is dead-lettered', () => {
    expect(
      decideOnFailure(new Error('db down'), 1, defaultLane(topologyWith(1)).retryQueues, noJitter),
    ).toEqual({ action: 'dead-letter', reason: 'attempts-exhausted' });
  });

  it.each([['a string'], [undefined], [null], [{ message: 'plain object' }]])(
    'when something other than an Error is thrown (%p), then it counts as transient',
    (thrown) => {
      expect(decideOnFailure(thrown, 1, retryQueues, noJitter)).toMatchObject({
        action: 'retry',
        nextAttempt: 2,
      });
    },
  );

  it('when random() is 0, then the delay is 20 % below the base delay', () => {
    expect(decideOnFailure(new Error('x'), 2, retryQueues, () => 0)).toMatchObject({
      delayMs: 1600,
    });
  });

  it('when random() is 1, then the delay is 20 % above the base delay', () => {
    expect(decideOnFailure(new Error('x'), 2, retryQueues, () => 1)).toMatchObject({
      delayMs: 2400,
    });
  });
});

describe('attemptOf', () => {
  it('when the header is a number, then it is the attempt', () => {
    expect(attemptOf({ [ATTEMPT_HEADER]: 3 })).toBe(3);
    expect(ATTEMPT_HEADER).toBe('x-attempt');
  });

  it('when the header is a numeric string, then it is converted', () => {
    expect(attemptOf({ 'x-attempt': '2' })).toBe(2);
  });

  it('when there are no headers or no attempt header, then it is the first attempt', () => {
    expect(attemptOf(undefined)).toBe(1);
    expect(attemptOf({})).toBe(1);
    expect(attemptOf({ 'x-other': 7 })).toBe(1);
  });

  it.each([
    ['abc'],
    [''],
    [0],
    [-3],
    [2.5],
    [null],
    [Number.NaN],
    [Number.POSITIVE_INFINITY],
    [{}],
    [Buffer.from('garbage')],
  ])('when the header is garbage (%p), then it counts as the first attempt', (value) => {
    expect(attemptOf({ 'x-attempt': value })).toBe(1);
  });
});
