import { ApiProperty, OmitType } from '@nestjs/swagger';
import type { EndpointRecord } from '../../db/endpoints.repository';
import { EXAMPLE } from '../common/examples';

/** The retry schedule an endpoint's deliveries follow, every field filled in. */
export class RetryPolicyView {
  @ApiProperty({ description: 'Attempts in all, the first included.', example: 6 })
  maxAttempts!: number;

  @ApiProperty({ description: 'Delay before the first retry (ms).', example: 60_000 })
  initialIntervalMs!: number;

  @ApiProperty({ description: 'Each delay is the previous one times this.', example: 2 })
  backoffCoefficient!: number;

  @ApiProperty({ description: 'Longest single delay (ms).', example: 3_600_000 })
  maxIntervalMs!: number;
}

/** An endpoint's circuit breaker. */
export class CircuitView {
  @ApiProperty({
    enum: ['open', 'closed'],
    description: '`open` after too many failed attempts in a row: its deliveries wait (parked) until a probe succeeds. `closed` otherwise.',
    example: 'closed',
  })
  state!: 'open' | 'closed';

  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'When the circuit opened; null while closed.', example: null })
  openedAt!: string | null;

  @ApiProperty({ description: 'Failed attempts since the last successful one.', example: 0 })
  consecutiveFailures!: number;
}

/** An endpoint as the API shows it, without its secret. */
export class EndpointView {
  @ApiProperty({ description: 'The endpoint id: `ep_` and 28 hex digits.', example: EXAMPLE.endpointId })
  id!: string;

  @ApiProperty({ description: 'The application whose messages it gets.', example: EXAMPLE.applicationId })
  applicationId!: string;

  @ApiProperty({ description: 'Where deliveries are POSTed.', example: EXAMPLE.url })
  url!: string;

  @ApiProperty({ description: 'Free text, `""` when not set.', example: 'billing service' })
  description!: string;

  @ApiProperty({
    type: [String],
    nullable: true,
    description: 'Event types it receives, exact or `prefix.*` (every type under the prefix, not the prefix itself); null means every event type.',
    example: [EXAMPLE.eventType, 'customer.*'],
  })
  eventTypes!: string[] | null;

  @ApiProperty({ type: String, nullable: true, description: 'The CEL filter a message must satisfy to reach it; null for none.', example: 'data.amount > 1000' })
  filter!: string | null;

  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'string' },
    description: 'Custom headers sent on every attempt, names lower-case.',
    example: { 'x-tenant': 'acme' },
  })
  headers!: Record<string, string>;

  @ApiProperty({ type: RetryPolicyView, description: 'The retry schedule, copied from the server defaults where not given at creation.' })
  retryPolicy!: RetryPolicyView;

  @ApiProperty({ description: 'Deadline of one attempt (ms): connect, headers and body together.', example: 15_000 })
  timeoutMs!: number;

  @ApiProperty({ description: 'A disabled endpoint gets no new deliveries.', example: false })
  disabled!: boolean;

  @ApiProperty({
    type: String,
    enum: ['manual', 'gone', 'failing'],
    nullable: true,
    description:
      'Why it is disabled: `manual` (PATCH `disabled: true`), `gone` (the receiver answered 410) or `failing` (every delivery failed for HOOKWAY_DISABLE_AFTER); null while enabled.',
    example: null,
  })
  disabledReason!: string | null;

  @ApiProperty({ description: 'Whether its dead letters are redriven automatically once a delivery succeeds again.', example: true })
  autoRecover!: boolean;

  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    description: 'Time of the first failed attempt since the last successful one; null while healthy.',
    example: null,
  })
  failingSince!: string | null;

  @ApiProperty({ type: CircuitView, description: 'The circuit breaker.' })
  circuit!: CircuitView;

  @ApiProperty({ type: Number, nullable: true, description: 'Requests per second it gets across all workers, or null for no limit.', example: 20 })
  rateLimitPerSecond!: number | null;

  @ApiProperty({
    type: Number,
    nullable: true,
    description: 'The pace it gets right now (requests per second): its limit, or lower after 429 answers; null when unpaced.',
    example: 20,
  })
  currentRate!: number | null;

  @ApiProperty({
    enum: ['hold', 'skip'],
    description: 'What a dead-lettered message with an ordering key does to the later ones with that key: `hold` them, or `skip` it.',
    example: 'hold',
  })
  orderingFailureMode!: string;

  @ApiProperty({ format: 'date-time', description: 'When it was created.', example: EXAMPLE.createdAt })
  createdAt!: string;

  @ApiProperty({ format: 'date-time', description: 'When it last changed.', example: EXAMPLE.updatedAt })
  updatedAt!: string;

  /** Absent from reads; only {@link CreatedEndpointView} carries (and documents) it. */
  secret?: string;
}

/** The answer of `POST /v1/endpoints`: the endpoint and its signing secret. */
export class CreatedEndpointView extends OmitType(EndpointView, ['secret'] as const) {
  @ApiProperty({ description: 'The signing secret: `whsec_` and base64 of 24 to 64 bytes. Only this answer and the secret route show it.', example: EXAMPLE.secret })
  secret!: string;
}

/** Renders an endpoint, without its secret. */
export function toEndpointView(endpoint: EndpointRecord): EndpointView {
  return {
    id: endpoint.id,
    applicationId: endpoint.applicationId,
    url: endpoint.url,
    description: endpoint.description,
    eventTypes: endpoint.eventTypes,
    filter: endpoint.filter,
    headers: endpoint.headers,
    retryPolicy: endpoint.retryPolicy,
    timeoutMs: endpoint.timeoutMs,
    disabled: endpoint.disabled,
    disabledReason: endpoint.disabledReason,
    autoRecover: endpoint.autoRecover,
    failingSince: endpoint.failingSince?.toISOString() ?? null,
    circuit: {
      state: endpoint.circuitOpenedAt ? 'open' : 'closed',
      openedAt: endpoint.circuitOpenedAt?.toISOString() ?? null,
      consecutiveFailures: endpoint.consecutiveFailures,
    },
    rateLimitPerSecond: endpoint.rateLimitPerSecond,
    currentRate: endpoint.currentRate,
    orderingFailureMode: endpoint.orderingFailureMode,
    createdAt: endpoint.createdAt.toISOString(),
    updatedAt: endpoint.updatedAt.toISOString(),
  };
}

/** Renders a newly created endpoint with its secret, the one answer besides the secret route that shows it. */
export function toCreatedEndpointView(endpoint: EndpointRecord): CreatedEndpointView {
  return { ...toEndpointView(endpoint), secret: endpoint.secret };
}

/** One page of `GET /v1/endpoints`. */
export class EndpointPage {
  @ApiProperty({ type: [EndpointView], description: 'Endpoints, oldest first; fewer than `limit` on the last page.' })
  items!: EndpointView[];
}
