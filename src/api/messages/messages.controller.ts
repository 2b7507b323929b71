import { Body, Controller, Get, Headers, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiAcceptedResponse, ApiHeader, ApiOkResponse, ApiOperation, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import { InvalidFieldError } from '../../domain/errors';
import { EXAMPLE } from '../common/examples';
import { ApplicationPipe } from '../applications/application.pipe';
import { parseTextFilter, parseTimeRange } from '../common/list-filters';
import { ApiApplicationScoped, ApiErrors, ApiIdParam, ApiPageQuery, ApiTimeRangeQuery, ApiTokenRequired, BODY_ERRORS, ERRORS, notFound, unavailable } from '../common/openapi';
import { parsePage } from '../common/pagination';
import { IDEMPOTENCY_KEY_PATTERN } from '../common/validators';
import { CreateMessageBatchDto } from './dto/create-message-batch.dto';
import { CreateMessageDto } from './dto/create-message.dto';
import { MessageBatchView } from './message-batch.view';
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
    summary: 'Send a message; 202 means it is durably stored and every delivery is certain to start.',
    description:
      'The payload is first checked against its type\'s JSON Schema, if the event-type catalog has one (`400 invalid_payload` naming where it fails). ' +
      'The message is fanned out to every endpoint of the application that is live, enabled, subscribed to `eventType` (exactly or by a `prefix.*` wildcard) and whose filter is true for it, one delivery each. ' +
      'The answer comes once PostgreSQL has committed the message, its deliveries and their outbox rows; the delivery workflows start right after, ' +
      'so a Temporal outage delays deliveries but refuses no message (the backlog shows as `outboxPending` in `GET /v1/stats`). ' +
      'A repeat in the same application with the same `Idempotency-Key` or the same `id` returns the first message unchanged, whatever the new body says, and starts nothing twice.',
  })
  @ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description: '`[A-Za-z0-9_.:-]{1,256}`. Repeats with the same key return the first message.',
    example: 'order-7781-paid',
  })
  @ApiAcceptedResponse({ type: MessageView, description: 'The message (or the first one, for a repeat) and its deliveries.' })
  @ApiErrors(...BODY_ERRORS, INVALID_PAYLOAD, UNKNOWN_EVENT_TYPE, ARCHIVED_MESSAGE, unavailable('postgres', 'nothing was stored; send it again later.'))
  async publish(@Param('app', ApplicationPipe) applicationId: string, @Body() dto: CreateMessageDto, @Headers('Idempotency-Key') idempotencyKey?: string): Promise<MessageView> {
    if (idempotencyKey !== undefined && !IDEMPOTENCY_KEY_PATTERN.test(idempotencyKey)) {
      throw new InvalidFieldError('Idempotency-Key', 'Idempotency-Key header must match [A-Za-z0-9_.:-]{1,256}');
    }
    const { message, deliveries } = await this.messages.publish(applicationId, dto, idempotencyKey);
    return toMessageView(message, deliveries);
  }

  @Post('batch')
  @HttpCode(207)
  @ApiOperation({
    summary: 'Send up to HOOKWAY_MAX_BATCH messages in one request; 207 lists what became of each.',
    description:
      'Each message is checked as `POST .../messages` checks one, and gets its own id and idempotency (`idempotencyKey` in the message stands for the header). ' +
      'A bad message is answered in its item (400 or 413, `field` naming its path such as `messages[3].payload`) and does not hold up the others. ' +
      'The valid ones are stored in ONE transaction, never half: if PostgreSQL fails, none is stored and the answer is 503. ' +
      'A message repeating an earlier one (same `id` or `idempotencyKey`, in an earlier request or earlier in this batch) is answered 202 with that message. ' +
      'Their delivery workflows start right after, as for one message. The body may be up to HOOKWAY_MAX_BATCH_BYTES (4 MiB by default); each message, HOOKWAY_MAX_PAYLOAD_BYTES.',
  })
  @ApiResponse({ status: 207, type: MessageBatchView, description: 'One item per message, in request order.' })
  @ApiErrors(
    {
      status: 400,
      description: '`invalid_field` naming `messages` when it is not an array of 1 to HOOKWAY_MAX_BATCH messages, or another body field; `invalid_json`.',
      example: { code: 'invalid_field', message: 'messages must hold 1 to 500 messages (HOOKWAY_MAX_BATCH); it holds 501', field: 'messages' },
    },
    { ...ERRORS.payloadTooLarge, description: '`payload_too_large`: the body is over HOOKWAY_MAX_BATCH_BYTES (4 MiB by default).', example: { code: 'payload_too_large', message: 'request body is larger than 4194304 bytes' } },
    ERRORS.unsupportedEncoding,
    unavailable('postgres', 'none of the messages was stored; send the batch again later (repeats are safe).'),
  )
  async publishBatch(@Param('app', ApplicationPipe) applicationId: string, @Body() dto: CreateMessageBatchDto): Promise<MessageBatchView> {
    const items = await this.messages.publishBatch(applicationId, dto.messages);
    return {
      items: items.map((item) =>
        'accepted' in item
          ? { index: item.index, status: item.status, message: toMessageView(item.accepted.message, item.accepted.deliveries) }
          : { index: item.index, status: item.status, error: item.error },
      ),
    };
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
