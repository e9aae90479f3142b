import type { ConditionalReplace } from '../../src/aggregates/stored-documents';
import { outcomeOfReplace } from '../../src/aggregates/stored-documents';

describe('outcomeOfReplace: whether a compare-and-set of a command where some missed applied', () => {
  const at = new Date('2026-12-04T10:00:00Z');
  const write: ConditionalReplace = {
    id: 'p-1',
    version: 3,
    document: { _id: 'p-1', version: 4, available: 9, note: undefined, updatedAt: at },
  };

  it('applied: the document is at the next version and holds what it wrote (fields in any order, undefined ones left out)', () => {
    expect(outcomeOfReplace(write, { updatedAt: at, available: 9, _id: 'p-1', version: 4 })).toBe(
      true,
    );
  });

  it('not applied: another write made the next version', () => {
    expect(outcomeOfReplace(write, { _id: 'p-1', version: 4, available: 8, updatedAt: at })).toBe(
      false,
    );
  });

  it('not applied: the document is gone, or still at its version', () => {
    expect(outcomeOfReplace(write, null)).toBe(false);
    expect(outcomeOfReplace(write, { _id: 'p-1', version: 3, available: 10 })).toBe(false);
  });

  it('in doubt, a failure: another write has followed, whether after this one or instead of it', () => {
    expect(outcomeOfReplace(write, { _id: 'p-1', version: 5, available: 8 })).toEqual({
      failed: expect.objectContaining({ message: expect.stringContaining('in doubt') }),
    });
  });

  it('a document written before the store (version 0, none stored) made version 1', () => {
    const first = { ...write, version: 0, document: { _id: 'p-1', version: 1, available: 9 } };
    expect(outcomeOfReplace(first, { _id: 'p-1', version: 1, available: 9 })).toBe(true);
    expect(outcomeOfReplace(first, { _id: 'p-1', available: 9 })).toBe(false);
  });
});
