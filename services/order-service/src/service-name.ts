/** The service's name: in its logs, metrics, traces, events and database. */
export const SERVICE_NAME = 'order-service';
