import { Body, Controller, Get, Headers, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import { InvalidFieldError } from '../../domain/errors';
import { IDEMPOTENCY_KEY_PATTERN } from '../common/validators';
import { CreateMessageDto } from './dto/create-message.dto';
import { toMessageView, type MessageView } from './message.view';
import { MessagesService } from './messages.service';

/** `/v1/messages`: events to deliver to every subscribed endpoint. */
@ApiTags('messages')
@ApiBearerAuth()
@Controller('v1/messages')
export class MessagesController {
  constructor(private readonly messages: MessagesService) {}

  @Post()
  @HttpCode(202)
  @ApiOperation({ summary: 'Send a message; 202 means every delivery is durably scheduled.' })
  @ApiHeader({ name: 'Idempotency-Key', required: false, description: 'Repeats with the same key return the first message.' })
  async publish(@Body() dto: CreateMessageDto, @Headers('idempotency-key') idempotencyKey?: string): Promise<MessageView> {
    if (idempotencyKey !== undefined && !IDEMPOTENCY_KEY_PATTERN.test(idempotencyKey)) {
      throw new InvalidFieldError('Idempotency-Key', 'Idempotency-Key header must match [A-Za-z0-9_.:-]{1,256}');
    }
    const { message, deliveries } = await this.messages.publish(dto, idempotencyKey);
    return toMessageView(message, deliveries);
  }

  @Get(':id')
  @ApiOperation({ summary: 'A message and the state of its deliveries.' })
  async get(@Param('id') id: string): Promise<MessageView> {
    const { message, deliveries } = await this.messages.get(id);
    return toMessageView(message, deliveries);
  }
}
