import path from 'node:path';
import { startTracing } from '@ecommerce/shared/tracing';
import { SERVICE_NAME } from './service-name';

// Imported first by main.ts: the instrumentations patch http, express, amqplib and mongodb as
// they load, so the SDK starts before anything requires them.
startTracing(SERVICE_NAME, path.resolve(__dirname, '..'));
