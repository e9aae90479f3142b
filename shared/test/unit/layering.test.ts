import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

// The domain of every service names facts (NotFoundError, ConflictError, InvalidError from the
// shared library); what they mean over HTTP or on the bus is decided once, at the entry points.
// dependency-cruiser sees modules, not names, and everything comes through the shared index, so
// this test reads the domain's imports by name.

const repositoryRoot = path.resolve(__dirname, '../../..');
const TRANSPORT_ERRORS = new Set([
  'AppError',
  'PermanentError',
  'BrokerUnavailableError',
  'UnroutableMessageError',
  'badRequest',
  'unauthorized',
  'notFound',
  'conflict',
  'serviceUnavailable',
  'toHttpError',
]);
const TRANSPORT_MODULES = new Set(['express', 'amqplib']);
/** Write internals the aggregate store owns (they are not exported any more; keep it so). */
const STORE_INTERNALS = new Set([
  'KeyedMutex',
  'lockKey',
  'OutboxRelay',
  'outboxOf',
  'toOutboxEntry',
]);

function domainFiles(): string[] {
  const services = path.join(repositoryRoot, 'services');
  return readdirSync(services).flatMap((service) => {
    const domain = path.join(services, service, 'src', 'domain');
    // The console has no domain of its own: it only shows the services'.
    if (!existsSync(domain)) return [];
    return readdirSync(domain)
      .filter((file) => file.endsWith('.ts'))
      .map((file) => path.join(domain, file));
  });
}

function serviceSourceFiles(): string[] {
  const services = path.join(repositoryRoot, 'services');
  const walk = (directory: string): string[] =>
    readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
      const full = path.join(directory, entry.name);
      if (entry.isDirectory()) return walk(full);
      return entry.name.endsWith('.ts') ? [full] : [];
    });
  return readdirSync(services).flatMap((service) => walk(path.join(services, service, 'src')));
}

/** Every `import … from '<module>'` of a file: the module and the names it takes. */
function importsOf(file: string): Array<{ module: string; names: string[] }> {
  const source = readFileSync(file, 'utf8');
  const pattern = /import\s+(?:type\s+)?([\s\S]*?)\s+from\s+'([^']+)'/g;
  return [...source.matchAll(pattern)].map(([, clause, module]) => ({
    module: module ?? '',
    names: (clause ?? '')
      .replace(/[{}]/g, ' ')
      .split(/[\s,]+/)
      .map((name) => name.replace(/^type\s+/, ''))
      .filter((name) => name && name !== 'type' && name !== 'as'),
  }));
}

const relative = (file: string) => path.relative(repositoryRoot, file);

describe('the domain of each service', () => {
  const files = domainFiles();

  it('when its files are read, then there are some (the check looks in the right place)', () => {
    expect(files.length).toBeGreaterThan(10);
  });

  it('when it refuses something, then it imports no HTTP or bus error type, nor express or amqplib', () => {
    const offending = files.flatMap((file) =>
      importsOf(file).flatMap(({ module, names }) => [
        ...(TRANSPORT_MODULES.has(module) ? [`${relative(file)}: ${module}`] : []),
        ...names
          .filter((name) => TRANSPORT_ERRORS.has(name))
          .map((name) => `${relative(file)}: ${name}`),
      ]),
    );
    expect(offending).toEqual([]);
  });
});

describe('every service', () => {
  it('when it writes, then it goes through the aggregate store, never its locks or outbox', () => {
    const offending = serviceSourceFiles().flatMap((file) =>
      importsOf(file).flatMap(({ names }) =>
        names
          .filter((name) => STORE_INTERNALS.has(name))
          .map((name) => `${relative(file)}: ${name}`),
      ),
    );
    expect(offending).toEqual([]);
  });
});
