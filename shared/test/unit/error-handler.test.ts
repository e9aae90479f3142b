import mongoose from 'mongoose';
import { AppError, badRequest, unauthorized } from '../../src/errors/app-error';
import { ConflictError, InvalidError, NotFoundError } from '../../src/errors/domain-errors';
import { toHttpError } from '../../src/http/error-handler';
import { BrokerUnavailableError } from '../../src/messaging/rabbit-event-bus';

/** What body-parser (used by express.json) throws, reduced to the fields that matter. */
const bodyParserError = (type: string, status: number, message: string) =>
  Object.assign(new Error(message), { type, status, statusCode: status, expose: true });

const namedError = (name: string) => Object.assign(new Error('connection lost'), { name });

const shapeOf = (error: AppError) => ({
  status: error.status,
  code: error.code,
  message: error.message,
});

describe('toHttpError', () => {
  it('when an AppError is thrown, then it passes through unchanged', () => {
    const error = unauthorized();
    expect(toHttpError(error)).toBe(error);
    const invalid = badRequest('Order is invalid', [{ path: 'userId' }]);
    expect(toHttpError(invalid)).toBe(invalid);
  });

  it('when the domain names a fact, then the handler gives it its status, code and details', () => {
    expect(
      shapeOf(toHttpError(new NotFoundError('ORDER_NOT_FOUND', 'Order 1 does not exist'))),
    ).toEqual({ status: 404, code: 'ORDER_NOT_FOUND', message: 'Order 1 does not exist' });
    expect(toHttpError(new ConflictError('ORDER_NOT_CANCELLABLE', 'no')).status).toBe(409);
    const invalid = toHttpError(
      new InvalidError('MISSING_TEMPLATE_VARIABLE', 'x', { missing: ['a'] }),
    );
    expect(invalid).toMatchObject({ status: 400, details: { missing: ['a'] } });
  });

  it('when the body is malformed JSON, then it is a 400 INVALID_JSON', () => {
    const error = bodyParserError('entity.parse.failed', 400, 'Unexpected token } in JSON');
    expect(shapeOf(toHttpError(error))).toEqual({
      status: 400,
      code: 'INVALID_JSON',
      message: 'Request body is not valid JSON',
    });
  });

  it('when the body is too large, then it is a 413 PAYLOAD_TOO_LARGE', () => {
    const error = bodyParserError('entity.too.large', 413, 'request entity too large');
    expect(shapeOf(toHttpError(error))).toEqual({
      status: 413,
      code: 'PAYLOAD_TOO_LARGE',
      message: 'Request body is larger than 100 kB',
    });
  });

  it.each([
    'MongoNetworkError',
    'MongoServerSelectionError',
    'MongoNotConnectedError',
    'MongoNetworkTimeoutError',
    'MongoTopologyClosedError',
    'MongooseServerSelectionError',
  ])('when the database is unreachable (%s), then it is a 503 DATABASE_UNAVAILABLE', (name) => {
    expect(shapeOf(toHttpError(namedError(name)))).toEqual({
      status: 503,
      code: 'DATABASE_UNAVAILABLE',
      message: 'The database is not reachable; try again',
    });
  });

  it("when the driver's own network error is thrown, then it is a 503 DATABASE_UNAVAILABLE", () => {
    const error = new mongoose.mongo.MongoNetworkError('connect ECONNREFUSED 127.0.0.1:27017');
    expect(toHttpError(error).code).toBe('DATABASE_UNAVAILABLE');
  });

  it('when FerretDB cannot reach its PostgreSQL, then it is a 503 DATABASE_UNAVAILABLE', () => {
    const refused = Object.assign(
      new Error(
        '[msg_insert.go:168 handler.(*Handler).MsgInsert] failed to connect to `user=ferretdb database=ferretdb`: ' +
          'server error: FATAL: remaining connection slots are reserved (SQLSTATE 53300)',
      ),
      { name: 'MongoServerError' },
    );
    expect(toHttpError(refused).status).toBe(503);
  });

  it('when a Mongo error is not about the network, then it is not a 503', () => {
    const duplicate = Object.assign(namedError('MongoServerError'), { code: 11000 });
    expect(toHttpError(duplicate).status).toBe(500);
  });

  it('when the broker is unavailable, then it is a 503 BROKER_UNAVAILABLE', () => {
    expect(shapeOf(toHttpError(new BrokerUnavailableError()))).toEqual({
      status: 503,
      code: 'BROKER_UNAVAILABLE',
      message: 'The message broker is not reachable; try again',
    });
  });

  it('when another error carries a 4xx status, then that status is kept with code BAD_REQUEST', () => {
    const error = bodyParserError('encoding.unsupported', 415, 'unsupported charset "KOI8-R"');
    expect(shapeOf(toHttpError(error))).toEqual({
      status: 415,
      code: 'BAD_REQUEST',
      message: 'unsupported charset "KOI8-R"',
    });
  });

  it.each([
    ['a plain Error', new Error('secret internal detail')],
    [
      'an error with a 5xx status',
      Object.assign(new Error('secret internal detail'), { status: 502 }),
    ],
    ['an error with a non-numeric status', Object.assign(new Error('x'), { status: '400' })],
    ['a string', 'secret internal detail'],
    ['null', null],
    ['undefined', undefined],
    ['a number', 42],
  ])('when %s is thrown, then it is a 500 INTERNAL_ERROR that reveals nothing', (_case, thrown) => {
    const error = toHttpError(thrown);
    expect(error).toBeInstanceOf(AppError);
    expect(shapeOf(error)).toEqual({
      status: 500,
      code: 'INTERNAL_ERROR',
      message: 'Something went wrong on our side',
    });
    expect(error.details).toBeUndefined();
  });
});
