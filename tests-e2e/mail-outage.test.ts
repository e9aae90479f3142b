import { eventually } from '@ecommerce/shared/testing';
import { TestSmtpServer } from '../services/notification-service/test/support/test-mail-servers';
import { call } from './support/http';
import { System } from './support/system';

/**
 * The whole system with a real SMTP server that goes down: orders do not wait for their mails,
 * and every mail held back arrives once the server is back, exactly once.
 */
let system: System;
let smtp: TestSmtpServer;

beforeAll(async () => {
  smtp = await TestSmtpServer.start();
  system = await System.start('e2e-mail', {
    env: {
      'notification-service': {
        SMTP_URL: smtp.url,
        PROVIDER_TIMEOUT_MS: '1000',
        BREAKER_VOLUME_THRESHOLD: '2',
        BREAKER_RESET_TIMEOUT_MS: '1000',
      },
    },
  });
});

afterAll(async () => {
  await system?.stop();
  await smtp?.stop();
});

describe('when the mail server is down while orders are placed', () => {
  it('then the orders complete, the breaker opens, and every mail arrives once it is back', async () => {
    await smtp.stop();
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) {
      const placed = await call('POST', system.orders(), {
        body: {
          userId: `mail-${i}`,
          products: [{ productId: 'prod1', quantity: 1 }],
          totalPrice: 999.99,
          contact: { email: `customer${i}@example.com` },
        },
      });
      expect(placed.status).toBe(201);
      ids.push(placed.body.id);
    }

    for (const id of ids) {
      await eventually(async () =>
        expect((await call('GET', system.orders(`/${id}`))).body.status).toBe('CONFIRMED'),
      );
    }
    const health = system.url('notification-service') + '/api/health';
    await eventually(async () => {
      const { status, body } = await call('GET', health);
      expect(status).toBe(200);
      expect(body.checks.smtp).toBe('open');
    });

    await smtp.restart();
    await eventually(
      () => {
        for (const id of ids) expect(smtp.mailsFor(`${id}:`)).toHaveLength(1);
      },
      { timeoutMs: 45_000, intervalMs: 200 },
    );
    await eventually(async () =>
      expect((await call('GET', health)).body.checks.smtp).toBe('closed'),
    );
    expect(smtp.mails).toHaveLength(ids.length);
    expect(smtp.mailsFor(`${ids[0]}:`)[0].subject).toContain(ids[0]);
  });
});
