import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { AttemptRecord, DeliveryRecord } from '../../db/deliveries.repository';
import { EXAMPLE } from '../common/examples';

/** One attempt of a delivery. */
export class AttemptView {
  @ApiProperty({
    description: 'Its number, from 1. A dead-letter retry or a reset numbers from 1 again; a run after parking continues the numbering.',
    example: 1,
  })
  attempt!: number;

  @ApiProperty({ format: 'date-time', description: 'When it started.', example: '2026-01-15T09:30:00.120Z' })
  startedAt!: string;

  @ApiProperty({ description: 'How long it took (ms).', example: 212 })
  durationMs!: number;

  @ApiPropertyOptional({ description: 'The status the receiver answered; absent when it did not answer.', example: 503 })
  statusCode?: number;

  @ApiPropertyOptional({
    description:
      'Failed attempts only: `<reason>: <detail>`, with the reason codes of docs/delivery-semantics.md. An HTTP answer reads ' +
      '`receiver answered <status>` and up to 200 characters of its body.',
    example: 'http_503: receiver answered 503: Service Unavailable',
  })
  error?: string;

  @ApiPropertyOptional({ description: "The first 4 KiB of the receiver's answer, when it sent one.", example: 'Service Unavailable' })
  responseBody?: string;

  @ApiPropertyOptional({ description: "The delay before the next attempt that the receiver's `Retry-After` set, after clamping (ms).", example: 30_000 })
  retryAfterMs?: number;
}

/** A delivery with every attempt, and the link that opens its workflow in the Temporal Web UI. */
export class DeliveryView {
  @ApiProperty({ description: 'The delivery id.', example: EXAMPLE.deliveryId })
  id!: string;

  @ApiProperty({ description: 'The application of its message and endpoint.', example: EXAMPLE.applicationId })
  applicationId!: string;

  @ApiProperty({ description: 'The message delivered.', example: EXAMPLE.messageId })
  messageId!: string;

  @ApiProperty({ description: 'The endpoint it goes to.', example: EXAMPLE.endpointId })
  endpointId!: string;

  @ApiProperty({ description: 'The Temporal workflow that delivers it.', example: EXAMPLE.workflowId })
  workflowId!: string;

  @ApiProperty({
    enum: ['pending', 'succeeded', 'dead_lettered'],
    description: '`pending` until delivered (retries included, and while a retried dead letter runs), then `succeeded` or `dead_lettered`.',
    example: 'succeeded',
  })
  status!: string;

  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    description: "Set while it waits behind its endpoint's open circuit (no attempts meanwhile); else null.",
    example: null,
  })
  parkedAt!: string | null;

  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    description:
      'While parked: when it is dead-lettered (reason `circuit_open`) if the circuit is still open, which is when its retry schedule would have ended; else null.',
    example: null,
  })
  parkedUntil!: string | null;

  @ApiProperty({ format: 'date-time', description: 'When it was created (its message accepted).', example: EXAMPLE.createdAt })
  createdAt!: string;

  @ApiProperty({ format: 'date-time', description: 'When its status last changed.', example: EXAMPLE.updatedAt })
  updatedAt!: string;

  @ApiProperty({
    description: 'Opens its workflow in the Temporal Web UI (from TEMPORAL_UI_URL and TEMPORAL_NAMESPACE).',
    example: `http://127.0.0.1:8233/namespaces/default/workflows/${EXAMPLE.workflowId}`,
  })
  temporalUiUrl!: string;

  @ApiProperty({ type: [AttemptView], description: 'Every attempt in the order made, across retries and resets.' })
  attempts!: AttemptView[];
}

/** The delivery as the API shows it; `temporalUiUrl` is the link to its workflow in the Web UI. */
export function toDeliveryView(delivery: DeliveryRecord, attempts: AttemptRecord[], temporalUiUrl: string): DeliveryView {
  return {
    id: delivery.id,
    applicationId: delivery.applicationId,
    messageId: delivery.messageId,
    endpointId: delivery.endpointId,
    workflowId: delivery.workflowId,
    status: delivery.status,
    parkedAt: delivery.status === 'pending' ? (delivery.parkedAt?.toISOString() ?? null) : null,
    parkedUntil: delivery.status === 'pending' ? (delivery.parkedUntil?.toISOString() ?? null) : null,
    createdAt: delivery.createdAt.toISOString(),
    updatedAt: delivery.updatedAt.toISOString(),
    temporalUiUrl,
    attempts: attempts.map((a) => ({
      attempt: a.attempt,
      startedAt: a.startedAt.toISOString(),
      durationMs: a.durationMs,
      ...(a.statusCode !== null ? { statusCode: a.statusCode } : {}),
      ...(a.error !== null ? { error: a.error } : {}),
      ...(a.responseBody ? { responseBody: a.responseBody } : {}),
      ...(a.retryAfterMs !== null ? { retryAfterMs: a.retryAfterMs } : {}),
    })),
  };
}
