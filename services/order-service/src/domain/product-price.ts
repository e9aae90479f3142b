/**
 * A product as the order service prices it: its copy of the inventory's catalogue, kept from the
 * inventory's `product.changed` events. `version` is the sequence of the event it was last set by
 * (the inventory numbers each product's events), so a late or repeated event never undoes a newer
 * price.
 */
export interface ProductPrice {
  productId: string;
  name: string;
  price: number;
  currency: string;
  version: number;
  /** When the list first had the product: it is listed newest first. */
  createdAt: Date;
  updatedAt: Date;
}
