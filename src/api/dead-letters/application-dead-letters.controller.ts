import { Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiAcceptedResponse, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { ApplicationPipe } from '../applications/application.pipe';
import { EXAMPLE } from '../common/examples';
import { ApiApplicationScoped, ApiErrors, ApiIdParam, ApiPageQuery, ApiTokenRequired, ERRORS, notFound, unavailable } from '../common/openapi';
import { parsePage } from '../common/pagination';
import { DeadLetterPage, RedriveView, toDeadLetterView } from './dead-letter.view';
import { DeadLettersService } from './dead-letters.service';

/** An application's dead letters: deliveries whose attempts ran out and that wait for an operator. */
@ApiTags('dead-letters')
@ApiTokenRequired()
@ApiApplicationScoped()
@Controller('v1/applications/:app')
export class ApplicationDeadLettersController {
  constructor(private readonly deadLetters: DeadLettersService) {}

  @Get('dead-letters')
  @ApiOperation({
    summary: "The application's open dead letters, newest first, optionally of one endpoint; pass the last id as `after` for the next page.",
    description:
      'A dead letter leaves the list when its delivery later succeeds (however it was retried) or when it is discarded; one that left still marks its place as `after`. ' +
      'Redrives run the other way, oldest first. `total` counts every open dead letter the filter matches.',
  })
  @ApiQuery({ name: 'endpointId', required: false, type: String, description: 'Only the dead letters of this endpoint.', example: EXAMPLE.endpointId })
  @ApiPageQuery(EXAMPLE.deadLetterId)
  @ApiOkResponse({ type: DeadLetterPage, description: 'One page of open dead letters and how many there are in all.' })
  @ApiErrors(ERRORS.invalidQuery)
  async list(@Param('app', ApplicationPipe) applicationId: string, @Query('endpointId') endpointId?: string, @Query('limit') limit?: string, @Query('after') after?: string): Promise<DeadLetterPage> {
    const page = await this.deadLetters.list({ applicationId, endpointId, ...parsePage(limit, after) });
    return { total: page.total, items: page.items.map(toDeadLetterView) };
  }

  @Post('endpoints/:id/dead-letters/retry')
  @HttpCode(202)
  @ApiOperation({ summary: "Redrive all of an endpoint's dead letters, oldest first, paced by HOOKWAY_REDRIVE_INTERVAL_MS." })
  @ApiIdParam('The endpoint id.', EXAMPLE.endpointId)
  @ApiAcceptedResponse({ type: RedriveView, description: 'The redrive was handed to the endpoint\'s dead-letter workflow.' })
  @ApiErrors(notFound('endpoint', EXAMPLE.endpointId), unavailable('temporal', 'Temporal did not take the redrive; retry later.'))
  redrive(@Param('app', ApplicationPipe) applicationId: string, @Param('id') endpointId: string): Promise<RedriveView> {
    return this.deadLetters.redrive(applicationId, endpointId);
  }
}
