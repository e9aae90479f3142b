import { useState } from 'react';
import { LatestOrders } from './orders/latest-orders';
import { OrderDetail } from './orders/order-detail';
import { PlaceOrderForm } from './orders/place-order-form';
import { useLatestOrders } from './orders/use-orders';

/** Orders: place one, watch the latest change status live, cancel, look into one. */
export function OrdersPage({ token }: { token: string }) {
  const latest = useLatestOrders();
  const [selectedId, setSelectedId] = useState<string>();

  return (
    <>
      <h1>Orders</h1>
      <div className="columns">
        <PlaceOrderForm onPlaced={latest.showPlaced} />
        {selectedId && (
          <OrderDetail
            orderId={selectedId}
            token={token}
            onClose={() => setSelectedId(undefined)}
          />
        )}
      </div>
      <LatestOrders
        rows={latest.rows}
        loaded={latest.loaded}
        problem={latest.problem}
        statusFilter={latest.statusFilter}
        onStatusFilter={latest.setStatusFilter}
        selectedId={selectedId}
        onSelect={setSelectedId}
        onCancel={(id) => void latest.cancel(id)}
      />
    </>
  );
}
