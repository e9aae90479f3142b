import {
  isRefusedBySmtpServer,
  messageIdFor,
} from '../../src/providers/smtp-notification-provider';

describe('when the SMTP server answers with an error', () => {
  it('then a 5xx to the envelope or the message refuses the message for good', () => {
    expect(isRefusedBySmtpServer({ code: 'EENVELOPE', responseCode: 550 })).toBe(true);
    expect(isRefusedBySmtpServer({ code: 'EMESSAGE', responseCode: 554 })).toBe(true);
  });

  it('then 4xx, 503, authentication and connection errors are the server failing, not the message', () => {
    expect(isRefusedBySmtpServer({ code: 'EENVELOPE', responseCode: 450 })).toBe(false);
    expect(isRefusedBySmtpServer({ code: 'EENVELOPE', responseCode: 503 })).toBe(false);
    expect(isRefusedBySmtpServer({ code: 'EAUTH', responseCode: 535 })).toBe(false);
    expect(isRefusedBySmtpServer({ code: 'ECONNECTION' })).toBe(false);
  });
});

describe('when a Message-ID is made', () => {
  it('then it is the same for every attempt at a notification, and differs between notifications', () => {
    const first = messageIdFor('o-1:CONFIRMED:email', 'shop@example.com');
    expect(first).toMatch(/^<notification\.[0-9a-f]{32}@example\.com>$/);
    expect(messageIdFor('o-1:CONFIRMED:email', 'shop@example.com')).toBe(first);
    expect(messageIdFor('o-1:CANCELLED:email', 'shop@example.com')).not.toBe(first);
  });

  it("then its domain is the sender's, also when the sender has a display name", () => {
    expect(messageIdFor('n', 'Shop <orders@shop.test>')).toMatch(/@shop\.test>$/);
    expect(messageIdFor('n', 'no address')).toMatch(/@notification-service\.invalid>$/);
  });
});
