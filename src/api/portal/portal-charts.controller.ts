import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { EndpointsRepository } from '../../db/endpoints.repository';
import { PortalRepository } from '../../db/portal.repository';
import { NotFoundError } from '../../domain/errors';
import { ApplicationPipe } from '../applications/application.pipe';
import { EXAMPLE } from '../common/examples';
import { ApiApplicationScoped, ApiErrors, ApiIdParam, ApiTokenRequired, notFound } from '../common/openapi';
import { parseChartWindow } from './chart-window';
import { EndpointChartView, toAttemptBucketView, UsedEventTypesView } from './portal-charts.view';

/** `/v1/applications/:app/...`: what the portal charts and offers to pick, computed in PostgreSQL. */
@ApiTags('observability')
@ApiTokenRequired()
@ApiApplicationScoped()
@Controller('v1/applications/:app')
export class PortalChartsController {
  constructor(
    private readonly portal: PortalRepository,
    private readonly endpoints: EndpointsRepository,
  ) {}

  @Get('endpoints/:id/stats')
  @ApiOperation({
    summary: "An endpoint's attempts over time, in buckets: counts by outcome, success rate and latency percentiles.",
    description:
      'The last `ceil(window / bucket)` buckets, aligned to whole multiples of `bucket` since the Unix epoch (UTC), the last one holding now. ' +
      'Counts every HTTP attempt (retries included) by when it started.',
  })
  @ApiIdParam('The endpoint id.', EXAMPLE.endpointId)
  @ApiQuery({ name: 'window', required: false, schema: { type: 'string', default: '24h', example: '24h' }, description: 'How far back: a duration such as 1h, 24h or 7d, at most 7d.' })
  @ApiQuery({
    name: 'bucket',
    required: false,
    schema: { type: 'string', default: '1h', example: '1h' },
    description: 'Bucket width: whole seconds from 1m to 1d, such as 5m or 1h; at most 500 buckets in the window.',
  })
  @ApiOkResponse({ type: EndpointChartView, description: 'Every bucket of the window, oldest first.' })
  @ApiErrors(
    {
      status: 400,
      description: '`invalid_field` naming `window` (not a duration up to 7 days) or `bucket` (not 1m to 1d, or over 500 buckets).',
      example: { code: 'invalid_field', message: 'bucket is too narrow for the window: 10080 buckets, at most 500', field: 'bucket' },
    },
    notFound('endpoint', EXAMPLE.endpointId),
  )
  async endpointStats(
    @Param('app', ApplicationPipe) applicationId: string,
    @Param('id') id: string,
    @Query('window') window?: string,
    @Query('bucket') bucket?: string,
  ): Promise<EndpointChartView> {
    const span = parseChartWindow(window, bucket);
    if (!(await this.endpoints.findById(id, { applicationId }))) throw new NotFoundError('endpoint', id);
    const buckets = await this.portal.attemptBuckets(id, span.bucketMs / 1000, span.buckets);
    return { window: window ?? '24h', bucket: bucket ?? '1h', buckets: buckets.map(toAttemptBucketView) };
  }

  @Get('event-types/used')
  @ApiOperation({
    summary: 'Event types the application has used: of its messages and of its endpoints, sorted.',
    description: 'For pickers: the names only, at most 1000. The catalog of described event types is `/v1/event-types`.',
  })
  @ApiOkResponse({ type: UsedEventTypesView, description: 'The names.' })
  async usedEventTypes(@Param('app', ApplicationPipe) applicationId: string): Promise<UsedEventTypesView> {
    return { items: await this.portal.usedEventTypes(applicationId) };
  }
}
