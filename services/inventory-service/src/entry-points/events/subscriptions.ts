import type { EventBus } from '@ecommerce/shared';
import { announceCatalogue } from '../../domain/announce-catalogue';
import type { InventoryDependencies } from '../../domain/inventory-ports';
import { reserveStock } from '../../domain/reserve-stock';
import { settleReservation } from '../../domain/settle-reservation';

/** The events the inventory service consumes, one line each. */
export function subscribeInventoryHandlers(bus: EventBus, dependencies: InventoryDependencies) {
  bus.subscribe('order.created', (event) => reserveStock(event, dependencies));
  // A lane of its own: settling a reservation must not wait behind a backlog of reservations,
  // and, weighing three, it outpaces them while both wait (README, "Lanes").
  bus.subscribe('order.status.updated', (event) => settleReservation(event, dependencies), {
    lane: 'settlement',
    weight: 3,
  });
  bus.subscribe('catalogue.requested', (event) => announceCatalogue(event, dependencies));
}
