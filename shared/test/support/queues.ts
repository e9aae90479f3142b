import amqp from 'amqplib';
import type { AnyEvent } from '../../src';

/** Messages ready in a queue, as the broker counts them (no delivery: a get would count one). */
export async function readyIn(url: string, queue: string): Promise<number> {
  const connection = await amqp.connect(url);
  try {
    return (await (await connection.createChannel()).checkQueue(queue)).messageCount;
  } finally {
    await connection.close();
  }
}

/** The messages in a queue, put back afterwards: its channel closes unacked. */
export async function peek(url: string, queue: string): Promise<amqp.GetMessage[]> {
  const connection = await amqp.connect(url);
  try {
    const channel = await connection.createChannel();
    const messages: amqp.GetMessage[] = [];
    for (let message = await channel.get(queue); message; message = await channel.get(queue)) {
      messages.push(message);
    }
    return messages;
  } finally {
    await connection.close();
  }
}

/**
 * Puts `event` in `<service>.dlq` as the broker dead-letters a message for its delivery limit
 * (what MAX_DELIVERIES crashes of a consumer amount to): with its `x-death`, no header of ours.
 */
export async function deadLetterAsTheBrokerDoes(
  url: string,
  { service, queue, event }: { service: string; queue: string; event: AnyEvent },
): Promise<void> {
  const connection = await amqp.connect(url);
  try {
    const channel = await connection.createConfirmChannel();
    await channel.assertQueue(`${service}.dlq`, { durable: true });
    channel.sendToQueue(`${service}.dlq`, Buffer.from(JSON.stringify(event)), {
      messageId: event.eventId,
      type: event.eventType,
      headers: {
        'x-delivery-count': 4,
        'x-death': [
          { reason: 'delivery_limit', count: 1, queue, 'routing-keys': [event.eventType] },
        ],
      },
    });
    await channel.waitForConfirms();
  } finally {
    await connection.close();
  }
}
