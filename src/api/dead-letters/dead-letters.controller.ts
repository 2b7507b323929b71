import { Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { DeadLetterRecord } from '../../db/dead-letters.repository';
import { parsePage } from '../common/pagination';
import { DeadLettersService } from './dead-letters.service';

function view(d: DeadLetterRecord) {
  return {
    id: d.id,
    deliveryId: d.deliveryId,
    messageId: d.messageId,
    endpointId: d.endpointId,
    workflowId: d.workflowId,
    error: d.error,
    attempts: d.attempts,
    deadLetteredAt: d.deadLetteredAt.toISOString(),
  };
}

/** `/v1/dead-letters`: deliveries whose attempts ran out and that wait for an operator. */
@ApiTags('dead-letters')
@ApiBearerAuth()
@Controller()
export class DeadLettersController {
  constructor(private readonly deadLetters: DeadLettersService) {}

  @Get('v1/dead-letters')
  @ApiOperation({ summary: 'Open dead letters, oldest first (the queue order), optionally of one endpoint; pass the last id as `after` for the next page.' })
  @ApiQuery({ name: 'endpointId', required: false })
  @ApiQuery({ name: 'limit', required: false })
  @ApiQuery({ name: 'after', required: false })
  async list(@Query('endpointId') endpointId?: string, @Query('limit') limit?: string, @Query('after') after?: string) {
    const page = await this.deadLetters.list({ endpointId, ...parsePage(limit, after) });
    return { total: page.total, items: page.items.map(view) };
  }

  @Post('v1/dead-letters/:id/retry')
  @HttpCode(202)
  @ApiOperation({ summary: 'Run the delivery again (same webhook-id); 409 when it was delivered or discarded.' })
  retry(@Param('id') id: string) {
    return this.deadLetters.retry(id);
  }

  @Delete('v1/dead-letters/:id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Discard a dead letter without delivering it.' })
  async discard(@Param('id') id: string): Promise<void> {
    await this.deadLetters.discard(id);
  }

  @Post('v1/endpoints/:id/dead-letters/retry')
  @HttpCode(202)
  @ApiOperation({ summary: "Redrive all of an endpoint's dead letters, oldest first, paced by HOOKWAY_REDRIVE_INTERVAL_MS." })
  redrive(@Param('id') endpointId: string) {
    return this.deadLetters.redrive(endpointId);
  }
}
