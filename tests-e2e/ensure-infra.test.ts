import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import type { Server } from 'node:net';
import { readFileSync } from 'node:fs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { MongoClient } from 'mongodb';
import {
  brokerUsers,
  ensureInfra,
  freePort,
  lastLine,
  managementLoginStatus,
  permissionsOnRoot,
  rabbitmqctl,
  startForeignServer,
} from './support/infra-script';

/**
 * scripts/ensure-infra.sh as a new machine meets it: a broker without the project's user, a
 * PostgreSQL without FerretDB's login and database, ports held by other programs. The broker
 * and PostgreSQL are the machine's own; every user, role and database made here is unique to
 * the run and deleted afterwards. (The default `user` deleted and made again is in
 * serial/ensure-infra-default-user.test.ts: it would cut every other test's connections.)
 */
const runId = `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;

describe('ensure-infra, RabbitMQ user', () => {
  const user = `infra-test-${runId}`;
  const password = `pw-${runId}`;
  const env = { RABBITMQ_URL: `amqp://${user}:${password}@127.0.0.1:5672` };

  afterAll(() => {
    if (brokerUsers().some((candidate) => candidate.user === user))
      rabbitmqctl('delete_user', user);
  });

  it('when the user does not exist, then it is created as an administrator with every permission on /', async () => {
    expect(brokerUsers().map((candidate) => candidate.user)).not.toContain(user);

    const run = await ensureInfra(['rabbitmq'], env);

    expect(run).toMatchObject({ code: 0 });
    expect(run.stdout).toContain(`'${user}' created`);
    expect(brokerUsers().find((candidate) => candidate.user === user)?.tags).toContain(
      'administrator',
    );
    expect(permissionsOnRoot(user)).toMatchObject({ configure: '.*', write: '.*', read: '.*' });
    expect(await managementLoginStatus(user, password)).toBe(200);
  });

  it('when it is run again, then it reports the user as already fine', async () => {
    const run = await ensureInfra(['rabbitmq'], env);

    expect(run).toMatchObject({ code: 0 });
    expect(run.stdout).toContain(`'${user}' already fine`);
  });

  it('when the password, the tag and the permissions are wrong, then each is repaired', async () => {
    rabbitmqctl('change_password', user, 'not-the-password');
    rabbitmqctl('set_user_tags', user);
    rabbitmqctl('clear_permissions', '-p', '/', user);

    const run = await ensureInfra(['rabbitmq'], env);

    expect(run).toMatchObject({ code: 0 });
    expect(run.stdout).toContain(
      `'${user}' repaired (password, administrator tag, permissions on /)`,
    );
    expect(await managementLoginStatus(user, password)).toBe(200);
    expect(permissionsOnRoot(user)).toMatchObject({ configure: '.*', write: '.*', read: '.*' });
  });
});

describe('ensure-infra, a port held by another program', () => {
  let foreign: { port: number; server: Server };

  beforeAll(async () => {
    foreign = await startForeignServer();
  });
  afterAll(() => foreign.server.close());

  it('when it holds the AMQP port, then the run fails naming the port, the process and the variable', async () => {
    const run = await ensureInfra(['rabbitmq'], {
      RABBITMQ_URL: `amqp://user:password@127.0.0.1:${foreign.port}`,
    });

    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain(`port ${foreign.port} is held by node (pid ${process.pid})`);
    expect(lastLine(run.stderr)).toMatch(/^ {2}what to do: .*RABBITMQ_URL/);
  });

  it('when it holds the management port, then the run fails naming RABBITMQ_MANAGEMENT_PORT', async () => {
    const run = await ensureInfra(['rabbitmq'], {
      RABBITMQ_MANAGEMENT_PORT: String(foreign.port),
    });

    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain(`port ${foreign.port} is held by node (pid ${process.pid})`);
    expect(lastLine(run.stderr)).toMatch(/^ {2}what to do: .*RABBITMQ_MANAGEMENT_PORT/);
  });

  it('when it holds the database port, then the run fails naming MONGO_PORT', async () => {
    const run = await ensureInfra(['database'], { MONGO_PORT: String(foreign.port) });

    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain(`port ${foreign.port} is held by node (pid ${process.pid})`);
    expect(lastLine(run.stderr)).toMatch(/^ {2}what to do: .*MONGO_PORT/);
  });
});

describe('ensure-infra, FerretDB on a PostgreSQL without its login and database', () => {
  const role = `ferretdb_test_${runId}`;
  const database = `ferretdb_test_${runId}`;
  const psql = (sql: string) =>
    execFileSync('psql', ['-X', '-Atq', '-h', '127.0.0.1', '-U', 'postgres', '-d', 'postgres'], {
      input: sql,
      stdio: 'pipe',
    }).toString();
  let startedDir: string;

  beforeAll(() => {
    startedDir = mkdtempSync(path.join(tmpdir(), 'ensure-infra-'));
  });

  afterAll(async () => {
    await ensureInfra(['--stop', path.join(startedDir, 'started')]);
    rmSync(startedDir, { recursive: true, force: true });
    psql(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE); DROP ROLE IF EXISTS "${role}";`);
  });

  it('when the port is free, then it makes the login and database, starts FerretDB there, and stops it after', async () => {
    const port = await freePort();
    const startedFile = path.join(startedDir, 'started');

    const run = await ensureInfra(['--started-file', startedFile, 'database'], {
      MONGO_PORT: String(port),
      FERRETDB_POSTGRESQL_URL: `postgres://${role}:secret@127.0.0.1:5432/${database}`,
    });

    expect(run).toMatchObject({ code: 0 });
    expect(run.stdout).toContain(`login '${role}' and database '${database}' ready`);
    expect(psql(`SELECT datname FROM pg_database WHERE datname = '${database}'`).trim()).toBe(
      database,
    );
    const client = await MongoClient.connect(`mongodb://127.0.0.1:${port}`, {
      directConnection: true,
    });
    try {
      await client
        .db('probe')
        .collection('things')
        .insertOne({ _id: 'one' } as never);
      expect(await client.db('probe').collection('things').countDocuments()).toBe(1);
    } finally {
      await client.close();
    }
    const [kind, pid] = readFileSync(startedFile, 'utf8').trim().split(' ');
    expect(kind).toBe('ferretdb');

    const stop = await ensureInfra(['--stop', startedFile]);

    expect(stop.stdout).toContain(`ferretdb:            stopped (pid ${pid})`);
    expect(() => process.kill(Number(pid), 0)).toThrow();
  });

  it('when PostgreSQL does not answer, then the run fails naming FERRETDB_POSTGRESQL_URL', async () => {
    const run = await ensureInfra(['database'], {
      MONGO_PORT: String(await freePort()),
      // Loopback, but not what the script counts as this machine's own cluster to start.
      FERRETDB_POSTGRESQL_URL: `postgres://someone:secret@127.0.0.2:${await freePort()}/nothing`,
    });

    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain('does not answer');
    expect(lastLine(run.stderr)).toMatch(/^ {2}what to do: .*FERRETDB_POSTGRESQL_URL/);
  });
});
