import type { Order } from '../../api';
import { ColumnHeaders } from '../../components/column-headers';
import { Problem } from '../../components/problem';
import { formatTime } from '../../format';

const STATUSES = ['PENDING', 'CONFIRMED', 'CANCELLED'] as const;

/** The latest orders: a status filter over a table; a row opens its order or cancels it. */
export function LatestOrders({
  rows,
  loaded,
  problem,
  statusFilter,
  onStatusFilter,
  selectedId,
  onSelect,
  onCancel,
}: {
  rows: Order[];
  /** Whether a first load has come back: until then the empty table says it is loading. */
  loaded: boolean;
  problem: string | undefined;
  statusFilter: string;
  onStatusFilter: (status: string) => void;
  selectedId: string | undefined;
  onSelect: (id: string) => void;
  onCancel: (id: string) => void;
}) {
  return (
    <section aria-labelledby="latest-orders">
      <div className="section-head">
        <h2 id="latest-orders">Latest orders</h2>
        <label>
          Show
          <select value={statusFilter} onChange={(event) => onStatusFilter(event.target.value)}>
            <option value="">every status</option>
            {STATUSES.map((status) => (
              <option key={status} value={status}>
                {status}
              </option>
            ))}
          </select>
        </label>
      </div>
      <Problem text={problem} />
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
                    onClick={() => onSelect(order.id)}
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
                    <button type="button" onClick={() => onCancel(order.id)}>
                      Cancel
                    </button>
                  )}
                </td>
              </tr>
            ))}
            {rows.length === 0 && (
              <tr>
                <td colSpan={6}>{loaded ? 'No orders yet.' : 'Loading…'}</td>
              </tr>
            )}
          </tbody>
        </table>
      </div>
    </section>
  );
}
