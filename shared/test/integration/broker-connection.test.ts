import { createLogger } from '../../src';
import type { BrokerSession } from '../../src/messaging/broker-connection';
import { BrokerConnection } from '../../src/messaging/broker-connection';
import type { TestEnvironment } from '../../src/testing';
import { createTestEnvironment, eventually, TcpProxy } from '../../src/testing';

const logger = createLogger({
  service: 'broker-connection-test',
  level: process.env.TEST_LOG_LEVEL ?? 'silent',
});

let env: TestEnvironment;
let proxy: TcpProxy;
let connection: BrokerConnection | undefined;

beforeAll(async () => {
  env = await createTestEnvironment('broker-connection');
  proxy = await TcpProxy.to(env.rabbitmqUrl);
});

afterEach(async () => {
  await connection?.close();
  connection = undefined;
  proxy.restore();
});

afterAll(async () => {
  await proxy?.close();
  await env?.dispose();
});

function connect(onSession: (session: BrokerSession, attempt: number) => Promise<void>) {
  let sessions = 0;
  const broker = new BrokerConnection({
    url: proxy.route(env.rabbitmqUrl),
    name: 'broker-connection-test',
    prefetch: 1,
    logger,
    reconnectInitialDelayMs: 20,
    reconnectMaxDelayMs: 50,
    onSession: (session) => onSession(session, ++sessions),
  });
  connection = broker;
  broker.start();
  return { broker, sessions: () => sessions };
}

it('when the connection drops while a session is being set up on a call that never settles, then it connects again once the broker is back', async () => {
  let cutDuringSetUp!: () => void;
  const cut = new Promise<void>((resolve) => (cutDuringSetUp = resolve));
  const { broker, sessions } = connect(async (session, attempt) => {
    if (attempt > 1) return;
    // amqplib's channel close() waits for the broker's CloseOk; with the connection gone
    // before it arrives, the promise never settles.
    const channel = await session.connection.createChannel();
    const closing = channel.close();
    proxy.cut();
    cutDuringSetUp();
    await closing;
  });
  await cut;
  proxy.restore();

  await eventually(() => {
    expect(sessions()).toBeGreaterThanOrEqual(2);
    expect(broker.session).toBeDefined();
  });
  await broker.whenConnected();
});
