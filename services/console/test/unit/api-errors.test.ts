import { describeFailure } from '../../src/web/api-errors';

describe('describeFailure', () => {
  it('when the token is missing or wrong, then it says so and where to put it', () => {
    expect(describeFailure(401, { error: { code: 'UNAUTHORIZED', message: 'x' } }, 'x')).toBe(
      'The admin token is missing or wrong: enter it above (401).',
    );
  });

  it('when the console could not reach a service, then it names the service that is down', () => {
    const body = {
      error: { code: 'SERVICE_UNAVAILABLE', message: 'order-service is not answering' },
    };
    expect(describeFailure(503, body, 'order-service')).toBe(
      'order-service is down: it does not answer (503).',
    );
  });

  it('when the service explains a refusal, then its message is shown with the first detail', () => {
    const body = {
      error: {
        code: 'VALIDATION_FAILED',
        message: 'The request is invalid',
        details: [{ message: '"contact.phone" must be in E.164 form' }],
      },
    };
    expect(describeFailure(400, body, 'order-service')).toBe(
      'The request is invalid: "contact.phone" must be in E.164 form',
    );
  });

  it('when the answer has no error body, then the status is told with the service', () => {
    expect(describeFailure(502, undefined, 'inventory-service')).toBe(
      'inventory-service answered 502',
    );
  });
});
