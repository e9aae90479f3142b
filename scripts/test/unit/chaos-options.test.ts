import { readOptions } from '../../chaos/options';
import { FAULT_KINDS } from '../../chaos/schedule';

describe('readOptions', () => {
  it('when given nothing, then the defaults: 3 minutes, 8 clients, 40/s, every fault twice, a seed', () => {
    expect(readOptions([])).toEqual({
      durationSeconds: 180,
      clients: 8,
      rate: 40,
      faults: [...FAULT_KINDS],
      repeat: 2,
      seed: expect.any(Number),
    });
  });

  it('when given options, then they are taken, a kind named twice once', () => {
    expect(
      readOptions([
        '--seed',
        '7',
        '--duration',
        '60',
        '--faults',
        'kill-rabbitmq, cut-broker,kill-rabbitmq',
      ]),
    ).toMatchObject({ seed: 7, durationSeconds: 60, faults: ['kill-rabbitmq', 'cut-broker'] });
  });

  it('when asked for help, then help', () => {
    expect(readOptions(['--help'])).toBe('help');
  });

  it.each([
    [['--duration', '5'], '--duration must be a whole number from 10'],
    [['--clients', 'many'], '--clients must be a whole number'],
    [['--rate', '0'], '--rate must be a whole number'],
    [['--seed', '1.5'], '--seed must be a whole number'],
    [['--faults', 'kill-everything'], '--faults: unknown kind kill-everything'],
    [['--faults', ' , '], '--faults names no kind'],
    [['--colour', 'red'], "Unknown option '--colour'"],
  ])('when given %j, then an error that says what is wrong', (args, message) => {
    expect(() => readOptions(args)).toThrow(message);
  });
});
