import type { ChildProcess } from 'node:child_process';
import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { eventually } from '@ecommerce/shared/testing';
import { parse } from 'yaml';
import { call } from './support/http';
import { freePort, SERVICES, System } from './support/system';

/**
 * The observability files of docker-compose, checked without Docker: the Prometheus file by
 * promtool, its job by a real Prometheus scraping the running services, and every query of the
 * Grafana dashboard against the metrics the services export. `npm test` installs Debian's
 * `prometheus` package; without it these tests fail.
 */
const ROOT = path.resolve(__dirname, '..');
const PROMETHEUS_FILE = path.join(ROOT, 'observability/prometheus.yml');
const DASHBOARD_FILE = path.join(ROOT, 'observability/grafana/dashboards/ecommerce-orders.json');
const run = promisify(execFile);

let system: System;
let prometheus: ChildProcess | undefined;
let workDir: string;

beforeAll(async () => {
  workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'e2e-prometheus-'));
  system = await System.start('e2e-prometheus');
});

afterAll(async () => {
  // Gone before its data directory is removed.
  if (prometheus && prometheus.exitCode === null) {
    const exited = new Promise((resolve) => prometheus?.once('exit', resolve));
    prometheus.kill('SIGTERM');
    await exited;
  }
  await system?.stop();
  fs.rmSync(workDir, { recursive: true, force: true });
});

it("when promtool checks docker-compose's Prometheus file, then it is valid", async () => {
  const { stdout } = await run('promtool', ['check', 'config', PROMETHEUS_FILE]);
  expect(stdout).toContain('SUCCESS');
});

it("when a real Prometheus scrapes the services with the file's job, then all three are up and it has their events", async () => {
  const productId = await system.createProduct(5);
  const placed = await call('POST', system.orders(), {
    body: { userId: 'prometheus', products: [{ productId, quantity: 1 }], totalPrice: 1 },
  });
  expect(placed.status).toBe(201);

  // The compose file's job, pointed at this test's services and scraped every second.
  const composeConfig = parse(fs.readFileSync(PROMETHEUS_FILE, 'utf8'));
  const job = { ...composeConfig.scrape_configs[0], scrape_interval: '1s' };
  job.static_configs = [{ targets: SERVICES.map((name) => new URL(system.url(name)).host) }];
  const configFile = path.join(workDir, 'prometheus.yml');
  fs.writeFileSync(
    configFile,
    JSON.stringify({ global: { scrape_interval: '1s' }, scrape_configs: [job] }),
  );
  const port = await freePort();
  prometheus = spawn(
    'prometheus',
    [
      `--config.file=${configFile}`,
      `--storage.tsdb.path=${path.join(workDir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
    ],
    { stdio: 'ignore' },
  );
  const api = `http://127.0.0.1:${port}/api/v1`;

  await eventually(
    async () => {
      const { body } = await call('GET', `${api}/targets`);
      const targets = body.data.activeTargets as Array<{ health: string; scrapeUrl: string }>;
      expect(targets.map((target) => target.health)).toEqual(['up', 'up', 'up']);
    },
    { timeoutMs: 30_000 },
  );
  await eventually(
    async () => {
      const { body } = await call('GET', `${api}/query?query=events_consumed_total`);
      expect(body.status).toBe('success');
      expect(body.data.result.length).toBeGreaterThan(0);
    },
    { timeoutMs: 30_000 },
  );
});

it('when the Grafana dashboard is read, then every panel queries only metrics the services export', async () => {
  const exported = new Set<string>();
  for (const name of SERVICES) {
    const text = await (await fetch(`${system.url(name)}/metrics`)).text();
    for (const [, metric, type] of text.matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
      exported.add(metric);
      if (type === 'histogram')
        for (const suffix of ['_bucket', '_sum', '_count']) exported.add(metric + suffix);
    }
  }
  const dashboard = JSON.parse(fs.readFileSync(DASHBOARD_FILE, 'utf8')) as {
    panels: Array<{ title: string; targets: Array<{ expr: string }> }>;
  };
  expect(dashboard.panels.length).toBeGreaterThan(0);
  for (const panel of dashboard.panels) {
    const metrics = panel.targets.flatMap((target) => metricsOf(target.expr));
    expect({ panel: panel.title, metrics: metrics.length > 0 }).toEqual({
      panel: panel.title,
      metrics: true,
    });
    expect({ panel: panel.title, unknown: metrics.filter((m) => !exported.has(m)) }).toEqual({
      panel: panel.title,
      unknown: [],
    });
  }
});

/** The metric names in a PromQL expression: identifiers that are not functions, labels or keywords. */
function metricsOf(expr: string): string[] {
  const stripped = expr
    .replace(/\{[^}]*\}/g, ' ') // label matchers
    .replace(/\b(by|without)\s*\([^)]*\)/g, ' ') // grouping labels
    .replace(/\[[^\]]*\]/g, ' ') // ranges
    .replace(/"[^"]*"/g, ' ');
  const keywords = new Set(['by', 'without', 'and', 'or', 'unless', 'on', 'ignoring', 'offset']);
  const names: string[] = [];
  for (const match of stripped.matchAll(/[a-zA-Z_:][\w:]*/g)) {
    const following = stripped.slice((match.index ?? 0) + match[0].length).trimStart();
    if (following.startsWith('(') || keywords.has(match[0])) continue; // a function or keyword
    names.push(match[0]);
  }
  return names;
}
