import { useCallback, useState } from 'react';
import { messageOf } from '../../api-errors';
import type { HistoryEntry, Notification, Order, Page } from '../../api';
import { callService } from '../../api';
import { usePolling } from '../../use-polling';

const REFRESH_MS = 1_000;

/** The latest orders, live, filtered by status; cancelling one. */
export function useLatestOrders() {
  const [statusFilter, setStatusFilter] = useState('');
  const [justPlaced, setJustPlaced] = useState<Order>();
  const [actionProblem, setActionProblem] = useState<string>();

  const loadOrders = useCallback(
    () =>
      callService<Page<Order>>(
        'order-service',
        `/api/orders?limit=20${statusFilter ? `&status=${statusFilter}` : ''}`,
      ),
    [statusFilter],
  );
  const orders = usePolling(loadOrders, REFRESH_MS);

  const listed = orders.data?.items ?? [];
  // The order just placed shows at once, as PENDING, until the next load lists it.
  const rows =
    justPlaced &&
    !listed.some((order) => order.id === justPlaced.id) &&
    (!statusFilter || statusFilter === justPlaced.status)
      ? [justPlaced, ...listed]
      : listed;

  const cancel = async (id: string) => {
    setActionProblem(undefined);
    try {
      await callService<Order>('order-service', `/api/orders/${encodeURIComponent(id)}`, {
        method: 'DELETE',
      });
    } catch (error) {
      setActionProblem(messageOf(error));
    }
    await orders.refresh();
  };

  const showPlaced = (order: Order) => {
    setJustPlaced(order);
    void orders.refresh();
  };

  return {
    statusFilter,
    setStatusFilter,
    rows,
    loaded: Boolean(orders.data),
    problem: orders.error ?? actionProblem,
    cancel,
    showPlaced,
  };
}

/** One order and its history, live, and (with the admin token) the notifications sent about it. */
export function useOrderDetail(orderId: string, token: string) {
  const loadOrder = useCallback(
    () => callService<Order>('order-service', `/api/orders/${encodeURIComponent(orderId)}`),
    [orderId],
  );
  const order = usePolling(loadOrder, REFRESH_MS);
  const loadHistory = useCallback(
    () =>
      callService<{ items: HistoryEntry[] }>(
        'order-service',
        `/api/orders/${encodeURIComponent(orderId)}/history`,
      ),
    [orderId],
  );
  const history = usePolling(loadHistory, REFRESH_MS);
  const loadNotifications = useCallback(
    () =>
      token
        ? callService<Page<Notification>>(
            'notification-service',
            `/api/notifications?orderId=${encodeURIComponent(orderId)}`,
            { token },
          )
        : Promise.resolve(undefined),
    [orderId, token],
  );
  const notifications = usePolling(loadNotifications, 2 * REFRESH_MS);
  return { order, history, notifications };
}
