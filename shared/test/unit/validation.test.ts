import Joi from 'joi';
import { AppError } from '../../src/errors/app-error';
import { validate } from '../../src/http/validation';

const schema = Joi.object({
  userId: Joi.string().trim().min(1).required(),
  quantity: Joi.number().integer().min(1).required(),
  tags: Joi.array().items(Joi.string()).default([]),
  nested: Joi.object({ count: Joi.number().min(0) }),
});

function errorOf(run: () => unknown): AppError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    return error as AppError;
  }
  throw new Error('expected validate to throw');
}

describe('validate', () => {
  it('when the input is valid, then the converted value is returned with defaults', () => {
    expect(
      validate(schema, { userId: '  user-1 ', quantity: '3', nested: { count: '0' } }),
    ).toEqual({
      userId: 'user-1',
      quantity: 3,
      tags: [],
      nested: { count: 0 },
    });
  });

  it('when a scalar is valid, then it is returned converted', () => {
    expect(validate(Joi.number().integer(), '42', 'Limit')).toBe(42);
    expect(validate(Joi.string().optional(), undefined, 'Header')).toBeUndefined();
  });

  it('when the input is invalid, then it is a 400 VALIDATION_ERROR listing every problem', () => {
    const error = errorOf(() =>
      validate(schema, { quantity: 0, tags: ['ok', 7], nested: { count: -1 } }, 'Order'),
    );
    expect(error.status).toBe(400);
    expect(error.code).toBe('VALIDATION_ERROR');
    expect(error.message).toBe(
      'Order is invalid: "userId" is required; "quantity" must be greater than or equal to 1; ' +
        '"tags[1]" must be a string; "nested.count" must be greater than or equal to 0',
    );
    expect(error.details).toEqual([
      { path: 'userId', message: '"userId" is required' },
      { path: 'quantity', message: '"quantity" must be greater than or equal to 1' },
      { path: 'tags.1', message: '"tags[1]" must be a string' },
      { path: 'nested.count', message: '"nested.count" must be greater than or equal to 0' },
    ]);
  });

  it('when no name is given, then the message speaks of the Request', () => {
    expect(errorOf(() => validate(schema, {})).message).toMatch(/^Request is invalid: /);
  });

  it('when the input has an unknown key such as a $-operator, then it is rejected with its path', () => {
    const error = errorOf(() =>
      validate(schema, { userId: 'u', quantity: 1, $where: 'sleep(1000)' }, 'Order'),
    );
    expect(error.details).toEqual([{ path: '$where', message: '"$where" is not allowed' }]);
  });

  it('when a scalar is invalid, then its detail has an empty path', () => {
    const error = errorOf(() => validate(Joi.string().guid(), 'not-a-uuid', 'Order id'));
    expect(error.message).toBe('Order id is invalid: "value" must be a valid GUID');
    expect(error.details).toEqual([{ path: '', message: '"value" must be a valid GUID' }]);
  });

  it('when the input is not an object at all, then it is a 400 too', () => {
    expect(errorOf(() => validate(schema, 'hello', 'Order')).status).toBe(400);
    expect(errorOf(() => validate(schema, null, 'Order')).status).toBe(400);
  });
});
