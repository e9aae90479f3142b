import type { ProductRepository } from '../data-access/product-repository';
import type { ReservationRepository } from '../data-access/reservation-repository';

/** What the inventory use cases need from the outside world. */
export interface InventoryDependencies {
  products: ProductRepository;
  reservations: ReservationRepository;
}
