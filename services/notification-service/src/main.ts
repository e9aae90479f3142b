import './tracing';
import { runService } from '@ecommerce/shared';
import { loadNotificationServiceConfig, SERVICE_NAME } from './config';
import { startNotificationService } from './start';

runService(SERVICE_NAME, () => startNotificationService(loadNotificationServiceConfig()));
