import type { Connection } from 'mongoose';
import type { AggregateStore, EventDraft, ServiceInfrastructure } from '@ecommerce/shared';
import { aggregateSchema } from '@ecommerce/shared';
import type { CatalogueRequestPort } from '../domain/order-ports';

interface CatalogueRequest {
  requestedAt: Date;
}

const catalogueRequestSchema = aggregateSchema<CatalogueRequest>(
  { requestedAt: { type: Date, required: true } },
  { collection: 'catalogue_requests' },
);

/** Requests for the inventory's catalogue, each stored with its `catalogue.requested`. */
export class CatalogueRequestRepository implements CatalogueRequestPort {
  private readonly store: AggregateStore<CatalogueRequest>;

  constructor(connection: Connection, stores: ServiceInfrastructure['stores']) {
    const model = connection.model('CatalogueRequest', catalogueRequestSchema);
    this.store = stores.define<CatalogueRequest>(model.collection);
  }

  create(requestId: string, event: EventDraft): Promise<boolean> {
    return this.store.create(requestId, { requestedAt: new Date() }, [event]);
  }
}
