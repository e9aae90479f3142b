/**
 * `npm run chaos`: the system under a steady load of orders while faults strike one after
 * another at moments drawn from a seed: crashes (SIGKILL) of a PostgreSQL backend, of FerretDB,
 * of RabbitMQ and of each service, each started again; a service cut off from, slowed down on
 * and reset by RabbitMQ or the database (Toxiproxy); the database frozen (SIGSTOP). Then, once
 * the system is quiet, the invariants: every order answered 201 exists and is final, a request
 * without an answer made one order or none, the stock is exact, one notification per order,
 * status and channel, no dead letter, every service healthy. Exit 0 when they all hold.
 *
 * It runs the services on a FerretDB of its own (its own port and PostgreSQL database), through
 * a Toxiproxy of its own, on a vhost of its own; the crashes of PostgreSQL and RabbitMQ are of
 * this machine's servers, and everything using them meanwhile sees them too.
 */
import { readOptions, USAGE } from './chaos/options';
import { ChaosInterrupted, interruptChaos, runChaos } from './chaos/run';

async function main(): Promise<number> {
  let options;
  try {
    options = readOptions(process.argv.slice(2));
  } catch (error) {
    console.error(`${error instanceof Error ? error.message : error}\n\n${USAGE}`);
    return 2;
  }
  if (options === 'help') {
    console.log(USAGE);
    return 0;
  }
  let stopping = false;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      if (stopping) return console.error(`${signal}: already stopping`);
      stopping = true;
      console.error(
        `\n${signal}: stopping after the fault in progress, then starting what it cut short again`,
      );
      interruptChaos();
    });
  }
  let result;
  try {
    result = await runChaos(options);
  } catch (error) {
    if (error instanceof ChaosInterrupted) return 130;
    throw error;
  }
  return result.passed ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`The chaos run failed: ${error instanceof Error ? error.stack : error}`);
    process.exit(1);
  },
);
