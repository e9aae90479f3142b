import { MessageRefusedError } from '../../src/domain/notification-provider';
import {
  BREAKER_STATE_VALUES,
  breakerStateOf,
  callOutcomeOf,
} from '../../src/providers/circuit-breaker-provider';

describe("when a breaker's state is read", () => {
  it('then opossum flags map to closed, half-open and open', () => {
    expect(breakerStateOf({ opened: false, halfOpen: false })).toBe('closed');
    expect(breakerStateOf({ opened: true, halfOpen: false })).toBe('open');
    expect(breakerStateOf({ opened: false, halfOpen: true })).toBe('half-open');
  });

  it('then the gauge orders them by how bad they are: 0 closed, 1 half-open, 2 open', () => {
    expect(BREAKER_STATE_VALUES).toEqual({ closed: 0, 'half-open': 1, open: 2 });
  });
});

describe('when a provider call fails', () => {
  const coded = (code: string) => Object.assign(new Error(code), { code });

  it('then a refused message, an open breaker and a timeout each have their outcome', () => {
    expect(callOutcomeOf(new MessageRefusedError('550'))).toBe('refused');
    expect(callOutcomeOf(coded('EOPENBREAKER'))).toBe('short-circuited');
    expect(callOutcomeOf(coded('ETIMEDOUT'))).toBe('timeout');
    expect(callOutcomeOf(new DOMException('aborted', 'TimeoutError'))).toBe('timeout');
  });

  it('then anything else is a failure', () => {
    expect(callOutcomeOf(coded('ECONNREFUSED'))).toBe('failed');
    expect(callOutcomeOf(new Error('boom'))).toBe('failed');
    expect(callOutcomeOf('not even an error')).toBe('failed');
  });
});
