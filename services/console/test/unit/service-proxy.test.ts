import {
  forwardedHeaders,
  serviceUnavailableBody,
  upstreamUrl,
} from '../../src/server/service-proxy';

describe('upstreamUrl', () => {
  it('when a path comes under a service prefix, then it goes to the same path and query on the service', () => {
    expect(upstreamUrl('http://127.0.0.1:3001', '/api/orders?status=PENDING&limit=5').href).toBe(
      'http://127.0.0.1:3001/api/orders?status=PENDING&limit=5',
    );
  });

  it('when the base URL has a path of its own, then it is kept in front', () => {
    expect(upstreamUrl('http://gateway/orders/', '/api/orders/1').href).toBe(
      'http://gateway/orders/api/orders/1',
    );
  });
});

describe('forwardedHeaders', () => {
  it('when a request is forwarded, then its headers go as they are, Authorization included, less the connection ones', () => {
    expect(
      forwardedHeaders({
        authorization: 'Bearer secret',
        'content-type': 'application/json',
        'idempotency-key': 'k1',
        host: 'console:3000',
        connection: 'keep-alive',
        'transfer-encoding': 'chunked',
      }),
    ).toEqual({
      authorization: 'Bearer secret',
      'content-type': 'application/json',
      'idempotency-key': 'k1',
    });
  });
});

describe('serviceUnavailableBody', () => {
  it('when a service does not answer, then the error names it in the contract shape', () => {
    expect(serviceUnavailableBody('inventory-service')).toEqual({
      error: {
        code: 'SERVICE_UNAVAILABLE',
        message: 'inventory-service is not answering',
        details: { service: 'inventory-service' },
      },
    });
  });
});
