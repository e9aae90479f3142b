import type { EventBus } from '@ecommerce/shared';
import { applyInventoryResult } from '../../domain/apply-inventory-result';
import { applyProductChange } from '../../domain/apply-product-change';
import type { OrderDependencies } from '../../domain/order-ports';

/** The events the order service consumes, one line each. */
export function subscribeOrderHandlers(bus: EventBus, dependencies: OrderDependencies): void {
  bus.subscribe('inventory.status.updated', (event) => applyInventoryResult(event, dependencies));
  bus.subscribe('product.changed', (event) => applyProductChange(event, dependencies));
}
