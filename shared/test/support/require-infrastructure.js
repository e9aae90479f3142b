// Jest global setup for integration and end-to-end tests: fail in seconds, with the way out,
// when RabbitMQ or the MongoDB-wire server is not there (`npm test` starts both).
const net = require('node:net');

function reachable(host, port, timeoutMs = 2000) {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (ok) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

module.exports = async function requireInfrastructure() {
  const amqp = new URL(process.env.TEST_RABBITMQ_URL ?? 'amqp://user:password@127.0.0.1:5672');
  const mongo = new URL(process.env.TEST_MONGODB_URL ?? 'mongodb://127.0.0.1:27017');
  const missing = [];
  if (!(await reachable(amqp.hostname, Number(amqp.port || 5672))))
    missing.push(`RabbitMQ at ${amqp.host}`);
  if (!(await reachable(mongo.hostname, Number(mongo.port || 27017))))
    missing.push(`MongoDB at ${mongo.host}`);
  if (missing.length > 0) {
    throw new Error(
      `Not reachable: ${missing.join(', ')}. Run \`npm run infra:up\` (or \`npm test\`, which does it).`,
    );
  }
};
