import './tracing';
import { runService } from '@ecommerce/shared';
import { loadOrderServiceConfig, SERVICE_NAME } from './config';
import { startOrderService } from './start';

runService(SERVICE_NAME, () => startOrderService(loadOrderServiceConfig()));
