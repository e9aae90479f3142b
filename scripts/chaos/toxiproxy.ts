import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { eventually } from '@ecommerce/shared/testing';
import { freePort } from '@ecommerce/tests-e2e';

/** Where `scripts/lib/common.sh` (ensure_toxiproxy) installs Toxiproxy's server. */
export const TOXIPROXY_SERVER =
  process.env.TOXIPROXY_SERVER ?? path.resolve(__dirname, '../../.data/toxiproxy/server');

export type Toxic =
  | { type: 'latency'; attributes: { latency: number; jitter: number } }
  | { type: 'reset_peer'; attributes: { timeout: number } };

/** One proxied route, between a service and a server, that faults are injected into. */
export interface Proxy {
  name: string;
  /** `url` with its host and port replaced by the proxy's. */
  route(url: string): string;
  /** Disabled: every connection is closed and new ones are refused, until enabled again. */
  setEnabled(enabled: boolean): Promise<void>;
  /** Both directions of every connection; `remove` takes it away. */
  addToxic(toxic: Toxic): Promise<{ remove: () => Promise<void> }>;
}

/**
 * Shopify's Toxiproxy, run as a process of this run's own and driven over its HTTP API: a TCP
 * proxy per route that can be cut, slowed down or made to reset its connections.
 */
export class Toxiproxy {
  private constructor(
    private readonly process: ChildProcess,
    private readonly api: string,
  ) {}

  static async start(): Promise<Toxiproxy> {
    const port = await freePort();
    const child = spawn(TOXIPROXY_SERVER, ['-host', '127.0.0.1', '-port', String(port)], {
      stdio: 'ignore',
    });
    const exited = new Promise<never>((_, reject) => {
      child.once('error', (error) =>
        reject(new Error(`Toxiproxy (${TOXIPROXY_SERVER}) did not start: ${error.message}`)),
      );
    });
    const toxiproxy = new Toxiproxy(child, `http://127.0.0.1:${port}`);
    try {
      await Promise.race([
        exited,
        eventually(() => toxiproxy.call('GET', '/version'), { timeoutMs: 10_000, intervalMs: 50 }),
      ]);
    } catch (error) {
      child.kill('SIGKILL');
      throw error;
    }
    return toxiproxy;
  }

  /** A proxy to the host and port of `upstreamUrl`, listening on a port of its own. */
  async proxy(name: string, upstreamUrl: string): Promise<Proxy> {
    const upstream = new URL(upstreamUrl);
    const created = (await this.call('POST', '/proxies', {
      name,
      listen: '127.0.0.1:0',
      upstream: `${upstream.hostname}:${upstream.port}`,
    })) as { listen: string };
    const listenPort = new URL(`tcp://${created.listen}`).port;
    const path = `/proxies/${encodeURIComponent(name)}`;
    let toxics = 0;
    return {
      name,
      route: (url) => {
        const routed = new URL(url);
        routed.hostname = '127.0.0.1';
        routed.port = listenPort;
        return routed.toString();
      },
      setEnabled: async (enabled) => {
        await this.call('POST', path, { enabled });
      },
      addToxic: async (toxic) => {
        const added: string[] = [];
        const remove = async () => {
          for (const toxicName of added) {
            await this.call('DELETE', `${path}/toxics/${toxicName}`);
          }
        };
        try {
          for (const stream of ['downstream', 'upstream']) {
            const toxicName = `${toxic.type}-${++toxics}-${stream}`;
            await this.call('POST', `${path}/toxics`, { ...toxic, name: toxicName, stream });
            added.push(toxicName);
          }
        } catch (error) {
          // One direction without the other is not the fault asked for: none, and say so.
          await remove().catch(() => undefined);
          throw error;
        }
        return { remove };
      },
    };
  }

  async stop(): Promise<void> {
    if (this.process.exitCode !== null || this.process.signalCode !== null) return;
    const exited = new Promise((resolve) => this.process.once('exit', resolve));
    this.process.kill('SIGTERM');
    await exited;
  }

  private async call(method: string, path: string, body?: unknown): Promise<unknown> {
    const response = await fetch(`${this.api}${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`Toxiproxy ${method} ${path}: ${response.status} ${text}`);
    return text ? JSON.parse(text) : undefined;
  }
}
