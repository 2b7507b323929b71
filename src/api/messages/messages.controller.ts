import { Body, Controller, Get, Headers, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiAcceptedResponse, ApiHeader, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { InvalidFieldError } from '../../domain/errors';
import { EXAMPLE } from '../common/examples';
import { ApplicationPipe } from '../applications/application.pipe';
import { parseTextFilter, parseTimeRange } from '../common/list-filters';
import { ApiApplicationScoped, ApiErrors, ApiIdParam, ApiPageQuery, ApiTimeRangeQuery, ApiTokenRequired, BODY_ERRORS, ERRORS, notFound, unavailable } from '../common/openapi';
import { parsePage } from '../common/pagination';
import { IDEMPOTENCY_KEY_PATTERN } from '../common/validators';
import { CreateMessageDto } from './dto/create-message.dto';
import { MessageLogPage, toMessageLogItemView } from './message-log.view';
import { MessageView, toMessageView } from './message.view';
import { MessagesService } from './messages.service';
import { ARCHIVED_MESSAGE, INVALID_PAYLOAD, UNKNOWN_EVENT_TYPE } from '../event-types/catalog-errors';

/** `/v1/applications/:app/messages`: events to deliver to every subscribed endpoint of the application. */
@ApiTags('messages')
@ApiTokenRequired()
@ApiApplicationScoped()
@Controller('v1/applications/:app/messages')
export class MessagesController {
  constructor(private readonly messages: MessagesService) {}

  @Post()
  @HttpCode(202)
  @ApiOperation({
    summary: 'Send a message; 202 means every delivery is durably scheduled.',
    description:
      'The payload is first checked against its type\'s JSON Schema, if the event-type catalog has one (`400 invalid_payload` naming where it fails). ' +
      'The message is fanned out to every endpoint of the application that is live, enabled, subscribed to `eventType` (exactly or by a `prefix.*` wildcard) and whose filter is true for it, one delivery each. ' +
      'A repeat in the same application with the same `Idempotency-Key` or the same `id` returns the first message unchanged, whatever the new body says, and starts nothing twice.',
  })
  @ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description: '`[A-Za-z0-9_.:-]{1,256}`. Repeats with the same key return the first message.',
    example: 'order-7781-paid',
  })
  @ApiAcceptedResponse({ type: MessageView, description: 'The message (or the first one, for a repeat) and its deliveries.' })
  @ApiErrors(
    ...BODY_ERRORS,
    INVALID_PAYLOAD,
    UNKNOWN_EVENT_TYPE,
    ARCHIVED_MESSAGE,
    unavailable('postgres', 'nothing was stored; send it again later.'),
    unavailable('temporal', 'the message is stored but some deliveries may not have started: repeat the same request (same `Idempotency-Key` or `id`).'),
  )
  async publish(@Param('app', ApplicationPipe) applicationId: string, @Body() dto: CreateMessageDto, @Headers('Idempotency-Key') idempotencyKey?: string): Promise<MessageView> {
    if (idempotencyKey !== undefined && !IDEMPOTENCY_KEY_PATTERN.test(idempotencyKey)) {
      throw new InvalidFieldError('Idempotency-Key', 'Idempotency-Key header must match [A-Za-z0-9_.:-]{1,256}');
    }
    const { message, deliveries } = await this.messages.publish(applicationId, dto, idempotencyKey);
    return toMessageView(message, deliveries);
  }

  @Get()
  @ApiOperation({
    summary: "The application's messages, newest first; pass the last id as `after` for the next page.",
    description:
      'Each item is the message without its payload (read one with `GET .../messages/{id}`) and its deliveries counted by status. ' +
      'Pages never shift as new messages arrive: those come before the first page.',
  })
  @ApiQuery({ name: 'eventType', required: false, type: String, description: 'Only messages of this event type (exact match).', example: EXAMPLE.eventType })
  @ApiTimeRangeQuery('acceptance')
  @ApiPageQuery(EXAMPLE.messageId)
  @ApiOkResponse({ type: MessageLogPage, description: 'One page of messages.' })
  @ApiErrors(ERRORS.invalidQuery)
  async list(
    @Param('app', ApplicationPipe) applicationId: string,
    @Query('eventType') eventType?: string,
    @Query('since') since?: string,
    @Query('until') until?: string,
    @Query('limit') limit?: string,
    @Query('after') after?: string,
  ): Promise<MessageLogPage> {
    const filter = { eventType: parseTextFilter('eventType', eventType), ...parseTimeRange(since, until), ...parsePage(limit, after) };
    return { items: (await this.messages.list(applicationId, filter)).map(toMessageLogItemView) };
  }

  @Get(':id')
  @ApiOperation({ summary: 'A message and the state of its deliveries.' })
  @ApiIdParam('The message id.', EXAMPLE.messageId)
  @ApiOkResponse({ type: MessageView, description: 'The message and its deliveries.' })
  @ApiErrors(notFound('message', EXAMPLE.messageId))
  async get(@Param('app', ApplicationPipe) applicationId: string, @Param('id') id: string): Promise<MessageView> {
    const { message, deliveries } = await this.messages.get(applicationId, id);
    return toMessageView(message, deliveries);
  }
}
