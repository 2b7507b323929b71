import { Controller, Get, Inject, Param } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { HookwayConfig } from '../../config';
import { DeliveriesRepository } from '../../db/deliveries.repository';
import { NotFoundError } from '../../domain/errors';
import { CONFIG } from '../core/tokens';

/** A delivery with every attempt, and the link that opens its workflow in the Temporal Web UI. */
export interface DeliveryView {
  id: string;
  messageId: string;
  endpointId: string;
  workflowId: string;
  status: string;
  /** Set while the delivery waits for its endpoint's circuit to close (no attempts meanwhile). */
  parkedAt: string | null;
  /**
   * While parked: when it is dead-lettered (reason `circuit_open`, no further attempt) if the circuit is
   * still open then, which is when its retry schedule would have ended.
   */
  parkedUntil: string | null;
  createdAt: string;
  updatedAt: string;
  temporalUiUrl: string;
  attempts: {
    attempt: number;
    startedAt: string;
    durationMs: number;
    statusCode?: number;
    error?: string;
    responseBody?: string;
    retryAfterMs?: number;
  }[];
}

/** `/v1/deliveries`: one message to one endpoint, attempt by attempt. */
@ApiTags('deliveries')
@ApiBearerAuth()
@Controller('v1/deliveries')
export class DeliveriesController {
  constructor(
    private readonly deliveries: DeliveriesRepository,
    @Inject(CONFIG) private readonly config: HookwayConfig,
  ) {}

  @Get(':id')
  @ApiOperation({ summary: 'A delivery, its status (pending, succeeded, dead_lettered) and its attempts.' })
  async get(@Param('id') id: string): Promise<DeliveryView> {
    const delivery = await this.deliveries.findById(id);
    if (!delivery) throw new NotFoundError('delivery', id);
    const attempts = await this.deliveries.attemptsOf(id);
    return {
      id: delivery.id,
      messageId: delivery.messageId,
      endpointId: delivery.endpointId,
      workflowId: delivery.workflowId,
      status: delivery.status,
      parkedAt: delivery.status === 'pending' ? (delivery.parkedAt?.toISOString() ?? null) : null,
      parkedUntil: delivery.status === 'pending' ? (delivery.parkedUntil?.toISOString() ?? null) : null,
      createdAt: delivery.createdAt.toISOString(),
      updatedAt: delivery.updatedAt.toISOString(),
      temporalUiUrl: `${this.config.temporalUiUrl}/namespaces/${encodeURIComponent(this.config.temporalNamespace)}/workflows/${encodeURIComponent(delivery.workflowId)}`,
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
}
