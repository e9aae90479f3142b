import { PermanentError } from '../errors/app-error';
import { DomainError } from '../errors/domain-errors';
import { withJitter } from './retry-schedule';
import type { RetryQueue } from './topology';

/** Header carrying the number of the attempt a delivery is (1 for the first). */
export const ATTEMPT_HEADER = 'x-attempt';

export type FailureDecision =
  | { action: 'retry'; queue: string; delayMs: number; nextAttempt: number }
  | { action: 'dead-letter'; reason: 'permanent' | 'attempts-exhausted' };

/**
 * What to do with a message whose handling failed on attempt `attempt`: retry it later through
 * the delay queue of that level, or dead-letter it. Pure, so the policy is unit-tested alone.
 */
export function decideOnFailure(
  error: unknown,
  attempt: number,
  retryQueues: RetryQueue[],
  random: () => number = Math.random,
): FailureDecision {
  // A domain error states a fact about the event's data (an unknown order, a refused message):
  // the same event fails the same way every time, so it is parked at once.
  if (error instanceof PermanentError || error instanceof DomainError) {
    return { action: 'dead-letter', reason: 'permanent' };
  }
  const level = retryQueues[attempt - 1];
  if (!level) return { action: 'dead-letter', reason: 'attempts-exhausted' };
  return {
    action: 'retry',
    queue: level.name,
    delayMs: withJitter(level.delayMs, random),
    nextAttempt: attempt + 1,
  };
}

/** Reads the attempt number from AMQP headers; anything unreadable counts as the first. */
export function attemptOf(headers: Record<string, unknown> | undefined): number {
  const value = Number(headers?.[ATTEMPT_HEADER]);
  return Number.isInteger(value) && value >= 1 ? value : 1;
}
