import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { DeadLettersRepository } from '../../db/dead-letters.repository';
import { InvalidFieldError } from '../../domain/errors';

function parseBoundedInt(name: string, raw: string | undefined, fallback: number, min: number, max: number): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new InvalidFieldError(name, `${name} must be a whole number from ${min} to ${max}`);
  }
  return value;
}

/** `/v1/dead-letters`: deliveries whose attempts ran out and that wait for an operator. */
@ApiTags('dead-letters')
@ApiBearerAuth()
@Controller('v1/dead-letters')
export class DeadLettersController {
  constructor(private readonly deadLetters: DeadLettersRepository) {}

  @Get()
  @ApiOperation({ summary: 'Open dead letters, oldest first, optionally of one endpoint.' })
  @ApiQuery({ name: 'endpointId', required: false })
  @ApiQuery({ name: 'limit', required: false })
  @ApiQuery({ name: 'offset', required: false })
  async list(
    @Query('endpointId') endpointId?: string,
    @Query('limit') limit?: string,
    @Query('offset') offset?: string,
  ): Promise<{ items: object[]; total: number }> {
    const page = await this.deadLetters.listOpen({
      endpointId,
      limit: parseBoundedInt('limit', limit, 50, 1, 250),
      offset: parseBoundedInt('offset', offset, 0, 0, 1_000_000),
    });
    return {
      total: page.total,
      items: page.items.map((d) => ({ ...d, deadLetteredAt: d.deadLetteredAt.toISOString() })),
    };
  }
}
