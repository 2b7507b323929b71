import { ApiProperty } from '@nestjs/swagger';
import { EXAMPLE } from '../common/examples';

/** Latency percentiles of successful deliveries. */
export class LatencyView {
  @ApiProperty({ type: Number, nullable: true, description: 'Median, ms; null when none succeeded.', example: 388 })
  p50!: number | null;

  @ApiProperty({ type: Number, nullable: true, description: '95th percentile, ms; null when none succeeded.', example: 60_912 })
  p95!: number | null;

  @ApiProperty({ type: Number, nullable: true, description: '99th percentile, ms; null when none succeeded.', example: 241_870 })
  p99!: number | null;
}

/** The four headline figures of deliveries created in the window. */
export class HeadlineFiguresView {
  @ApiProperty({ description: 'Deliveries created in the window that have ended (succeeded or dead-lettered); pending ones are left out.', example: 200 })
  deliveries!: number;

  @ApiProperty({
    type: Number,
    nullable: true,
    description: 'Share (0..1) of those whose attempt number 1 got a 2xx, of any run; null when none ended.',
    example: 0.94,
  })
  firstAttemptSuccessRate!: number | null;

  @ApiProperty({ type: LatencyView, description: 'Accepted → delivered, over the deliveries that succeeded.' })
  latencyMs!: LatencyView;

  @ApiProperty({ type: Number, nullable: true, description: 'Share (0..1) of those that are dead-lettered now; null when none ended.', example: 0.01 })
  failureRate!: number | null;

  @ApiProperty({ description: 'Open dead letters right now, whatever the window.', example: 2 })
  deadLetters!: number;
}

/** The figures of one endpoint. */
export class EndpointFiguresView extends HeadlineFiguresView {
  @ApiProperty({ description: 'The endpoint.', example: EXAMPLE.endpointId })
  endpointId!: string;
}

/** The headline figures over a window, per endpoint and overall. */
export class StatsView {
  @ApiProperty({ description: 'The window, as given.', example: '24h' })
  window!: string;

  @ApiProperty({ type: HeadlineFiguresView, description: 'All endpoints together.' })
  overall!: HeadlineFiguresView;

  @ApiProperty({ type: [EndpointFiguresView], description: 'Each endpoint with deliveries that ended in the window, ordered by id.' })
  endpoints!: EndpointFiguresView[];

  @ApiProperty({
    description:
      'Accepted deliveries whose workflow is not started yet, right now, whatever the window: the outbox backlog. ' +
      'It grows while Temporal is unreachable (messages are still accepted) and returns to 0 once they have started.',
    example: 0,
  })
  outboxPending!: number;
}
