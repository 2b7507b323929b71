import { Controller, Get, Param } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { OrderingKeyView } from './ordering-key.view';
import { OrderingService } from './ordering.service';

/** `/v1/endpoints/:id/ordering-keys`: where each ordered stream of an endpoint stands. */
@ApiTags('ordering')
@ApiBearerAuth()
@Controller('v1/endpoints/:id')
export class OrderingController {
  constructor(private readonly ordering: OrderingService) {}

  @Get('blocked-keys')
  @ApiOperation({ summary: 'Ordering keys held by a dead letter (hold mode), longest blocked first, and what holds each.' })
  async blocked(@Param('id') id: string): Promise<{ items: OrderingKeyView[] }> {
    return { items: await this.ordering.blocked(id) };
  }

  @Get('ordering-keys/:key')
  @ApiOperation({ summary: 'Where one ordering key stands: idle, delivering which message, or blocked by which dead letter.' })
  one(@Param('id') id: string, @Param('key') key: string): Promise<OrderingKeyView> {
    return this.ordering.one(id, key);
  }
}
