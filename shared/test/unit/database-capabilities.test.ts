import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { isDatabaseUnavailableError } from '../../src';
import {
  capabilitiesOf,
  needsSingleActiveConsumer,
} from '../../src/database/database-capabilities';

const FERRETDB = { buildInfo: { version: '7.0.42', ferretdbVersion: 'v1.24.0' }, hello: {} };
const MONGODB_REPLICA_SET = { buildInfo: { version: '7.0.12' }, hello: { setName: 'rs0' } };
const MONGODB_STANDALONE = { buildInfo: { version: '7.0.12' }, hello: {} };

describe('database capabilities', () => {
  it('reads FerretDB as a server without atomic updates or transactions', () => {
    expect(capabilitiesOf(FERRETDB)).toEqual({
      server: 'FerretDB v1.24.0',
      atomicUpdates: false,
      transactions: false,
    });
  });

  it('reads MongoDB as atomic, with transactions only in a replica set or behind mongos', () => {
    expect(capabilitiesOf(MONGODB_REPLICA_SET)).toEqual({
      server: 'MongoDB 7.0.12',
      atomicUpdates: true,
      transactions: true,
    });
    expect(capabilitiesOf(MONGODB_STANDALONE).transactions).toBe(false);
    expect(
      capabilitiesOf({ buildInfo: { version: '7.0.12' }, hello: { msg: 'isdbgrid' } }).transactions,
    ).toBe(true);
  });

  it('makes instances consume one at a time only where updates are not atomic and it matters', () => {
    const ferretdb = capabilitiesOf(FERRETDB);
    const mongodb = capabilitiesOf(MONGODB_REPLICA_SET);
    const policy = 'one-at-a-time-without-atomic-updates';
    expect(needsSingleActiveConsumer(policy, ferretdb)).toBe(true);
    expect(needsSingleActiveConsumer(policy, mongodb)).toBe(false);
    expect(needsSingleActiveConsumer('competing', ferretdb)).toBe(false);
  });

  it("counts the storage backend's unavailability as the database's, and nothing else", () => {
    const serverError = (message: string) =>
      Object.assign(new Error(message), { name: 'MongoServerError' });
    expect(
      isDatabaseUnavailableError(serverError('ERROR: sorry, too many clients (SQLSTATE 53300)')),
    ).toBe(true);
    expect(
      isDatabaseUnavailableError(
        serverError('failed to connect to `host=127.0.0.1 user=ferretdb`'),
      ),
    ).toBe(true);
    expect(isDatabaseUnavailableError(serverError('E11000 duplicate key'))).toBe(false);
    expect(isDatabaseUnavailableError(new Error('SQLSTATE 53300'))).toBe(false);
  });
});

// One module knows what the development database cannot do; the rest asks for a capability.
describe('the development database is named in one module', () => {
  const repositoryRoot = path.resolve(__dirname, '../../..');
  const sourceRoots = [
    'shared/src',
    ...readdirSync(path.join(repositoryRoot, 'services')).map(
      (service) => `services/${service}/src`,
    ),
  ];
  const sourceFiles = (directory: string): string[] =>
    readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
      const full = path.join(directory, entry.name);
      if (entry.isDirectory()) return sourceFiles(full);
      return /\.tsx?$/.test(entry.name) ? [full] : [];
    });

  it('appears in database-capabilities.ts only', () => {
    const naming = sourceRoots
      .flatMap((root) => sourceFiles(path.join(repositoryRoot, root)))
      .filter((file) => /ferret/i.test(readFileSync(file, 'utf8')))
      .map((file) => path.relative(repositoryRoot, file));
    expect(naming).toEqual(['shared/src/database/database-capabilities.ts']);
  });
});
