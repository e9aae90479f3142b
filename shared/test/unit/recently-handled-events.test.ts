import { RecentlyHandledEvents } from '../../src/messaging/recently-handled-events';

describe('RecentlyHandledEvents', () => {
  it('when an event was handled, then a repeat is a duplicate and its work does not run', async () => {
    const recent = new RecentlyHandledEvents();
    const work = jest.fn(async () => undefined);
    expect(await recent.runOnce('e-1', work)).toBe(true);
    expect(await recent.runOnce('e-1', work)).toBe(false);
    expect(work).toHaveBeenCalledTimes(1);
  });

  it('when a copy arrives while the first is being handled, then it waits and is a duplicate', async () => {
    const recent = new RecentlyHandledEvents();
    let finish!: () => void;
    const first = recent.runOnce('e-2', () => new Promise<void>((resolve) => (finish = resolve)));
    const work = jest.fn(async () => undefined);
    const second = recent.runOnce('e-2', work);
    finish();
    expect(await first).toBe(true);
    expect(await second).toBe(false);
    expect(work).not.toHaveBeenCalled();
  });

  it('when the first attempt failed, then a copy runs the work again', async () => {
    const recent = new RecentlyHandledEvents();
    await expect(
      recent.runOnce('e-3', async () => {
        throw new Error('transient');
      }),
    ).rejects.toThrow('transient');
    expect(await recent.runOnce('e-3', async () => undefined)).toBe(true);
  });

  it('when more events than its capacity were handled, then the oldest is forgotten', async () => {
    const recent = new RecentlyHandledEvents(2);
    for (const id of ['a', 'b', 'c']) await recent.runOnce(id, async () => undefined);
    expect(await recent.runOnce('a', async () => undefined)).toBe(true);
    expect(await recent.runOnce('c', async () => undefined)).toBe(false);
  });
});
