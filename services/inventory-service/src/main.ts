import './tracing';
import { runService } from '@ecommerce/shared';
import { loadInventoryServiceConfig, SERVICE_NAME } from './config';
import { startInventoryService } from './start';

runService(SERVICE_NAME, () => startInventoryService(loadInventoryServiceConfig()));
