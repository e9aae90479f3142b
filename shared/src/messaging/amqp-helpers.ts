import type { Channel, ConfirmChannel, Options } from 'amqplib';
import type { ServiceTopology } from './topology';

/** Publishes one message and resolves once the broker has confirmed it (it is on disk). */
export function publishConfirmed(
  channel: ConfirmChannel,
  exchange: string,
  routingKey: string,
  content: Buffer,
  options: Options.Publish,
): Promise<void> {
  return new Promise((resolve, reject) => {
    try {
      channel.publish(exchange, routingKey, content, options, (error: unknown) =>
        error ? reject(error instanceof Error ? error : new Error(String(error))) : resolve(),
      );
    } catch (error) {
      reject(error);
    }
  });
}

/** Sends straight to a queue through the default exchange, confirmed. */
export function sendConfirmed(
  channel: ConfirmChannel,
  queue: string,
  content: Buffer,
  options: Options.Publish,
): Promise<void> {
  return publishConfirmed(channel, '', queue, content, options);
}

/** Declares the service's exchange and queues; idempotent, so it runs on every (re)connect. */
export async function declareTopology(channel: Channel, topology: ServiceTopology): Promise<void> {
  await channel.assertExchange(topology.exchange, 'topic', { durable: true });
  await channel.assertQueue(topology.queue, { durable: true });
  for (const routingKey of topology.bindings) {
    await channel.bindQueue(topology.queue, topology.exchange, routingKey);
  }
  for (const retryQueue of topology.retryQueues) {
    // No queue-level TTL: each message carries its own (delay with jitter), so changing the
    // delays in config never makes the declaration clash with the existing queue.
    await channel.assertQueue(retryQueue.name, {
      durable: true,
      deadLetterExchange: '',
      deadLetterRoutingKey: topology.queue,
    });
  }
  await channel.assertQueue(topology.deadLetterQueue, { durable: true });
}
