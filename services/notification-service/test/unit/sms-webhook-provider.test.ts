import {
  isRefusedByGateway,
  receiptFromGatewayReply,
  smsWebhookRequest,
} from '../../src/providers/sms-webhook-provider';

const message = {
  notificationId: 'o-1:CONFIRMED:sms',
  channel: 'sms' as const,
  recipient: '+4915112345678',
  text: 'Order o-1 is confirmed. Total: 5.00.',
};

describe('when an SMS is posted to the gateway', () => {
  it('then the body is the recipient, the text and the notification id as reference', () => {
    expect(smsWebhookRequest(message).body).toEqual({
      to: '+4915112345678',
      body: 'Order o-1 is confirmed. Total: 5.00.',
      reference: 'o-1:CONFIRMED:sms',
    });
  });

  it('then the notification id is the idempotency key, and a token becomes a bearer header', () => {
    expect(smsWebhookRequest(message, 'secret').headers).toEqual({
      'content-type': 'application/json',
      accept: 'application/json',
      'idempotency-key': 'o-1:CONFIRMED:sms',
      authorization: 'Bearer secret',
    });
    expect(smsWebhookRequest(message).headers).not.toHaveProperty('authorization');
  });
});

describe("when the gateway's answer is read", () => {
  it('then its message id is sid, else id or messageId', () => {
    expect(receiptFromGatewayReply({ sid: 'SM1', id: 'x' })).toEqual({ providerMessageId: 'SM1' });
    expect(receiptFromGatewayReply({ id: 42 })).toEqual({ providerMessageId: '42' });
    expect(receiptFromGatewayReply({ messageId: 'm-1' })).toEqual({ providerMessageId: 'm-1' });
  });

  it('then an answer without an id, or not JSON, is still a delivery', () => {
    expect(receiptFromGatewayReply({ status: 'queued' })).toEqual({});
    expect(receiptFromGatewayReply(undefined)).toEqual({});
  });

  it('then only 400 and 422 refuse the message; other statuses are the gateway failing', () => {
    expect([400, 422].map(isRefusedByGateway)).toEqual([true, true]);
    expect([401, 403, 404, 408, 429, 500, 503].map(isRefusedByGateway)).not.toContain(true);
  });
});
