import { useCallback, useId, useState } from 'react';
import { messageOf } from '../api-errors';
import type { FormEvent } from 'react';
import type { Notification, Order, Page, Product } from '../api';
import { callService } from '../api';
import { ColumnHeaders } from '../components/column-headers';
import { Problem } from '../components/problem';
import { formatPrice, formatTime } from '../format';
import type { OrderForm } from '../order-form';
import { EMPTY_LINE, emptyOrderForm, orderRequestOf } from '../order-form';
import { usePolling } from '../use-polling';

const STATUSES = ['PENDING', 'CONFIRMED', 'CANCELLED'] as const;
const REFRESH_MS = 1_000;

/** Orders: place one, watch the latest change status live, cancel, look into one. */
export function OrdersPage({ token }: { token: string }) {
  const [statusFilter, setStatusFilter] = useState('');
  const [selectedId, setSelectedId] = useState<string>();
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
  const loadProducts = useCallback(
    () => callService<{ items: Product[] }>('inventory-service', '/api/inventory'),
    [],
  );
  const products = usePolling(loadProducts, 5 * REFRESH_MS);

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

  return (
    <>
      <h1>Orders</h1>
      <div className="columns">
        <PlaceOrderForm
          products={products.data?.items ?? []}
          productsProblem={products.error}
          onPlaced={(order) => {
            setJustPlaced(order);
            void orders.refresh();
          }}
        />
        {selectedId && (
          <OrderDetail
            orderId={selectedId}
            token={token}
            onClose={() => setSelectedId(undefined)}
          />
        )}
      </div>

      <section aria-labelledby="latest-orders">
        <div className="section-head">
          <h2 id="latest-orders">Latest orders</h2>
          <label>
            Show
            <select value={statusFilter} onChange={(event) => setStatusFilter(event.target.value)}>
              <option value="">every status</option>
              {STATUSES.map((status) => (
                <option key={status} value={status}>
                  {status}
                </option>
              ))}
            </select>
          </label>
        </div>
        <Problem text={orders.error ?? actionProblem} />
        <div className="table-wrap">
          <table>
            <ColumnHeaders
              names={['Order', 'User', 'Status', 'Reason', 'Placed']}
              actions="Actions"
            />
            <tbody>
              {rows.map((order) => (
                <tr key={order.id}>
                  <td>
                    <button
                      type="button"
                      className="link mono"
                      aria-expanded={selectedId === order.id}
                      onClick={() => setSelectedId(order.id)}
                    >
                      {order.id}
                    </button>
                  </td>
                  <td>{order.userId}</td>
                  <td>
                    <span className={`status status-${order.status.toLowerCase()}`}>
                      {order.status}
                    </span>
                  </td>
                  <td>{order.statusReason ?? ''}</td>
                  <td>{formatTime(order.createdAt)}</td>
                  <td>
                    {order.status === 'PENDING' && (
                      <button type="button" onClick={() => void cancel(order.id)}>
                        Cancel
                      </button>
                    )}
                  </td>
                </tr>
              ))}
              {rows.length === 0 && (
                <tr>
                  <td colSpan={6}>{orders.data ? 'No orders yet.' : 'Loading…'}</td>
                </tr>
              )}
            </tbody>
          </table>
        </div>
      </section>
    </>
  );
}

function PlaceOrderForm({
  products,
  productsProblem,
  onPlaced,
}: {
  products: Product[];
  productsProblem: string | undefined;
  onPlaced: (order: Order) => void;
}) {
  const formId = useId();
  const [form, setForm] = useState<OrderForm>(emptyOrderForm);
  // One key per submission: a second click, or a retry after a lost answer, makes no second order.
  const [idempotencyKey, setIdempotencyKey] = useState(() => crypto.randomUUID());
  const [problem, setProblem] = useState<string>();
  const [placing, setPlacing] = useState(false);
  const [placed, setPlaced] = useState<Order>();

  const change = (patch: Partial<OrderForm>) => {
    setForm((current) => ({ ...current, ...patch }));
    setIdempotencyKey(crypto.randomUUID()); // another request: another key
  };
  const changeLine = (index: number, patch: Partial<OrderForm['lines'][number]>) =>
    change({
      lines: form.lines.map((line, at) => (at === index ? { ...line, ...patch } : line)),
    });

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setProblem(undefined);
    const outcome = orderRequestOf(form);
    if ('problem' in outcome) {
      setProblem(outcome.problem);
      return;
    }
    setPlacing(true);
    try {
      const order = await callService<Order>('order-service', '/api/orders', {
        method: 'POST',
        body: outcome.request,
        headers: { 'idempotency-key': idempotencyKey },
      });
      setPlaced(order);
      setIdempotencyKey(crypto.randomUUID());
      onPlaced(order);
    } catch (error) {
      setProblem(messageOf(error));
    } finally {
      setPlacing(false);
    }
  };

  return (
    <form className="card" onSubmit={(event) => void submit(event)} aria-labelledby="place-order">
      <h2 id="place-order">Place an order</h2>
      <label>
        User
        <input value={form.userId} onChange={(event) => change({ userId: event.target.value })} />
      </label>
      {form.lines.map((line, index) => {
        const suffix = index === 0 ? '' : ` ${index + 1}`;
        // The label stands beside its list, not around it: its name is then just "Product".
        const productField = `${formId}-product-${index}`;
        return (
          <div className="line" key={index}>
            <div className="field">
              <label htmlFor={productField}>{`Product${suffix}`}</label>
              <select
                id={productField}
                value={line.productId}
                onChange={(event) => changeLine(index, { productId: event.target.value })}
              >
                <option value="">Choose…</option>
                {products.map((product) => (
                  <option key={product.productId} value={product.productId}>
                    {`${product.name} (${product.productId}): ${product.available} available`}
                  </option>
                ))}
              </select>
            </div>
            <label>
              {`Quantity${suffix}`}
              <input
                type="number"
                min={1}
                step={1}
                value={line.quantity}
                onChange={(event) => changeLine(index, { quantity: event.target.value })}
              />
            </label>
          </div>
        );
      })}
      <button type="button" onClick={() => change({ lines: [...form.lines, { ...EMPTY_LINE }] })}>
        Add line
      </button>
      <label>
        Total
        <input
          type="number"
          min={0}
          step="0.01"
          value={form.totalPrice}
          onChange={(event) => change({ totalPrice: event.target.value })}
        />
      </label>
      <label>
        Email
        <input
          type="email"
          value={form.email}
          onChange={(event) => change({ email: event.target.value })}
        />
      </label>
      <span className="hint">Optional: the confirmation goes there.</span>
      <label>
        Phone
        <input
          type="tel"
          value={form.phone}
          onChange={(event) => change({ phone: event.target.value })}
        />
      </label>
      <span className="hint">Optional, international form: +4915112345678.</span>
      <button type="submit" className="primary" disabled={placing}>
        Place order
      </button>
      <Problem text={problem ?? productsProblem} />
      {placed && !problem && (
        <p role="status" className="ok">
          Order <span className="mono">{placed.id}</span> placed.
        </p>
      )}
    </form>
  );
}

function OrderDetail({
  orderId,
  token,
  onClose,
}: {
  orderId: string;
  token: string;
  onClose: () => void;
}) {
  const loadOrder = useCallback(
    () => callService<Order>('order-service', `/api/orders/${encodeURIComponent(orderId)}`),
    [orderId],
  );
  const order = usePolling(loadOrder, REFRESH_MS);
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
  const current = order.data;

  return (
    <section className="card" aria-labelledby="order-detail">
      <div className="section-head">
        <h2 id="order-detail">Order detail</h2>
        <button type="button" onClick={onClose}>
          Close
        </button>
      </div>
      <Problem text={order.error} />
      {current && (
        <dl>
          <dt>Order</dt>
          <dd className="mono">{current.id}</dd>
          <dt>Status</dt>
          <dd>
            {current.status}
            {current.statusReason ? `: ${current.statusReason}` : ''}
          </dd>
          <dt>Lines</dt>
          <dd>
            <ul>
              {current.products.map((line) => (
                <li key={line.productId}>
                  {line.quantity} × {line.productId}
                </li>
              ))}
            </ul>
          </dd>
          <dt>Total</dt>
          <dd>{formatPrice(current.totalPrice)}</dd>
          <dt>Contact</dt>
          <dd>
            {[current.contact?.email, current.contact?.phone].filter(Boolean).join(', ') || 'none'}
          </dd>
          <dt>Created</dt>
          <dd>{formatTime(current.createdAt)}</dd>
          <dt>Last updated</dt>
          <dd>{formatTime(current.updatedAt)}</dd>
        </dl>
      )}
      <h3>Notifications</h3>
      {!token ? (
        <p>Enter the admin token to see them.</p>
      ) : (
        <>
          <Problem text={notifications.error} />
          <ul>
            {(notifications.data?.items ?? []).map((notification) => (
              <li key={notification.id}>
                {notification.type} to {notification.recipient}: {notification.template},{' '}
                {notification.status}
                {notification.error ? ` (${notification.error})` : ''}
              </li>
            ))}
            {notifications.data?.items.length === 0 && <li>None yet.</li>}
          </ul>
        </>
      )}
    </section>
  );
}
