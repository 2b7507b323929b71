import { ApiProperty } from '@nestjs/swagger';
import type { AttemptBucket } from '../../db/portal.repository';

/** Attempt durations of one bucket, in ms. */
export class BucketLatencyView {
  @ApiProperty({ type: Number, nullable: true, description: 'Median attempt duration (ms, continuous percentile); null without attempts.', example: 84 })
  p50!: number | null;

  @ApiProperty({ type: Number, nullable: true, description: '95th percentile attempt duration (ms); null without attempts.', example: 310 })
  p95!: number | null;
}

/** One bucket of an endpoint's attempts. */
export class AttemptBucketView {
  @ApiProperty({ format: 'date-time', description: 'Where the bucket starts; it ends where the next starts.', example: '2026-01-15T09:00:00.000Z' })
  start!: string;

  @ApiProperty({ description: 'HTTP attempts started in the bucket (every attempt of every delivery, retries included).', example: 42 })
  attempts!: number;

  @ApiProperty({ description: 'Attempts the receiver answered with a 2xx.', example: 40 })
  succeeded!: number;

  @ApiProperty({ description: 'Every other attempt: any other status, or no answer.', example: 2 })
  failed!: number;

  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'integer' },
    description:
      'Attempts by outcome: `2xx`, `3xx`, `4xx` and `5xx` by the status class of the answer (always present), and for attempts without an answer their ' +
      'failure reason code (`timeout`, `connection_refused`, `dns_error`, `dns_timeout`, `destination_blocked`, `network_error`, ...), present when it occurred.',
    example: { '2xx': 40, '3xx': 0, '4xx': 0, '5xx': 1, timeout: 1 },
  })
  byOutcome!: Record<string, number>;

  @ApiProperty({ type: Number, nullable: true, description: '`succeeded / attempts`, 0 to 1; null without attempts.', example: 0.952 })
  successRate!: number | null;

  @ApiProperty({ type: BucketLatencyView, description: 'Attempt durations.' })
  latencyMs!: BucketLatencyView;
}

/** The answer of `GET /v1/applications/:app/endpoints/:id/stats`. */
export class EndpointChartView {
  @ApiProperty({ description: 'The window asked for.', example: '24h' })
  window!: string;

  @ApiProperty({ description: 'The bucket width asked for.', example: '1h' })
  bucket!: string;

  @ApiProperty({ type: [AttemptBucketView], description: 'Every bucket of the window, oldest first, empty ones included (zeros, null rates), so a chart has a continuous axis.' })
  buckets!: AttemptBucketView[];
}

/** The answer of `GET /v1/applications/:app/event-types/used`. */
export class UsedEventTypesView {
  @ApiProperty({ type: [String], description: "Event types of the application's messages and of its endpoints' subscriptions, distinct and sorted; at most 1000.", example: ['invoice.paid', 'invoice.voided'] })
  items!: string[];
}

const STATUS_CLASSES = { '2xx': 0, '3xx': 0, '4xx': 0, '5xx': 0 };

/** Renders a bucket with its derived figures. */
export function toAttemptBucketView(bucket: AttemptBucket): AttemptBucketView {
  return {
    start: bucket.start.toISOString(),
    attempts: bucket.attempts,
    succeeded: bucket.succeeded,
    failed: bucket.attempts - bucket.succeeded,
    byOutcome: { ...STATUS_CLASSES, ...bucket.byOutcome },
    successRate: bucket.attempts === 0 ? null : bucket.succeeded / bucket.attempts,
    latencyMs: bucket.latencyMs,
  };
}
