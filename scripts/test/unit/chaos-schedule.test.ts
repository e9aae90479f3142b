import { FAULT_KINDS, planFaults, seededRandom } from '../../chaos/schedule';

const plan = (seed: number, repeat = 2) =>
  planFaults({
    kinds: FAULT_KINDS,
    repeat,
    durationMs: 180_000,
    warmupMs: 10_000,
    random: seededRandom(seed),
  });

describe('planFaults', () => {
  it('when given the same seed, then it draws the same run', () => {
    expect(plan(42)).toEqual(plan(42));
    expect(plan(42)).not.toEqual(plan(43));
  });

  it('when each kind is repeated twice, then every kind strikes exactly twice', () => {
    const counts = new Map<string, number>();
    for (const fault of plan(7)) counts.set(fault.kind, (counts.get(fault.kind) ?? 0) + 1);
    expect(Object.fromEntries(counts)).toEqual(
      Object.fromEntries(FAULT_KINDS.map((kind) => [kind, 2])),
    );
  });

  it('then faults start one after another, after the warm-up and within the run', () => {
    const faults = plan(1234);
    const starts = faults.map((fault) => fault.atMs);
    expect(starts).toEqual([...starts].sort((a, b) => a - b));
    expect(Math.min(...starts)).toBeGreaterThanOrEqual(10_000);
    expect(Math.max(...starts)).toBeLessThan(180_000);
  });

  it('then a route fault or a service kill names its service, and a slow route its latency', () => {
    for (const fault of plan(99)) {
      const needsTarget =
        /-(broker|database)$/.test(fault.kind) && fault.kind !== 'freeze-database';
      if (needsTarget || /^kill-.*-service$/.test(fault.kind)) expect(fault.target).toBeDefined();
      else expect(fault.target).toBeUndefined();
      if (fault.kind.startsWith('kill-') && fault.kind.endsWith('-service')) {
        expect(fault.kind).toBe(`kill-${fault.target}`);
      }
      if (fault.kind.startsWith('slow-')) expect(fault.latencyMs).toBeGreaterThanOrEqual(300);
    }
  });
});

describe('seededRandom', () => {
  it('then it draws numbers in [0, 1), the same for the same seed', () => {
    const a = seededRandom(5);
    const b = seededRandom(5);
    const draws = Array.from({ length: 1000 }, () => a());
    expect(draws).toEqual(Array.from({ length: 1000 }, () => b()));
    expect(Math.min(...draws)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...draws)).toBeLessThan(1);
  });
});
