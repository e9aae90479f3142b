import Joi from 'joi';
import { AppError } from '../../src/errors/app-error';
import type { Page } from '../../src/database/find-page';
import { MAX_PAGE_SIZE, paginationKeys } from '../../src/http/pagination';
import { validate } from '../../src/http/validation';

const query = Joi.object<Page>(paginationKeys);
/** Query strings arrive as strings, as express parses them. */
const pageOf = (input: Record<string, string>) => validate(query, input, 'Query');

describe('paginationKeys', () => {
  it('when neither limit nor offset is given, then limit is 20 and offset 0', () => {
    expect(pageOf({})).toEqual({ limit: 20, offset: 0 });
  });

  it.each([
    ['1', 1],
    ['50', 50],
    ['100', 100],
  ])('when limit is %s, then it is kept as the number %i', (limit, expected) => {
    expect(pageOf({ limit })).toEqual({ limit: expected, offset: 0 });
  });

  it.each(['101', '1000', '99999999'])('when limit is %s, then it is capped at 100', (limit) => {
    expect(pageOf({ limit }).limit).toBe(100);
    expect(MAX_PAGE_SIZE).toBe(100);
  });

  it.each(['0', '-1', '2.5', 'ten', ''])('when limit is %p, then it is a 400', (limit) => {
    expect(() => pageOf({ limit })).toThrow(AppError);
  });

  it('when limit is below 1, then the message names limit', () => {
    expect(() => pageOf({ limit: '0' })).toThrow('"limit" must be greater than or equal to 1');
  });

  it('when offset is given, then it is converted to a number', () => {
    expect(pageOf({ offset: '40', limit: '10' })).toEqual({ limit: 10, offset: 40 });
  });

  it.each(['-1', '1.5', 'abc', '1000001'])('when offset is %p, then it is a 400', (offset) => {
    expect(() => pageOf({ offset })).toThrow(AppError);
  });

  it('when limit and offset are both wrong, then both are reported', () => {
    expect(() => pageOf({ limit: '0', offset: '-1' })).toThrow(
      'Query is invalid: "limit" must be greater than or equal to 1; "offset" must be greater than or equal to 0',
    );
  });
});
