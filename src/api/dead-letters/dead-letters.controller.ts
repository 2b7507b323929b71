import { Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiAcceptedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { EXAMPLE } from '../common/examples';
import { ApiErrors, ApiIdParam, ApiPageQuery, ApiTokenRequired, ERRORS, notFound, unavailable, type ErrorAnswer } from '../common/openapi';
import { parsePage } from '../common/pagination';
import { DeadLetterPage, DeadLetterRetryView, RedriveView, toDeadLetterView } from './dead-letter.view';
import { DeadLettersService } from './dead-letters.service';

const DEAD_LETTER_ID = 'The dead letter id.';

const RESOLVED: ErrorAnswer = {
  status: 409,
  description: '`dead_letter_resolved`: it was delivered or discarded already.',
  example: { code: 'dead_letter_resolved', message: `dead letter ${EXAMPLE.deadLetterId} was discarded already` },
};

/** `/v1/dead-letters`: deliveries whose attempts ran out and that wait for an operator. */
@ApiTags('dead-letters')
@ApiTokenRequired()
@Controller()
export class DeadLettersController {
  constructor(private readonly deadLetters: DeadLettersService) {}

  @Get('v1/dead-letters')
  @ApiOperation({
    summary: 'Open dead letters, oldest first (the queue order), optionally of one endpoint; pass the last id as `after` for the next page.',
    description: 'A dead letter leaves the list when its delivery later succeeds (however it was retried) or when it is discarded.',
  })
  @ApiQuery({ name: 'endpointId', required: false, type: String, description: 'Only the dead letters of this endpoint.', example: EXAMPLE.endpointId })
  @ApiPageQuery(EXAMPLE.deadLetterId)
  @ApiOkResponse({ type: DeadLetterPage, description: 'One page of open dead letters and how many there are in all.' })
  @ApiErrors(ERRORS.invalidQuery)
  async list(@Query('endpointId') endpointId?: string, @Query('limit') limit?: string, @Query('after') after?: string): Promise<DeadLetterPage> {
    const page = await this.deadLetters.list({ endpointId, ...parsePage(limit, after) });
    return { total: page.total, items: page.items.map(toDeadLetterView) };
  }

  @Post('v1/dead-letters/:id/retry')
  @HttpCode(202)
  @ApiOperation({
    summary: 'Run the delivery again (same webhook-id); 409 when it was delivered or discarded.',
    description: "The new run takes the endpoint's current `retryPolicy` and `timeoutMs`.",
  })
  @ApiIdParam(DEAD_LETTER_ID, EXAMPLE.deadLetterId)
  @ApiAcceptedResponse({ type: DeadLetterRetryView, description: 'A run of the delivery started, or was under way already.' })
  @ApiErrors(
    notFound('dead_letter', EXAMPLE.deadLetterId),
    RESOLVED,
    {
      status: 409,
      description: '`endpoint_deleted`: its endpoint was deleted; discard it instead.',
      example: { code: 'endpoint_deleted', message: `endpoint ${EXAMPLE.endpointId} was deleted; discard the dead letter instead` },
    },
    {
      status: 409,
      description: '`delivery_closing`: the run that dead-lettered it is still closing; retry in a few seconds.',
      example: { code: 'delivery_closing', message: `the run that dead-lettered ${EXAMPLE.deadLetterId} is still closing; retry in a few seconds` },
    },
    unavailable('temporal', 'Temporal did not take the new run; retry later.'),
  )
  retry(@Param('id') id: string): Promise<DeadLetterRetryView> {
    return this.deadLetters.retry(id);
  }

  @Delete('v1/dead-letters/:id')
  @HttpCode(204)
  @ApiOperation({
    summary: 'Discard a dead letter without delivering it.',
    description: 'An ordering key it held (hold mode) moves on to its next message.',
  })
  @ApiIdParam(DEAD_LETTER_ID, EXAMPLE.deadLetterId)
  @ApiNoContentResponse({ description: 'Discarded.' })
  @ApiErrors(notFound('dead_letter', EXAMPLE.deadLetterId), RESOLVED)
  async discard(@Param('id') id: string): Promise<void> {
    await this.deadLetters.discard(id);
  }

  @Post('v1/endpoints/:id/dead-letters/retry')
  @HttpCode(202)
  @ApiOperation({ summary: "Redrive all of an endpoint's dead letters, oldest first, paced by HOOKWAY_REDRIVE_INTERVAL_MS." })
  @ApiIdParam('The endpoint id.', EXAMPLE.endpointId)
  @ApiAcceptedResponse({ type: RedriveView, description: 'The redrive was handed to the endpoint\'s dead-letter workflow.' })
  @ApiErrors(notFound('endpoint', EXAMPLE.endpointId), unavailable('temporal', 'Temporal did not take the redrive; retry later.'))
  redrive(@Param('id') endpointId: string): Promise<RedriveView> {
    return this.deadLetters.redrive(endpointId);
  }
}
