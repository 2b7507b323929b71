import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { ApplicationPipe } from '../applications/application.pipe';
import { EXAMPLE } from '../common/examples';
import { DELIVERY_STATUSES, parseDeliveryStatus, parseTimeRange } from '../common/list-filters';
import { ApiApplicationScoped, ApiErrors, ApiIdParam, ApiPageQuery, ApiTimeRangeQuery, ApiTokenRequired, ERRORS, notFound } from '../common/openapi';
import { parsePage } from '../common/pagination';
import { DeliveriesService } from './deliveries.service';
import { DeliveryLogPage, toDeliveryLogItemView } from './delivery-log.view';

/** `/v1/applications/:app/endpoints/:id/deliveries`: an endpoint's delivery log. */
@ApiTags('deliveries')
@ApiTokenRequired()
@ApiApplicationScoped()
@Controller('v1/applications/:app/endpoints/:id/deliveries')
export class EndpointDeliveriesController {
  constructor(private readonly deliveries: DeliveriesService) {}

  @Get()
  @ApiOperation({
    summary: "The endpoint's deliveries, newest first, each with its last attempt; pass the last id as `after` for the next page.",
    description: 'Every attempt of one delivery is in `GET /v1/deliveries/{id}`. Pages never shift as new deliveries arrive: those come before the first page.',
  })
  @ApiIdParam('The endpoint id.', EXAMPLE.endpointId)
  @ApiQuery({
    name: 'status',
    required: false,
    // With an explicit schema, the example must sit inside it to reach the document.
    schema: { type: 'string', enum: [...DELIVERY_STATUSES], example: 'dead_lettered' },
    description: 'Only deliveries in this status.',
  })
  @ApiTimeRangeQuery('creation (its message accepted)')
  @ApiPageQuery(EXAMPLE.deliveryId)
  @ApiOkResponse({ type: DeliveryLogPage, description: 'One page of deliveries.' })
  @ApiErrors(ERRORS.invalidQuery, notFound('endpoint', EXAMPLE.endpointId))
  async list(
    @Param('app', ApplicationPipe) applicationId: string,
    @Param('id') endpointId: string,
    @Query('status') status?: string,
    @Query('since') since?: string,
    @Query('until') until?: string,
    @Query('limit') limit?: string,
    @Query('after') after?: string,
  ): Promise<DeliveryLogPage> {
    const filter = { status: parseDeliveryStatus(status), ...parseTimeRange(since, until), ...parsePage(limit, after) };
    return { items: (await this.deliveries.listOfEndpoint(applicationId, endpointId, filter)).map(toDeliveryLogItemView) };
  }
}
