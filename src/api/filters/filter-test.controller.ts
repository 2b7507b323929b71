import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApplicationPipe } from '../applications/application.pipe';
import { EXAMPLE } from '../common/examples';
import { ApiApplicationScoped, ApiErrors, ApiIdParam, ApiTokenRequired, BODY_ERRORS, notFound } from '../common/openapi';
import { TestFilterDto } from './dto/test-filter.dto';
import { FilterTestView } from './filter-test.view';
import { FilterTestService } from './filter-test.service';

/** `/v1/applications/:app/endpoints/:id/filter/test`: try a filter before setting it. */
@ApiTags('endpoints')
@ApiTokenRequired()
@ApiApplicationScoped()
@Controller('v1/applications/:app/endpoints/:id/filter')
export class FilterTestController {
  constructor(private readonly tests: FilterTestService) {}

  @Post('test')
  @HttpCode(200)
  @ApiOperation({
    summary: "Try a filter (or the endpoint's own) on a sample message, or on the application's last 100 messages; nothing is delivered.",
    description:
      'With `eventType` and `payload`: `{ matches, eventTypeMatches, filterMatches, filterError? }`, where `matches` needs both the endpoint\'s `eventTypes` and the filter; ' +
      '`timestamp` is now. With neither: `{ matched, total, errors }` over the application\'s newest 100 messages (of every type; `matched` counts those the endpoint ' +
      'would have got). A malformed filter is `400 invalid_field` (`field: filter`), as when it is set.',
  })
  @ApiIdParam('The endpoint id.', EXAMPLE.endpointId)
  @ApiOkResponse({ type: FilterTestView, description: 'What the filter would do.' })
  @ApiErrors(...BODY_ERRORS, notFound('endpoint', EXAMPLE.endpointId))
  async test(@Param('app', ApplicationPipe) applicationId: string, @Param('id') id: string, @Body() dto: TestFilterDto): Promise<FilterTestView> {
    return this.tests.test(applicationId, id, dto);
  }
}
