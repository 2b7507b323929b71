import { Controller, Delete, HttpCode, Param, Post } from '@nestjs/common';
import { ApiAcceptedResponse, ApiNoContentResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { OwnedResource } from '../auth/access.decorators';
import { EXAMPLE } from '../common/examples';
import { ApiErrors, ApiIdParam, ApiTokenRequired, notFoundOrNotOwned, unavailable, type ErrorAnswer } from '../common/openapi';
import { DeadLetterRetryView } from './dead-letter.view';
import { DeadLettersService } from './dead-letters.service';

const DEAD_LETTER_ID = 'The dead letter id.';

const RESOLVED: ErrorAnswer = {
  status: 409,
  description: '`dead_letter_resolved`: it was delivered or discarded already.',
  example: { code: 'dead_letter_resolved', message: `dead letter ${EXAMPLE.deadLetterId} was discarded already` },
};

/** `/v1/dead-letters/:id`: one dead letter, by its id, whatever its application. */
@ApiTags('dead-letters')
@ApiTokenRequired()
@OwnedResource('dead_letter')
@Controller('v1/dead-letters')
export class DeadLettersController {
  constructor(private readonly deadLetters: DeadLettersService) {}

  @Post(':id/retry')
  @HttpCode(202)
  @ApiOperation({
    summary: 'Run the delivery again (same webhook-id); 409 when it was delivered or discarded.',
    description: "The new run takes the endpoint's current `retryPolicy` and `timeoutMs`.",
  })
  @ApiIdParam(DEAD_LETTER_ID, EXAMPLE.deadLetterId)
  @ApiAcceptedResponse({ type: DeadLetterRetryView, description: 'A run of the delivery started, or was under way already.' })
  @ApiErrors(
    notFoundOrNotOwned('dead_letter', EXAMPLE.deadLetterId),
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

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({
    summary: 'Discard a dead letter without delivering it.',
    description: 'An ordering key it held (hold mode) moves on to its next message.',
  })
  @ApiIdParam(DEAD_LETTER_ID, EXAMPLE.deadLetterId)
  @ApiNoContentResponse({ description: 'Discarded.' })
  @ApiErrors(notFoundOrNotOwned('dead_letter', EXAMPLE.deadLetterId), RESOLVED)
  async discard(@Param('id') id: string): Promise<void> {
    await this.deadLetters.discard(id);
  }
}
