import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { ApiAcceptedResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApplicationPipe } from '../applications/application.pipe';
import { EXAMPLE } from '../common/examples';
import { ApiApplicationScoped, ApiErrors, ApiIdParam, ApiTokenRequired, BODY_ERRORS, notFound, unavailable, type ErrorAnswer } from '../common/openapi';
import { SendTestEventDto } from './dto/send-test-event.dto';
import { EndpointTestService } from './endpoint-test.service';
import { MessageView, toMessageView } from './message.view';

const ENDPOINT_DISABLED: ErrorAnswer = {
  status: 409,
  description: '`endpoint_disabled`: the endpoint is disabled; enable it first.',
  example: { code: 'endpoint_disabled', message: `endpoint ${EXAMPLE.endpointId} is disabled (manual); enable it with PATCH {"disabled": false} first` },
};

/** `/v1/applications/:app/endpoints/:id/test`: a test event to one endpoint. */
@ApiTags('endpoints')
@ApiTokenRequired()
@ApiApplicationScoped()
@Controller('v1/applications/:app/endpoints/:id/test')
export class EndpointTestController {
  constructor(private readonly tests: EndpointTestService) {}

  @Post()
  @HttpCode(202)
  @ApiOperation({
    summary: 'Send a test event to this endpoint only; 202 means its delivery is durably scheduled.',
    description:
      "A message of the application whose one delivery goes to this endpoint, whatever other endpoints subscribe to its type; signed, retried and listed like any other. " +
      "Follow it with `GET /v1/deliveries/{id}` (the answer's `deliveries[0].id`) to see its attempts.",
  })
  @ApiIdParam('The endpoint id.', EXAMPLE.endpointId)
  @ApiAcceptedResponse({ type: MessageView, description: 'The message and its one delivery.' })
  @ApiErrors(
    ...BODY_ERRORS,
    notFound('endpoint', EXAMPLE.endpointId),
    ENDPOINT_DISABLED,
    unavailable('postgres', 'nothing was stored; send it again later.'),
    unavailable('temporal', 'the message is stored but its delivery may not have started; send another test event.'),
  )
  async send(@Param('app', ApplicationPipe) applicationId: string, @Param('id') id: string, @Body() dto: SendTestEventDto): Promise<MessageView> {
    const { message, deliveries } = await this.tests.send(applicationId, id, dto);
    return toMessageView(message, deliveries);
  }
}
