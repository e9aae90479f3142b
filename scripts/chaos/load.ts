import { request } from '../bench/http';
import { sleep } from '../bench/load';
import type { Random } from './schedule';
import { between, pick } from './schedule';

/** One `POST /api/orders` and what came of it. */
export interface Attempt {
  /** Each request names a user of its own, so that what it made can be found without its answer. */
  userId: string;
  lines: { productId: string; quantity: number }[];
  /** The HTTP status, or `null` when no answer came (connection reset, timeout). */
  status: number | null;
  orderId?: string;
  error?: string;
  /** When the answer (or the failure) came, epoch ms. */
  answeredAt?: number;
}

export interface LoadOptions {
  ordersUrl: string;
  clients: number;
  /** Orders per second from all clients together. */
  rate: number;
  productIds: string[];
  /** Share of accepted orders that their client cancels at once (DELETE). */
  cancelShare: number;
  runId: string;
  /** Each client's own generator, so that its orders do not depend on the others' timing. */
  randomFor: (client: number) => Random;
}

/**
 * Clients placing orders at a steady pace until stopped, recording every answer (or its absence).
 * An order has one or two lines of one to three units; some are cancelled right after, so that
 * cancellations race their reservations.
 */
export class OrderLoad {
  readonly attempts: Attempt[] = [];
  cancellations = 0;
  private stopped = false;
  private readonly loops: Promise<void>[];

  constructor(private readonly options: LoadOptions) {
    this.loops = Array.from({ length: options.clients }, (_, client) => this.client(client));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all(this.loops);
  }

  private async client(client: number): Promise<void> {
    const { ordersUrl, clients, rate } = this.options;
    const random = this.options.randomFor(client);
    const intervalMs = (1000 * clients) / rate;
    // Clients start spread over one interval rather than all at once.
    await sleep(random() * intervalMs);
    for (let sequence = 1; !this.stopped; sequence++) {
      const started = Date.now();
      const attempt = newAttempt(
        `chaos-${this.options.runId}-c${client}-${sequence}`,
        this.options.productIds,
        random,
      );
      // Drawn for every order, answered or not, so that a client's orders follow from the seed.
      const cancelAtOnce = random() < this.options.cancelShare;
      this.attempts.push(attempt);
      try {
        const reply = await request<{ id?: string }>('POST', ordersUrl, {
          body: { userId: attempt.userId, products: attempt.lines },
        });
        attempt.status = reply.status;
        attempt.orderId = reply.body?.id;
      } catch (error) {
        attempt.error = error instanceof Error ? error.message : String(error);
      }
      attempt.answeredAt = Date.now();
      if (attempt.status === 201 && attempt.orderId && cancelAtOnce) {
        this.cancellations += 1;
        // 200 (cancelled), 409 (already confirmed) or no answer: the checks read the outcome.
        await request('DELETE', `${ordersUrl}/${attempt.orderId}`).catch(() => undefined);
      }
      await sleep(Math.max(0, intervalMs - (Date.now() - started)));
    }
  }
}

function newAttempt(userId: string, productIds: string[], random: Random): Attempt {
  const first = pick(random, productIds);
  const second = pick(random, productIds);
  const lines = [{ productId: first, quantity: between(random, 1, 3) }];
  if (second !== first && random() < 0.5) {
    lines.push({ productId: second, quantity: between(random, 1, 3) });
  }
  return { userId, lines, status: null };
}
