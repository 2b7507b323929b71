import { Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { DeadLetterRecord } from '../../db/dead-letters.repository';
import { InvalidFieldError } from '../../domain/errors';
import { DeadLettersService } from './dead-letters.service';

function parseBoundedInt(name: string, raw: string | undefined, fallback: number, min: number, max: number): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new InvalidFieldError(name, `${name} must be a whole number from ${min} to ${max}`);
  }
  return value;
}

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
  @ApiOperation({ summary: 'Open dead letters, oldest first, optionally of one endpoint.' })
  @ApiQuery({ name: 'endpointId', required: false })
  @ApiQuery({ name: 'limit', required: false })
  @ApiQuery({ name: 'offset', required: false })
  async list(@Query('endpointId') endpointId?: string, @Query('limit') limit?: string, @Query('offset') offset?: string) {
    const page = await this.deadLetters.list({
      endpointId,
      limit: parseBoundedInt('limit', limit, 50, 1, 250),
      offset: parseBoundedInt('offset', offset, 0, 0, 1_000_000),
    });
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
