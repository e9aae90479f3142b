import { Problem } from '../../components/problem';
import { formatPrice, formatTime } from '../../format';
import { useOrderDetail } from './use-orders';

/**
 * One order, live, with its history (how it got where it is) and the notifications sent about
 * it (those need the admin token).
 */
export function OrderDetail({
  orderId,
  token,
  onClose,
}: {
  orderId: string;
  token: string;
  onClose: () => void;
}) {
  const { order, history, notifications } = useOrderDetail(orderId, token);
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
                  {line.quantity} × {line.productId} at{' '}
                  {formatPrice(line.unitPrice, current.currency)}
                </li>
              ))}
            </ul>
          </dd>
          <dt>Total</dt>
          <dd>{formatPrice(current.totalPrice, current.currency)}</dd>
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
      <h3>History</h3>
      <Problem text={history.error} />
      <ol aria-label="History">
        {(history.data?.items ?? []).map((entry) => (
          <li key={entry.eventId}>
            {`${entry.status}${entry.reason ? ` (${entry.reason})` : ''}, ${formatTime(entry.at)}: `}
            <span className="mono">{entry.eventType}</span>
            {` from ${entry.source}`}
          </li>
        ))}
      </ol>
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
