/** What the floor's parent and its role processes say to each other over the IPC channel. */

export const FLOOR_ROLES = ['order', 'inventory', 'notification'] as const;
export type FloorRole = (typeof FLOOR_ROLES)[number];

/** Given to each role process in FLOOR_CONFIG. */
export interface FloorRoleConfig {
  role: FloorRole;
  rabbitmqUrl: string;
  mongodbUri: string;
  exchange: string;
  prefetch: number;
  queueType: 'quorum' | 'classic';
  /** The driver's connection pool: the floor's own, not the services' (see floor.ts). */
  maxPoolSize: number;
  /** The inventory also takes a confirmed order's hold out of the product (a sixth write). */
  releaseHolds: boolean;
}

/** Parent → order role: place these orders. */
export interface FloorGo {
  type: 'go';
  userId: string;
  orders: number;
  clients: number;
  productIds: string[];
}

export type ToRole = FloorGo | { type: 'stop' };

export type FromRole =
  | { type: 'ready' }
  /** From the order role: how many orders are final so far (sent every few hundred ms). */
  | { type: 'progress'; final: number }
  | { type: 'done'; final: number }
  | { type: 'failed'; error: string };

/** Where each event goes: the queue of the role that consumes it. */
export const CONSUMES: Record<FloorRole, string> = {
  order: 'inventory.status.updated',
  inventory: 'order.created',
  notification: 'order.status.updated',
};

export const queueOf = (role: FloorRole) => `floor-${role}`;

/** The collections each role writes, created before the load: DDL under load can wedge FerretDB. */
export const COLLECTIONS: Record<FloorRole, string[]> = {
  order: ['orders'],
  inventory: ['products', 'reservations'],
  notification: ['notifications'],
};
