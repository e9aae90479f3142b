import Joi from 'joi';
import type { DeadLetterRecord } from '../messaging/dead-letters';
import {
  deadLetterDiscardBody,
  deadLetterListQuery,
  deadLetterReplayBody,
} from './dead-letter-request-schemas';
import type { HealthReport } from './health';
import type { ApiOperation, OpenApiDocument } from './openapi';
import {
  buildOpenApiDocument,
  errorBodySchema,
  OPENAPI_VERSION,
  unavailableResponse,
} from './openapi';

// The routes that the service host (lifecycle/service-host.ts) gives every service: health from
// the app factory, the dead-letter routes from messaging. Their documentation lives here once.

const checkState = Joi.string().valid('up', 'down');

/** The health report; `status` is `ok` with a 200 and `degraded` with a 503. */
function healthReportSchema(status: HealthReport['status']) {
  return Joi.object<HealthReport>({
    status: Joi.string().valid(status).required(),
    service: Joi.string().required(),
    uptimeSeconds: Joi.number().integer().min(0).required(),
    checks: Joi.object({ mongodb: checkState.required(), rabbitmq: checkState.required() })
      .pattern(/^[A-Za-z0-9_.-]+$/, Joi.string())
      .required()
      .description(
        'One state per dependency. Only `mongodb` and `rabbitmq` decide the status; others ' +
          "(the notification service's `smtp` and `sms`: a circuit breaker's state or the " +
          "provider's name) are reported only",
      ),
  }).id(status === 'ok' ? 'HealthReport' : 'DegradedHealthReport');
}

const livenessSchema = Joi.object({
  status: Joi.string().valid('ok').required(),
  service: Joi.string().required(),
}).id('Liveness');

const deadLetterSchema = Joi.object<DeadLetterRecord>({
  eventId: Joi.string()
    .required()
    .description(
      "The message's eventId (its AMQP messageId, or a generated id for a non-JSON one)",
    ),
  routingKey: Joi.string().required(),
  eventType: Joi.string(),
  correlationId: Joi.string(),
  error: Joi.string().required().description('Why it was dead-lettered'),
  attempts: Joi.number().integer().min(0).required(),
  failedAt: Joi.string().isoDate().required(),
}).id('DeadLetter');

const deadLetterPageSchema = Joi.object({
  items: Joi.array().items(deadLetterSchema).required().description('Newest first'),
  total: Joi.number().integer().min(0).required(),
  limit: Joi.number().integer().min(1).required(),
  offset: Joi.number().integer().min(0).required(),
}).id('DeadLetterPage');

export const hostOperations: readonly ApiOperation[] = [
  {
    operationId: 'liveness',
    method: 'get',
    path: '/api/health/live',
    tag: 'health',
    summary: 'Answers while the process runs',
    bypassesAdmission: true,
    responses: { 200: { description: 'The process runs', body: livenessSchema } },
  },
  {
    operationId: 'health',
    method: 'get',
    path: '/api/health',
    tag: 'health',
    summary: "The service's dependencies, and whether it can do its work",
    bypassesAdmission: true,
    responses: {
      200: { description: 'MongoDB and RabbitMQ are up', body: healthReportSchema('ok') },
      503: {
        description:
          'MongoDB or RabbitMQ is down (a degraded report), or the service is shutting down',
        body: Joi.alternatives().try(healthReportSchema('degraded'), errorBodySchema),
        errorCodes: ['SHUTTING_DOWN'],
      },
    },
  },
  {
    operationId: 'listDeadLetters',
    method: 'get',
    path: '/api/admin/dlq',
    tag: 'dead letters',
    summary: "The messages waiting in the service's dead-letter queue, newest first",
    description: 'Listing takes nothing out of the queue.',
    admin: true,
    query: deadLetterListQuery,
    responses: {
      200: { description: 'A page of dead letters', body: deadLetterPageSchema },
      503: unavailableResponse('database'),
    },
  },
  {
    operationId: 'replayDeadLetters',
    method: 'post',
    path: '/api/admin/dlq/replay',
    tag: 'dead letters',
    summary: "Moves dead letters back to the service's queues (all of them when none are named)",
    description:
      'Each goes back to the work queue of the lane its event type is on (`<service>`, or `<service>.<lane>`), with a fresh attempt count.',
    admin: true,
    body: { schema: deadLetterReplayBody, required: false },
    responses: {
      200: {
        description: 'How many messages went back',
        body: Joi.object({ replayed: Joi.number().integer().min(0).required() }).id('ReplayResult'),
      },
      503: unavailableResponse('broker', 'database'),
    },
  },
  {
    operationId: 'discardDeadLetters',
    method: 'post',
    path: '/api/admin/dlq/discard',
    tag: 'dead letters',
    summary: 'Removes dead letters for good, logging each one',
    admin: true,
    body: { schema: deadLetterDiscardBody, required: true },
    responses: {
      200: {
        description: 'How many messages were removed',
        body: Joi.object({ discarded: Joi.number().integer().min(0).required() }).id(
          'DiscardResult',
        ),
      },
      503: unavailableResponse('broker', 'database'),
    },
  },
];

export interface ServiceApi {
  /** The service's name, e.g. `order-service`. */
  service: string;
  version: string;
  /** What the service does, for the document's introduction. */
  summary: string;
  /** The service's own routes; the host's (health, dead letters) are added. */
  operations: readonly ApiOperation[];
}

/** The API document of a service: its own operations, then the ones every service has. */
export function serviceApiDocument(api: ServiceApi): OpenApiDocument {
  return buildOpenApiDocument({
    title: `${api.service} API`,
    version: api.version,
    description: [
      api.summary,
      '',
      `OpenAPI ${OPENAPI_VERSION}, generated from the joi schemas that validate the requests.`,
      'Every error is `{"error": {"code", "message", "details"?}}` (the `Error` schema); an ' +
        'unknown route is a 404 `ROUTE_NOT_FOUND`. Routes with a lock need the admin token ' +
        '(`Authorization: Bearer <ADMIN_TOKEN>`).',
    ].join('\n'),
    operations: [...api.operations, ...hostOperations],
  });
}
