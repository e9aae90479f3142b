import { Router } from 'express';
import { requireAdmin, validate, validateBody } from '@ecommerce/shared';
import type { NotificationDependencies } from '../../domain/notification-ports';
import { sendNotification } from '../../domain/send-notification';
import { listNotificationsQuery, notificationRequestBody } from './notification-request-schemas';

/** Admin only: sending lets anyone message anyone, and records hold contact data. */
export function notificationRouter(
  dependencies: NotificationDependencies,
  adminToken: string,
): Router {
  const router = Router();
  router.use('/notifications', requireAdmin(adminToken));

  router.post('/notifications', async (req, res) => {
    const request = validateBody(notificationRequestBody, req.body, 'Notification');
    res.status(202).json(await sendNotification(request, dependencies));
  });

  router.get('/notifications', async (req, res) => {
    const { orderId, recipient, status, limit, offset } = validate(
      listNotificationsQuery,
      req.query,
      'Query',
    );
    const found = await dependencies.notifications.list(
      { orderId, recipient, status },
      { limit, offset },
    );
    res.json({ ...found, limit, offset });
  });

  return router;
}
