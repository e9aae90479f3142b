/**
 * The console's pages in a real browser (Debian's Chromium, headless, as the end-to-end tests
 * drive it): the time from asking for a page to its data on the screen, each load in a fresh
 * browser context (nothing cached, as a first visit).
 */
import type { Browser } from 'playwright-core';
import type { ConsoleProcess } from '@ecommerce/tests-e2e';
import { ADMIN_TOKEN, launchChromium } from '@ecommerce/tests-e2e';
import type { BenchSystem } from './bench-system';

/** The console's pages (services/console/src/web/app.tsx), with whether they need the token. */
export const CONSOLE_PAGES = [
  { name: 'Orders', path: '/', token: false },
  { name: 'Inventory', path: '/inventory', token: false },
  { name: 'Dead letters', path: '/dead-letters', token: true },
] as const;

/** A page gives up after this long: a page that slow has failed its target many times over. */
const SHOWN_WITHIN_MS = 15_000;

/**
 * Shown: every table on the page has rows in its body, none of them the placeholder of a table
 * still waiting ("Loading…", or "—" while the dead letters wait for the token): the latest
 * orders, the products, each service's dead letters or "Empty.". Evaluated in the page at every
 * animation frame; a string, since the bench is compiled without the DOM's types.
 */
const DATA_SHOWN = `(() => {
  const tables = [...document.querySelectorAll('main table')];
  return tables.length > 0 && tables.every((table) => {
    const body = table.tBodies[0];
    return body?.rows.length > 0 && !['Loading…', '—'].includes(body.innerText.trim());
  });
})()`;
const BODY_ROWS = `[...document.querySelectorAll('main table tbody tr')].length`;

export interface PageLoads {
  name: string;
  /** Each load's time from the request for the page to its data shown, ms. */
  loadMs: number[];
  /** The same loads' time to the document loaded (its `load` event): the rest waits for data. */
  documentMs: number[];
  /** Why each load whose data was not shown within SHOWN_WITHIN_MS failed. */
  failures: string[];
  /** Table rows shown at the last load that showed them: what "its data" was. */
  rows: number;
}

/** Starts the console in front of the bench's services and loads each page `loads` times. */
export async function loadConsolePages(system: BenchSystem, loads: number): Promise<PageLoads[]> {
  const consoleServer = await system.startConsole();
  let browser: Browser | undefined;
  try {
    browser = await launchChromium();
    const results: PageLoads[] = [];
    for (const page of CONSOLE_PAGES) {
      const result: PageLoads = {
        name: page.name,
        loadMs: [],
        documentMs: [],
        failures: [],
        rows: 0,
      };
      for (let i = 0; i < loads; i++) {
        try {
          const load = await loadOnce(browser, consoleServer, page);
          result.loadMs.push(load.ms);
          result.documentMs.push(load.documentMs);
          result.rows = load.rows;
        } catch (error) {
          result.failures.push(
            error instanceof Error ? error.message.split('\n')[0] : String(error),
          );
        }
      }
      results.push(result);
    }
    return results;
  } catch (error) {
    throw new Error(`${String(error)}\nThe console's log:\n${consoleServer.logs().slice(-2_000)}`);
  } finally {
    await browser?.close();
    await consoleServer.stop();
  }
}

async function loadOnce(
  browser: Browser,
  consoleServer: ConsoleProcess,
  { path, token }: (typeof CONSOLE_PAGES)[number],
): Promise<{ ms: number; documentMs: number; rows: number }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  try {
    const page = await context.newPage();
    const started = performance.now();
    await page.goto(`${consoleServer.url}${path}`, { timeout: SHOWN_WITHIN_MS });
    const documentMs = performance.now() - started;
    // As an operator would: the token typed in once the page is there (the e2e tests do too).
    if (token) await page.getByLabel('Admin token').fill(ADMIN_TOKEN);
    await page.waitForFunction(DATA_SHOWN, undefined, {
      polling: 'raf',
      timeout: SHOWN_WITHIN_MS,
    });
    const ms = performance.now() - started;
    return { ms, documentMs, rows: await page.evaluate<number>(BODY_ROWS) };
  } finally {
    await context.close();
  }
}
