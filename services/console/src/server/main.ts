import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { createLogger, errorFields } from '@ecommerce/shared';
import { CONSOLE_NAME, loadConsoleConfig } from './config';
import { createConsoleApp } from './console-app';

/** How long a stop may take: requests in flight get this long to finish. */
const SHUTDOWN_TIMEOUT_MS = 5_000;

const config = loadConsoleConfig();
const logger = createLogger({ service: CONSOLE_NAME, level: config.logLevel });
const app = createConsoleApp({ config, logger, webRoot: path.resolve(__dirname, '../web') });
const server = app.listen(config.port, () => {
  const { port } = server.address() as AddressInfo;
  logger.info('Console started', { url: `http://localhost:${port}/` });
});
server.on('error', (error) => {
  logger.error('Console could not start', errorFields(error));
  process.exit(1);
});

const stop = (signal: string) => {
  logger.info('Stopping', { signal });
  setTimeout(() => process.exit(1), SHUTDOWN_TIMEOUT_MS).unref();
  server.close(() => process.exit(0));
  server.closeIdleConnections();
};
process.once('SIGTERM', () => stop('SIGTERM'));
process.once('SIGINT', () => stop('SIGINT'));
