import type { ChildProcess } from 'node:child_process';
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { chromium } from 'playwright-core';
import { eventually } from '@ecommerce/shared/testing';
import type { System } from './system';
import { freePort } from './system';

const ROOT = path.resolve(__dirname, '../..');

/** Where the browser tests leave their screenshots (git ignores it). */
export const SCREENSHOT_DIR = path.join(ROOT, '.artifacts', 'screenshots');

/** The console's built server as its own process, in front of a test System's services. */
export class ConsoleProcess {
  private child?: ChildProcess;
  private output: string[] = [];

  private constructor(readonly port: number) {}

  static async start(system: System): Promise<ConsoleProcess> {
    const started = new ConsoleProcess(await freePort());
    const child = spawn(
      process.execPath,
      [path.join(ROOT, 'services/console/dist/server/main.js')],
      {
        cwd: ROOT,
        env: {
          PATH: process.env.PATH,
          CONSOLE_PORT: String(started.port),
          ORDER_SERVICE_URL: system.url('order-service'),
          INVENTORY_SERVICE_URL: system.url('inventory-service'),
          NOTIFICATION_SERVICE_URL: system.url('notification-service'),
          LOG_LEVEL: process.env.E2E_LOG_LEVEL ?? 'info',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    started.child = child;
    const keep = (chunk: Buffer) => started.output.push(chunk.toString());
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    await eventually(
      async () => {
        if (child.exitCode !== null) throw new Error(`console exited: ${started.logs()}`);
        const response = await fetch(`${started.url}/api/health/live`);
        if (response.status !== 200) throw new Error(`console answers ${response.status}`);
      },
      { timeoutMs: 30_000, intervalMs: 100 },
    );
    return started;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  logs(): string {
    return this.output.join('');
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }
}

/**
 * Debian's Chromium (CHROMIUM_PATH, else `chromium` on PATH), headless, with the flags this
 * machine's closed network needs. No browser is a failure, never a skip.
 */
export function launchChromium(): Promise<Browser> {
  const executablePath = process.env.CHROMIUM_PATH ?? whichChromium();
  return chromium.launch({
    executablePath,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

function whichChromium(): string {
  try {
    return execFileSync('which', ['chromium'], { stdio: 'pipe' }).toString().trim();
  } catch {
    throw new Error(
      'No Chromium: install it (apt-get install -y chromium; npm test does it) or set CHROMIUM_PATH',
    );
  }
}

/** Saves a full-page screenshot as `<name>-<width>.png` under SCREENSHOT_DIR. */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const width = page.viewportSize()?.width ?? 0;
  await page.screenshot({
    path: path.join(SCREENSHOT_DIR, `${name}-${width}.png`),
    fullPage: true,
  });
}

/** How far the page scrolls sideways (0 when it fits the window). */
export function horizontalOverflow(page: Page): Promise<number> {
  // Runs in the page; written as a string, since this file is compiled without the DOM's types.
  return page.evaluate<number>(
    'document.documentElement.scrollWidth - document.documentElement.clientWidth',
  );
}
