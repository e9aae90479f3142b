import type { ServiceName, System } from '@ecommerce/tests-e2e';
import { sleep } from '../bench/load';
import type { PlannedFault, Random } from './schedule';
import { pick } from './schedule';
import type { ChaosDatabase } from './servers';
import {
  postgresBackends,
  rabbitmqPid,
  startRabbitmq,
  waitForExit,
  waitForPostgres,
} from './servers';
import type { Proxy } from './toxiproxy';

/** What the faults act on. */
export interface Rig {
  system: System;
  database: ChaosDatabase;
  /** Each service's routes to RabbitMQ and to the database. */
  routes: Record<ServiceName, { broker: Proxy; database: Proxy }>;
  random: Random;
}

/**
 * Injects one fault, holds it for its time and heals it (a crashed process is started again, a
 * route restored). Resolves with what exactly it hit, for the run's table.
 */
export async function inject(fault: PlannedFault, rig: Rig): Promise<string> {
  const { kind, holdMs } = fault;
  switch (kind) {
    case 'kill-postgres': {
      const backends = postgresBackends(rig.database.postgresDatabase);
      if (backends.length === 0) throw new Error('no PostgreSQL backend of FerretDB to kill');
      const pid = pick(rig.random, backends);
      // The postmaster sees a backend die uncleanly, ends every other one and recovers from
      // the WAL, as after a crash of the server: what was acknowledged must be there after.
      process.kill(pid, 'SIGKILL');
      await waitForExit(pid);
      await waitForPostgres(rig.database.postgresqlUrl);
      return `backend pid ${pid} (of ${backends.length}), recovered`;
    }
    case 'kill-ferretdb': {
      const pid = rig.database.runningPid();
      process.kill(pid, 'SIGKILL');
      await waitForExit(pid);
      await sleep(holdMs);
      await rig.database.ensureRunning();
      return `pid ${pid}, started again as pid ${rig.database.runningPid()}`;
    }
    case 'kill-rabbitmq': {
      const pid = await rabbitmqPid();
      process.kill(pid, 'SIGKILL');
      await waitForExit(pid);
      await sleep(holdMs);
      await startRabbitmq();
      return `beam.smp pid ${pid}, started again`;
    }
    case 'kill-order-service':
    case 'kill-inventory-service':
    case 'kill-notification-service': {
      const service = rig.system.services[target(fault)];
      await service.stop('SIGKILL');
      await sleep(holdMs);
      await service.start();
      return `port ${service.port}`;
    }
    case 'cut-broker':
    case 'cut-database': {
      const route = routeOf(fault, rig);
      await route.setEnabled(false);
      await sleep(holdMs);
      await route.setEnabled(true);
      return route.name;
    }
    case 'slow-broker':
    case 'slow-database': {
      const route = routeOf(fault, rig);
      const latency = fault.latencyMs ?? 500;
      const toxic = await route.addToxic({ type: 'latency', attributes: { latency, jitter: 0 } });
      await sleep(holdMs);
      await toxic.remove();
      return `${route.name}, ${latency} ms each way`;
    }
    case 'reset-broker':
    case 'reset-database': {
      const route = routeOf(fault, rig);
      const toxic = await route.addToxic({ type: 'reset_peer', attributes: { timeout: 0 } });
      await sleep(holdMs);
      await toxic.remove();
      return route.name;
    }
    case 'freeze-database': {
      const pid = rig.database.runningPid();
      process.kill(pid, 'SIGSTOP');
      try {
        await sleep(holdMs);
      } finally {
        process.kill(pid, 'SIGCONT');
      }
      return `FerretDB pid ${pid}`;
    }
  }
}

function target(fault: PlannedFault): ServiceName {
  if (!fault.target) throw new Error(`${fault.kind} has no target service`);
  return fault.target;
}

function routeOf(fault: PlannedFault, rig: Rig): Proxy {
  const routes = rig.routes[target(fault)];
  return fault.kind.endsWith('-broker') ? routes.broker : routes.database;
}
